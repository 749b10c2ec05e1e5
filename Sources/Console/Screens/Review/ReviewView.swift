import Foundation
import Terminal

/// The review screen: stores and releases on top, tracks and the candidates of the focused track below.
enum ReviewView {
    static func draw(_ state: ConsoleState, layout: ConsoleLayout, into buffer: inout CellBuffer) {
        let review = state.review
        let panes = layout.reviewPanes
        ListView.drawStores(state, panes[.stores]!, focused: review.focus == .stores, &buffer,
                   height: layout.viewportHeight(of: .stores))
        drawReleases(state, panes[.releases]!, &buffer, height: layout.viewportHeight(of: .releases))
        drawTracks(state, panes[.tracks]!, &buffer, height: layout.viewportHeight(of: .tracks))
        drawDetail(state, panes[.detail]!, &buffer)
    }

    static func drawReleases(_ state: ConsoleState, _ rect: CellRect, _ buffer: inout CellBuffer, height: Int) {
        let review = state.review
        let focused = review.focus == .releases
        let storeName = review.releasesStore.map { " · \($0)" } ?? ""
        Drawing.pane(&buffer, rect, title: ListView.title("Releases", review.releases) + storeName
                        + ListView.staleMark(state), focused: focused)
        let inner = rect.inset(by: 1)
        let list = review.releases
        let catnoWidth = inner.width >= 70 ? 14 : 10
        Drawing.row(&buffer, row: inner.row, column: inner.column, width: inner.width, [
            ColumnSpec("Artist – Title"), ColumnSpec("Cat#", width: catnoWidth), ColumnSpec("Pend", width: 4, .right),
        ].map { var spec = $0; spec.style = CellStyle(.header); return spec })
        let body = CellRect(column: inner.column, row: inner.row + 1, width: inner.width, height: inner.height - 1)
        if list.visible.isEmpty {
            let loading = state.isPending { if case .loadReleases = $0 { return true } else { return false } }
            ListView.emptyLine(&buffer, body, review.releasesStore == nil ? "Select a store" : (loading || !list.loaded ? "Loading…" :
                        (list.filter.isEmpty ? "Nothing pending in this store" : "No release matches")))
            return
        }
        let top = ListView.clampedTop(list.top, cursor: list.cursor, count: list.visible.count, height: height)
        for (offset, release) in list.visible[top..<min(list.visible.count, top + height)].enumerated() {
            let row = body.row + offset
            // Someone else's presence lease: a note between the title and the catalogue number, cut to a third.
            let presence = review.presenceNote(for: release.discogsID).map { note in
                [ColumnSpec(note, width: min(TerminalText.width(TerminalText.sanitize(note)), max(8, inner.width / 3)),
                            style: CellStyle(.statusPending))]
            } ?? []
            Drawing.row(&buffer, row: row, column: inner.column, width: inner.width, [
                ColumnSpec("\(release.artist) – \(release.title)"),
            ] + presence + [
                ColumnSpec(release.catno, width: catnoWidth, style: CellStyle(.textDim)),
                ColumnSpec(String(release.pending), width: 4, .right,
                           style: CellStyle(release.pending > 0 ? .statusPending : .textDim)),
            ])
            if top + offset == list.cursor {
                Drawing.highlight(&buffer, CellRect(column: inner.column, row: row, width: inner.width, height: 1),
                                  focused: focused)
            }
        }
    }

    static func drawTracks(_ state: ConsoleState, _ rect: CellRect, _ buffer: inout CellBuffer, height: Int) {
        let review = state.review
        let focused = review.focus == .tracks
        var title = ListView.title("Tracks", review.tracks) + ListView.staleMark(state)
        // First after the counts, so a narrow pane still shows it: someone else has this release open.
        if let note = review.presenceNote(for: review.tracksRelease) { title += " · \(note)" }
        if !review.tracks.marked.isEmpty { title += " · \(review.tracks.marked.count) marked" }
        if let release = review.releases.items.first(where: { $0.discogsID == review.tracksRelease }) {
            title += " · \(release.artist) – \(release.title)"
        }
        if let note = review.tracks.items.lazy.compactMap(\.titleSourceNote).first { title += " · \(note)" }
        Drawing.pane(&buffer, rect, title: title, focused: focused)
        let inner = rect.inset(by: 1)
        let list = review.tracks
        let showsURL = inner.width >= 100
        let header: [ColumnSpec] = [
            ColumnSpec("", width: 1), ColumnSpec("Pos", width: 4), ColumnSpec("Title"),
            ColumnSpec("Time", width: 5, .right), ColumnSpec("", width: 2),
        ] + (showsURL ? [ColumnSpec("URL", width: 28)] : []) + [
            ColumnSpec("Confidence", width: 10), ColumnSpec("Status", width: 9),
        ]
        Drawing.row(&buffer, row: inner.row, column: inner.column, width: inner.width,
                    header.map { var spec = $0; spec.style = CellStyle(.header); return spec })
        let body = CellRect(column: inner.column, row: inner.row + 1, width: inner.width, height: inner.height - 1)
        if list.visible.isEmpty {
            ListView.emptyLine(&buffer, body, review.tracksRelease == nil ? "Select a release" :
                        (list.loaded ? (list.filter.isEmpty ? "No tracks" : "No track matches") : "Loading…"))
            return
        }
        let top = ListView.clampedTop(list.top, cursor: list.cursor, count: list.visible.count, height: height)
        for (offset, track) in list.visible[top..<min(list.visible.count, top + height)].enumerated() {
            let row = body.row + offset
            let inFlight = review.tracksInFlight.contains(track.reference)
            let marked = list.marked.contains(track.id)
            var columns: [ColumnSpec] = [
                ColumnSpec(marked ? "●" : (inFlight ? Drawing.spinner(state.spinnerFrame) : " "), width: 1,
                           style: CellStyle(marked ? .marked : .textDim)),
                ColumnSpec(track.position, width: 4, style: CellStyle(.textDim)),
                ColumnSpec(track.title),
                ColumnSpec(track.duration, width: 5, .right, style: CellStyle(.textDim)),
                ColumnSpec(track.platform?.shortName ?? "", width: 2, style: CellStyle(.textDim)),
            ]
            if showsURL { columns.append(ColumnSpec(track.url ?? "", width: 28, style: CellStyle(.textDim))) }
            columns.append(ColumnSpec("", width: 10))
            columns.append(ColumnSpec(inFlight ? "saving…" : track.status.rawValue, width: 9,
                                      style: CellStyle(inFlight ? .textDim : Drawing.statusRole(track.status))))
            Drawing.row(&buffer, row: row, column: body.column, width: body.width, columns)
            // The confidence column (10 wide, before the 9-wide status): a bar coloured by band, the scale's marker
            // when the row stores 0-100, then the number.
            let barColumn = body.column + body.width - 9 - 1 - 10
            if let confidence = track.confidence, barColumn > body.column + 6 {
                let role = Drawing.confidenceRole(confidence)
                buffer.bar(at: CellPosition(column: barColumn, row: row), width: 5, fraction: confidence,
                           style: CellStyle(role))
                buffer.put(track.confidenceScale.marker, at: CellPosition(column: barColumn + 5, row: row),
                           style: CellStyle(role, emphasis: .bold), maxWidth: 1)
                buffer.put(DisplayFormat.confidence(confidence), at: CellPosition(column: barColumn + 6, row: row),
                           style: CellStyle(role), maxWidth: 4)
            }
            if top + offset == list.cursor {
                Drawing.highlight(&buffer, CellRect(column: body.column, row: row, width: body.width, height: 1),
                                  focused: focused || review.focus == .detail)
            }
        }
    }

    static func drawDetail(_ state: ConsoleState, _ rect: CellRect, _ buffer: inout CellBuffer) {
        let review = state.review
        let focused = review.focus == .detail
        let candidates = review.focusedTrack?.candidates ?? []
        Drawing.pane(&buffer, rect, title: "Candidates \(candidates.count)", focused: focused)
        let inner = rect.inset(by: 1)
        guard let track = review.focusedTrack else {
            ListView.emptyLine(&buffer, inner, "Select a track")
            return
        }
        var row = inner.row
        func line(_ text: String, _ style: CellStyle = .text, indent: Int = 0) {
            guard row < inner.maxRow else { return }
            buffer.put(text, at: CellPosition(column: inner.column + indent, row: row), width: inner.width - indent,
                       style: style)
            row += 1
        }
        line("\(track.position) \(track.title)", CellStyle(.title))
        line(track.url ?? "no match stored", CellStyle(track.url == nil ? .statusUnmatched : .textDim))
        var status = track.status.rawValue
        if let confidence = track.confidence {
            status += " · \(DisplayFormat.confidence(confidence, scale: track.confidenceScale))"
            if track.confidenceScale == .percent { status += " (stored 0-100)" }
        }
        if let by = track.verifiedBy { status += " · by \(by)" }
        line(status, CellStyle(Drawing.statusRole(track.status)))
        guard !candidates.isEmpty else {
            line("No candidates recorded", CellStyle(.textDim))
            return
        }
        let cursor = min(review.candidateCursor, candidates.count - 1)
        // Candidates first (one line each), then the focused one's score breakdown in what is left.
        let evidenceLines = candidates[cursor].evidence.count + 1
        let listRoom = max(1, inner.maxRow - row - min(evidenceLines, max(0, inner.maxRow - row - 3)))
        let first = max(0, min(cursor - listRoom + 1, candidates.count - listRoom))
        for index in first..<min(candidates.count, first + listRoom) {
            guard row < inner.maxRow else { break }
            let candidate = candidates[index]
            let current = candidate.url == track.url
            let role = candidate.rejected ? ThemeRole.statusRejected : Drawing.confidenceRole(candidate.confidence)
            Drawing.row(&buffer, row: row, column: inner.column, width: inner.width, [
                ColumnSpec(current ? "*" : (candidate.rejected ? "✗" : " "), width: 1, style: CellStyle(role)),
                ColumnSpec(DisplayFormat.confidence(candidate.confidence), width: 4, style: CellStyle(role)),
                ColumnSpec(candidate.platform?.shortName ?? "??", width: 2, style: CellStyle(.textDim)),
                ColumnSpec(candidate.source.tag, width: 9, style: CellStyle(.textDim)),
                ColumnSpec(candidate.title),
            ])
            if index == cursor {
                Drawing.highlight(&buffer, CellRect(column: inner.column, row: row, width: inner.width, height: 1),
                                  focused: focused)
            }
            row += 1
        }
        guard row < inner.maxRow else { return }
        let candidate = candidates[cursor]
        line("Score \(DisplayFormat.confidence(candidate.confidence)) · signal, value×weight, share", CellStyle(.header))
        for evidence in candidate.evidence {
            guard row < inner.maxRow else { break }
            // value × weight = contribution; a bar of the value when there is room for one.
            let barWidth = inner.width >= 40 ? 8 : 0
            let numbers = [
                ColumnSpec(String(format: "%.2f×%.2f", evidence.value, evidence.weight), width: 9, .right,
                           style: CellStyle(.textDim)),
                ColumnSpec(String(format: "%+.2f", evidence.contribution), width: 5, .right),
            ]
            let signalWidth = max(4, inner.width - 9 - 5 - 2 - (barWidth > 0 ? barWidth + 1 : 0))
            Drawing.row(&buffer, row: row, column: inner.column, width: inner.width,
                        [ColumnSpec(evidence.signal, width: signalWidth)] + (barWidth > 0 ? [ColumnSpec("", width: barWidth)] : [])
                            + numbers)
            if barWidth > 0 {
                buffer.bar(at: CellPosition(column: inner.column + signalWidth + 1, row: row), width: barWidth,
                           fraction: evidence.value, style: CellStyle(Drawing.confidenceRole(evidence.value)))
            }
            row += 1
        }
    }

}
