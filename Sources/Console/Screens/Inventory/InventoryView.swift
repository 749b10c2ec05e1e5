import Foundation
import Terminal

/// The inventory screen: stores on the left, the focused store's releases with coverage, and its sync log.
enum InventoryView {
    static func draw(_ state: ConsoleState, layout: ConsoleLayout, into buffer: inout CellBuffer) {
        let panes = layout.inventoryPanes
        let height = layout.inventoryStoresHeight
        ListView.drawStores(state, panes.stores, focused: state.inventory.focusOnStores, &buffer, height: height)

        let focused = !state.inventory.focusOnStores
        let list = state.inventory.releases
        Drawing.pane(&buffer, panes.releases, title: ListView.title("Inventory", list) +
                        (state.inventory.store.map { " · \($0)" } ?? ""), focused: focused)
        let inner = panes.releases.inset(by: 1)
        Drawing.row(&buffer, row: inner.row, column: inner.column, width: inner.width, [
            ColumnSpec("Release"), ColumnSpec("Year", width: 4), ColumnSpec("Trk", width: 3, .right),
            ColumnSpec("Appr", width: 4, .right), ColumnSpec("Pend", width: 4, .right), ColumnSpec("Coverage", width: 13),
        ].map { var spec = $0; spec.style = CellStyle(.header); return spec })
        let bodyHeight = layout.inventoryListHeight
        if list.visible.isEmpty {
            ListView.emptyLine(&buffer, CellRect(column: inner.column, row: inner.row + 1, width: inner.width, height: 1),
                                 list.loaded ? "No releases with audio matches" : "Loading…")
        } else {
            let top = ListView.clampedTop(list.top, cursor: list.cursor, count: list.visible.count, height: bodyHeight)
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
        if state.inventory.syncLog.isEmpty {
            ListView.emptyLine(&buffer, CellRect(column: log.column, row: log.row + 1, width: log.width, height: 1),
                                 "No sync recorded")
        }
        for (offset, entry) in state.inventory.syncLog.prefix(max(0, log.height - 1)).enumerated() {
            Drawing.row(&buffer, row: log.row + 1 + offset, column: log.column, width: log.width, [
                ColumnSpec(DisplayFormat.dateTime(entry.at), width: 16),
                ColumnSpec(String(entry.listingsProcessed), width: 9, .right),
                ColumnSpec(String(entry.newReleases), width: 12, .right),
                ColumnSpec(String(entry.matchesCreated), width: 8, .right), ColumnSpec(""),
            ])
        }
    }
}
