import Terminal

/// Drawing shared by the screens' lists: pane titles with counts, empty lines, scrolling, and the stores list
/// that the review and inventory screens both show.
enum ListView {
    static func title(_ base: String, _ list: some ListSummary) -> String {
        var text = "\(base) \(Drawing.countLabel(list.visibleCount, cursor: list.cursorIndex, more: list.hasMorePages))"
        if !list.filterText.isEmpty { text += " /\(list.filterText)" }
        return text
    }

    static func emptyLine(_ buffer: inout CellBuffer, _ inner: CellRect, _ text: String) {
        buffer.put(text, at: CellPosition(column: inner.column + 1, row: inner.row), style: CellStyle(.textDim),
                   maxWidth: inner.width - 1)
    }

    /// The first row to show so the cursor is visible, whatever `top` the state holds.
    static func clampedTop(_ top: Int, cursor: Int, count: Int, height: Int) -> Int {
        var first = max(0, min(top, max(0, count - height)))
        if cursor < first { first = cursor }
        if cursor >= first + height { first = cursor - height + 1 }
        return max(0, first)
    }

    static func drawStores(_ state: ConsoleState, _ rect: CellRect, focused: Bool, _ buffer: inout CellBuffer, height: Int) {
        Drawing.pane(&buffer, rect, title: title("Stores", state.stores) + staleMark(state), focused: focused)
        let inner = rect.inset(by: 1)
        let list = state.stores
        Drawing.row(&buffer, row: inner.row, column: inner.column, width: inner.width, [
            ColumnSpec("Store"), ColumnSpec("Pend", width: 4, .right), ColumnSpec("Unm", width: 4, .right),
        ].map { var spec = $0; spec.style = CellStyle(.header); return spec })
        let body = CellRect(column: inner.column, row: inner.row + 1, width: inner.width, height: inner.height - 1)
        if list.visible.isEmpty {
            emptyLine(&buffer, body, list.loaded ? (list.filter.isEmpty ? "No stores yet" : "No store matches") : "Loading…")
            return
        }
        let top = clampedTop(list.top, cursor: list.cursor, count: list.visible.count, height: height)
        for (offset, store) in list.visible[top..<min(list.visible.count, top + height)].enumerated() {
            let row = body.row + offset
            Drawing.row(&buffer, row: row, column: inner.column, width: inner.width, [
                ColumnSpec(store.name),
                ColumnSpec(DisplayFormat.count(store.pending), width: 4, .right,
                           style: CellStyle(store.pending > 0 ? .statusPending : .textDim)),
                ColumnSpec(DisplayFormat.count(store.unmatched), width: 4, .right, style: CellStyle(.statusUnmatched)),
            ])
            if top + offset == list.cursor {
                Drawing.highlight(&buffer, CellRect(column: inner.column, row: row, width: inner.width, height: 1),
                                  focused: focused)
            }
        }
    }

    /// Marks a pane whose rows come from before a Postgres outage.
    static func staleMark(_ state: ConsoleState) -> String { state.health.postgres.isUp ? "" : " · stale" }
}

/// What a pane title needs from a list, whatever its rows.
protocol ListSummary {
    var visibleCount: Int { get }
    var cursorIndex: Int { get }
    var hasMorePages: Bool { get }
    var filterText: String { get }
}

extension SelectionList: ListSummary {
    var visibleCount: Int { visible.count }
    var cursorIndex: Int { cursor }
    var hasMorePages: Bool { nextPage != nil }
    var filterText: String { filter }
}
