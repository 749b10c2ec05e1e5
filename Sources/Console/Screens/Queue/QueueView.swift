import Foundation
import Terminal

/// The queue screen: counts, then the rows of the chosen filter (stuck and failed by default).
enum QueueView {
    static func draw(_ state: ConsoleState, layout: ConsoleLayout, into buffer: inout CellBuffer) {
        let list = state.queue.rows
        Drawing.pane(&buffer, layout.main, title: ListView.title("Queue · \(state.queue.filter.title)", list), focused: true)
        let inner = layout.main.inset(by: 1)
        Drawing.row(&buffer, row: inner.row, column: inner.column, width: inner.width, [
            ColumnSpec("", width: 1), ColumnSpec("Id", width: 8, .right), ColumnSpec("Store", width: 16),
            ColumnSpec("Release", width: 10, .right), ColumnSpec("Status", width: 10), ColumnSpec("Prio", width: 4, .right),
            ColumnSpec("Try", width: 3, .right), ColumnSpec("Age", width: 6, .right), ColumnSpec("Error"),
        ].map { var spec = $0; spec.style = CellStyle(.header); return spec })
        let height = layout.queueListHeight
        if list.visible.isEmpty {
            ListView.emptyLine(&buffer, CellRect(column: inner.column, row: inner.row + 1, width: inner.width, height: 1),
                                 list.loaded ? "Nothing here: no \(state.queue.filter.title) rows" : "Loading…")
            return
        }
        let top = ListView.clampedTop(list.top, cursor: list.cursor, count: list.visible.count, height: height)
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
