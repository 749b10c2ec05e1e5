import Foundation
import Terminal

/// The search form over the review screen: the query and the site it searches, then the scored uploads to pick
/// from, each tagged by platform and source as the candidates pane tags them.
enum TrackSearchView {
    static func draw(_ state: ConsoleState, _ form: TrackSearchForm, _ buffer: inout CellBuffer) {
        let rect = Drawing.dialogBox(&buffer, width: min(100, buffer.width - 4), height: min(buffer.height - 2, 18),
                                     title: "Search again on \(form.site.title)", danger: false)
        let inner = rect.inset(by: 1)
        var lines = DialogLines(inner)
        lines.line("Track: " + form.trackTitle, into: &buffer)
        lines.row += 1
        if lines.hasRoom {
            let row = lines.row
            buffer.put("Query: ", at: CellPosition(column: inner.column + 1, row: row), style: CellStyle(.dialog))
            Drawing.field(&buffer, form.query.text, at: CellPosition(column: inner.column + 8, row: row), width: inner.width - 9,
                          style: CellStyle(form.phase == .editing ? .input : .textDim))
            lines.row += 1
        }
        if let problem = form.problem { lines.line("✗ " + problem, .inputError, into: &buffer) }
        switch form.phase {
        case .preparing:
            lines.line(Drawing.spinner(state.spinnerFrame) + " Reading the track's query…", .textDim, into: &buffer)
            OverlayView.drawChoices(&buffer, inner, [("Esc", "close")])
        case .editing:
            switch form.site {
            case .youtube:
                lines.line("Enter searches (100 units of the daily quota, none when the search cache answers)", .textDim,
                           into: &buffer)
            case .soundcloud:
                lines.line("Enter searches (SoundCloud keeps no unit quota; the search cache answers a repeat)", .textDim,
                           into: &buffer)
            }
            OverlayView.drawChoices(&buffer, inner, [("Enter", "search")] + switchChoice(form) + [("Esc", "close")])
        case .searching:
            lines.line(Drawing.spinner(state.spinnerFrame) + " Searching…", .textDim, into: &buffer)
            OverlayView.drawChoices(&buffer, inner, [("Esc", "close")])
        case .results(let picks, let cursor):
            let cost = form.unitsSpent.map { $0 == 0 ? " (from the search cache, no quota)" : " (\($0) quota units)" } ?? ""
            lines.line("\(picks.count) upload(s), scored for this track\(cost):", .textDim, into: &buffer)
            let listHeight = max(1, inner.maxRow - 1 - lines.row)
            let first = ListView.clampedTop(0, cursor: cursor, count: picks.count, height: listHeight)
            for (offset, pick) in picks.dropFirst(first).prefix(listHeight).enumerated() {
                let row = lines.row
                let role = pick.rejected ? ThemeRole.statusRejected : Drawing.confidenceRole(pick.confidence)
                Drawing.row(&buffer, row: row, column: inner.column + 1, width: inner.width - 2, [
                    ColumnSpec(pick.rejected ? "✗" : " ", width: 1, style: CellStyle(role)),
                    ColumnSpec(DisplayFormat.confidence(pick.confidence), width: 4, style: CellStyle(role)),
                    ColumnSpec(pick.platform?.shortName ?? "??", width: 2, style: CellStyle(.textDim)),
                    ColumnSpec(pick.source.tag, width: 9, style: CellStyle(.textDim)),
                    ColumnSpec(pick.title),
                    ColumnSpec(pick.url, width: min(44, (inner.width - 2) / 3), style: CellStyle(.textDim)),
                ])
                if first + offset == cursor {
                    Drawing.highlight(&buffer, CellRect(column: inner.column + 1, row: row, width: inner.width - 2, height: 1),
                                      focused: true)
                }
                lines.row += 1
            }
            OverlayView.drawChoices(&buffer, inner, [("Enter", "replace the match with it"), ("e", "edit query")]
                                    + switchChoice(form) + [("Esc", "close")])
        }
    }

    /// "Tab SoundCloud instead": the key that switches to the next configured site, when there is another.
    static func switchChoice(_ form: TrackSearchForm) -> [(String, String)] {
        form.sites.count > 1 ? [("Tab", form.nextSite.title + " instead")] : []
    }
}
