import Foundation
import Terminal

/// The inventory screen: stores on the left, the focused store's releases with coverage, and its sync log.
enum InventoryView {
    static func draw(_ state: ConsoleState, layout: ConsoleLayout, into buffer: inout CellBuffer) {
        let panes = layout.inventoryPanes
        let height = layout.inventoryStoresHeight
        ReviewView.drawStores(state, panes.stores, focused: state.inventoryFocusOnStores, &buffer, height: height)

        let focused = !state.inventoryFocusOnStores
        let list = state.inventory
        Drawing.pane(&buffer, panes.releases, title: ReviewView.title("Inventory", list) +
                        (state.inventoryStore.map { " · \($0)" } ?? ""), focused: focused)
        let inner = panes.releases.inset(by: 1)
        Drawing.row(&buffer, row: inner.row, column: inner.column, width: inner.width, [
            ColumnSpec("Release"), ColumnSpec("Year", width: 4), ColumnSpec("Trk", width: 3, .right),
            ColumnSpec("Appr", width: 4, .right), ColumnSpec("Pend", width: 4, .right), ColumnSpec("Coverage", width: 13),
        ].map { var spec = $0; spec.style = CellStyle(.header); return spec })
        let bodyHeight = layout.inventoryListHeight
        if list.visible.isEmpty {
            ReviewView.emptyLine(&buffer, CellRect(column: inner.column, row: inner.row + 1, width: inner.width, height: 1),
                                 list.loaded ? "No releases with audio matches" : "Loading…")
        } else {
            let top = ReviewView.clampedTop(list.top, cursor: list.cursor, count: list.visible.count, height: bodyHeight)
            for (offset, release) in list.visible[top..<min(list.visible.count, top + bodyHeight)].enumerated() {
                let row = inner.row + 1 + offset
                Drawing.row(&buffer, row: row, column: inner.column, width: inner.width, [
                    ColumnSpec("\(release.artist) – \(release.title)"),
                    ColumnSpec(release.year.map(String.init) ?? "", width: 4, style: CellStyle(.textDim)),
                    ColumnSpec(String(release.trackCount), width: 3, .right),
                    ColumnSpec(String(release.approved), width: 4, .right, style: CellStyle(.statusApproved)),
                    ColumnSpec(String(release.pending), width: 4, .right, style: CellStyle(.statusPending)),
                    ColumnSpec(DisplayFormat.percent(release.coverage), width: 13, .right),
                ])
                buffer.bar(at: CellPosition(column: inner.column + inner.width - 13, row: row), width: 8,
                           fraction: release.coverage, style: CellStyle(Drawing.confidenceRole(release.coverage)))
                if top + offset == list.cursor {
                    Drawing.highlight(&buffer, CellRect(column: inner.column, row: row, width: inner.width, height: 1),
                                      focused: focused)
                }
            }
        }

        Drawing.pane(&buffer, panes.syncLog, title: "Sync log", focused: false)
        let log = panes.syncLog.inset(by: 1)
        Drawing.row(&buffer, row: log.row, column: log.column, width: log.width, [
            ColumnSpec("When (UTC)", width: 16), ColumnSpec("Listings", width: 9, .right),
            ColumnSpec("New releases", width: 12, .right), ColumnSpec("Matches", width: 8, .right), ColumnSpec(""),
        ].map { var spec = $0; spec.style = CellStyle(.header); return spec })
        if state.syncLog.isEmpty {
            ReviewView.emptyLine(&buffer, CellRect(column: log.column, row: log.row + 1, width: log.width, height: 1),
                                 "No sync recorded")
        }
        for (offset, entry) in state.syncLog.prefix(max(0, log.height - 1)).enumerated() {
            Drawing.row(&buffer, row: log.row + 1 + offset, column: log.column, width: log.width, [
                ColumnSpec(DisplayFormat.dateTime(entry.at), width: 16),
                ColumnSpec(String(entry.listingsProcessed), width: 9, .right),
                ColumnSpec(String(entry.newReleases), width: 12, .right),
                ColumnSpec(String(entry.matchesCreated), width: 8, .right), ColumnSpec(""),
            ])
        }
    }
}

/// The cache screen: `match:*` keys with TTL and value, clears by key, release, store, all or drift.
enum CacheView {
    static func draw(_ state: ConsoleState, layout: ConsoleLayout, into buffer: inout CellBuffer) {
        let list = state.cacheKeys
        let panes = layout.cachePanes
        var title = ReviewView.title("Cache keys", list)
        if let matchKeys = state.cacheStats?.matchKeys { title += " of \(DisplayFormat.count(matchKeys)) match:*" }
        if let status = state.cacheScanStatus { title += " · " + status }
        Drawing.pane(&buffer, panes.keys, title: title, focused: true)
        let inner = panes.keys.inset(by: 1)
        let wide = inner.width >= 110
        let keyWidth = wide ? 26 : 22
        let storeWidth = wide ? 20 : 14
        Drawing.row(&buffer, row: inner.row, column: inner.column, width: inner.width, [
            ColumnSpec("Key", width: keyWidth), ColumnSpec("Store", width: storeWidth), ColumnSpec("TTL", width: 7, .right),
            ColumnSpec("Value"), ColumnSpec("", width: 5),
        ].map { var spec = $0; spec.style = CellStyle(.header); return spec })
        drawValue(state, panes.value, &buffer)
        let height = layout.cacheListHeight
        if list.visible.isEmpty {
            let scanning = state.isPending { if case .loadCacheKeys = $0 { return true } else { return false } }
            let empty: String
            if !state.health.redis.isUp {
                empty = "Redis is down"
            } else if scanning || !list.loaded {
                empty = "Scanning…" + (state.cacheScan.map { " " + $0.summary() } ?? "")
            } else if let walk = state.cacheScan, !walk.complete {
                // A budgeted step that found nothing is an answer, not the end of the keyspace.
                empty = "No match:* keys in the first \(DisplayFormat.count(walk.examined)) of "
                    + "\(DisplayFormat.count(walk.totalKeys)) keys examined; \(state.keymap.keyLabel(for: .moveDown) ?? "↓") continues"
            } else {
                empty = "No match:* keys"
            }
            ReviewView.emptyLine(&buffer, CellRect(column: inner.column, row: inner.row + 1, width: inner.width, height: 1), empty)
            return
        }
        let top = ReviewView.clampedTop(list.top, cursor: list.cursor, count: list.visible.count, height: height)
        for (offset, key) in list.visible[top..<min(list.visible.count, top + height)].enumerated() {
            let row = inner.row + 1 + offset
            Drawing.row(&buffer, row: row, column: inner.column, width: inner.width, [
                ColumnSpec(key.key, width: keyWidth),
                ColumnSpec(key.store ?? "", width: storeWidth, style: CellStyle(.textDim)),
                ColumnSpec(key.ttlSeconds.map { DisplayFormat.age(seconds: $0) } ?? "none", width: 7, .right,
                           style: CellStyle(key.ttlSeconds == nil ? .paneBad : .textDim)),
                ColumnSpec(key.valueSummary),
                ColumnSpec(key.drifted ? "drift" : "", width: 5, style: CellStyle(.paneBad)),
            ])
            if top + offset == list.cursor {
                Drawing.highlight(&buffer, CellRect(column: inner.column, row: row, width: inner.width, height: 1),
                                  focused: true)
            }
        }
    }

    /// The selected key's value in full, wrapped, so a long or broken value can be read without a Redis client.
    static func drawValue(_ state: ConsoleState, _ rect: CellRect, _ buffer: inout CellBuffer) {
        let key = state.cacheKeys.selected
        Drawing.pane(&buffer, rect, title: key.map { "Value of \($0.key)" } ?? "Value", focused: false)
        let inner = rect.inset(by: 1)
        guard let key, inner.width > 0 else { return }
        var status = "TTL " + (key.ttlSeconds.map { DisplayFormat.age(seconds: $0) } ?? "none (never expires)")
        if let store = key.store { status += " · store \(store)" }
        if key.drifted { status += " · disagrees with Postgres" }
        buffer.put(status, at: CellPosition(column: inner.column, row: inner.row), width: inner.width,
                   style: CellStyle(key.drifted || key.ttlSeconds == nil ? .paneBad : .textDim))
        for (offset, line) in wrap(TerminalText.sanitize(key.valueSummary), width: inner.width)
            .prefix(max(0, inner.height - 1)).enumerated() {
            buffer.put(line, at: CellPosition(column: inner.column, row: inner.row + 1 + offset), width: inner.width)
        }
    }

    /// Cuts sanitized text into lines of at most `width` columns (by character; values are JSON, not prose).
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        var used = 0
        for character in text {
            let characterWidth = DisplayWidth.of(character)
            if used + characterWidth > width {
                lines.append(current)
                current = ""
                used = 0
                if lines.count > 200 { break }  // enough for any screen; the rest is never shown
            }
            current.append(character)
            used += characterWidth
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

/// The queue screen: counts, then the rows of the chosen filter (stuck and failed by default).
enum QueueView {
    static func draw(_ state: ConsoleState, layout: ConsoleLayout, into buffer: inout CellBuffer) {
        let list = state.queueRows
        Drawing.pane(&buffer, layout.main, title: ReviewView.title("Queue · \(state.queueFilter.title)", list), focused: true)
        let inner = layout.main.inset(by: 1)
        Drawing.row(&buffer, row: inner.row, column: inner.column, width: inner.width, [
            ColumnSpec("", width: 1), ColumnSpec("Id", width: 8, .right), ColumnSpec("Store", width: 16),
            ColumnSpec("Release", width: 10, .right), ColumnSpec("Status", width: 10), ColumnSpec("Prio", width: 4, .right),
            ColumnSpec("Try", width: 3, .right), ColumnSpec("Age", width: 6, .right), ColumnSpec("Error"),
        ].map { var spec = $0; spec.style = CellStyle(.header); return spec })
        let height = layout.queueListHeight
        if list.visible.isEmpty {
            ReviewView.emptyLine(&buffer, CellRect(column: inner.column, row: inner.row + 1, width: inner.width, height: 1),
                                 list.loaded ? "Nothing here: no \(state.queueFilter.title) rows" : "Loading…")
            return
        }
        let top = ReviewView.clampedTop(list.top, cursor: list.cursor, count: list.visible.count, height: height)
        for (offset, job) in list.visible[top..<min(list.visible.count, top + height)].enumerated() {
            let row = inner.row + 1 + offset
            let statusRole: ThemeRole = job.needsAttention ? .paneBad :
                (job.status == .completed ? .paneGood : .text)
            Drawing.row(&buffer, row: row, column: inner.column, width: inner.width, [
                ColumnSpec(list.marked.contains(job.id) ? "●" : " ", width: 1, style: CellStyle(.marked)),
                ColumnSpec(String(job.id), width: 8, .right, style: CellStyle(.textDim)),
                ColumnSpec(job.store, width: 16),
                ColumnSpec(String(job.discogsID), width: 10, .right),
                ColumnSpec(job.stuck ? "stuck" : job.status.rawValue, width: 10, style: CellStyle(statusRole)),
                ColumnSpec(String(job.priority), width: 4, .right),
                ColumnSpec(String(job.retryCount), width: 3, .right),
                ColumnSpec(DisplayFormat.age(seconds: job.ageSeconds), width: 6, .right),
                ColumnSpec(job.errorMessage ?? "", style: CellStyle(.paneBad)),
            ])
            if top + offset == list.cursor {
                Drawing.highlight(&buffer, CellRect(column: inner.column, row: row, width: inner.width, height: 1),
                                  focused: true)
            }
        }
    }
}
