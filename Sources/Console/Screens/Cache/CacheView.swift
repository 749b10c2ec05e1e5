import Foundation
import Terminal

/// The cache screen: `match:*` keys with TTL and value, clears by key, release, store, all or drift.
enum CacheView {
    static func draw(_ state: ConsoleState, layout: ConsoleLayout, into buffer: inout CellBuffer) {
        let list = state.cache.keys
        let panes = layout.cachePanes
        var title = ListView.title("Cache keys", list)
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
                empty = "Scanning…" + (state.cache.scan.map { " " + $0.summary() } ?? "")
            } else if let walk = state.cache.scan, !walk.complete {
                // A budgeted step that found nothing is an answer, not the end of the keyspace.
                empty = "No match:* keys in the first \(DisplayFormat.count(walk.examined)) of "
                    + "\(DisplayFormat.count(walk.totalKeys)) keys examined; \(state.keymap.keyLabel(for: .moveDown) ?? "↓") continues"
            } else {
                empty = "No match:* keys"
            }
            ListView.emptyLine(&buffer, CellRect(column: inner.column, row: inner.row + 1, width: inner.width, height: 1), empty)
            return
        }
        let top = ListView.clampedTop(list.top, cursor: list.cursor, count: list.visible.count, height: height)
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
        let key = state.cache.keys.selected
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
