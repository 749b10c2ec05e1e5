import Foundation
import Terminal

/// The Reviews screen: decisions per reviewer and pending by store side by side, each row with its figure and a
/// sparkline of its days (the one sparkline, `CellBuffer.sparkline`), and below them the time to a decision and
/// the rejections.
enum ReviewsView {
    static let summaryHeight = 4

    /// The two tables and the summary below them.
    static func panes(_ layout: ConsoleLayout) -> (decisions: CellRect, pending: CellRect, summary: CellRect) {
        let main = layout.main
        let tablesHeight = max(4, main.height - summaryHeight)
        let left = main.width / 2
        return (CellRect(column: main.column, row: main.row, width: left, height: tablesHeight),
                CellRect(column: main.column + left, row: main.row, width: main.width - left, height: tablesHeight),
                CellRect(column: main.column, row: main.row + tablesHeight, width: main.width,
                         height: max(0, main.height - tablesHeight)))
    }

    /// Rows a table shows (inside the border, below its header).
    static func tableHeight(_ layout: ConsoleLayout) -> Int { max(1, panes(layout).decisions.height - 3) }

    static func draw(_ state: ConsoleState, layout: ConsoleLayout, into buffer: inout CellBuffer) {
        let panes = panes(layout)
        let slice = state.reviews
        let days = slice.summary?.dayLabels.count ?? slice.days
        let span = "\(days) days" + (slice.summary?.dayLabels.last.map { " to \($0)" } ?? "")
        Drawing.pane(&buffer, panes.decisions, title: "Decisions · \(span)", focused: true)
        Drawing.pane(&buffer, panes.pending, title: "Pending by store · end of each day", focused: false)
        if panes.summary.height > 0 {
            Drawing.pane(&buffer, panes.summary, title: "Time to a decision · rejections", focused: false)
        }
        guard let summary = slice.summary else {
            let loading = state.isPending({ if case .loadReviewStats = $0 { return true } else { return false } })
            let text = loading ? "Loading…" : "No statistics loaded"
            for pane in [panes.decisions, panes.pending] {
                let inner = pane.inset(by: 1)
                ListView.emptyLine(&buffer, CellRect(column: inner.column, row: inner.row, width: inner.width, height: 1), text)
            }
            return
        }
        let height = tableHeight(layout)
        let everyone = StatsSeries(name: "(everyone)", perDay: summary.decisionsPerDay)
        table(&buffer, panes.decisions, figureTitle: "Total", rows: summary.reviewers.isEmpty ? [] : summary.reviewers + [everyone],
              figure: { $0.perDay.reduce(0, +) }, top: slice.top, height: height, empty: "No decisions logged")
        table(&buffer, panes.pending, figureTitle: "Now", rows: summary.pendingByStore,
              figure: { $0.perDay.last ?? 0 }, top: slice.top, height: height, empty: "Nothing pending")

        let inner = panes.summary.inset(by: 1)
        guard inner.height > 0 else { return }
        let wait = summary.medianWaitSeconds.map {
            "Median wait from stored to a person's first decision: \(ReviewStatsFormat.duration(seconds: $0))"
                + " (\(summary.timedDecisions) decision\(summary.timedDecisions == 1 ? "" : "s"))"
        } ?? "No decision on a waiting match in the window"
        buffer.put(wait, at: CellPosition(column: inner.column, row: inner.row), maxWidth: inner.width)
        guard inner.height > 1 else { return }
        var rejections = "Rejections \(summary.rejections) (\(summary.rejectionsWithReplacement) replaced; no reason is logged)"
        if summary.rejections > 0 {
            rejections += " · by reviewer " + list(summary.rejectionsByReviewer) + " · by store " + list(summary.rejectionsByStore)
        }
        buffer.put(rejections, at: CellPosition(column: inner.column, row: inner.row + 1), maxWidth: inner.width)
    }

    private static func list(_ counts: [StatsCount]) -> String {
        counts.map { "\($0.name) \($0.count)" }.joined(separator: ", ")
    }

    private static func table(_ buffer: inout CellBuffer, _ pane: CellRect, figureTitle: String, rows: [StatsSeries],
                              figure: (StatsSeries) -> Int, top: Int, height: Int, empty: String) {
        let inner = pane.inset(by: 1)
        guard inner.width > 0, inner.height > 0 else { return }
        let days = rows.first?.perDay.count ?? 0
        let trendWidth = min(days, max(0, inner.width / 2))
        Drawing.row(&buffer, row: inner.row, column: inner.column, width: inner.width, [
            ColumnSpec("Name"), ColumnSpec(figureTitle, width: 6, .right), ColumnSpec("Trend", width: max(5, trendWidth)),
        ].map { var spec = $0; spec.style = CellStyle(.header); return spec })
        guard !rows.isEmpty else {
            ListView.emptyLine(&buffer, CellRect(column: inner.column, row: inner.row + 1, width: inner.width, height: 1), empty)
            return
        }
        let first = min(top, max(0, rows.count - height))
        for (offset, series) in rows[first..<min(rows.count, first + height)].enumerated() {
            let row = inner.row + 1 + offset
            let trendColumn = max(5, trendWidth)
            Drawing.row(&buffer, row: row, column: inner.column, width: inner.width, [
                ColumnSpec(series.name), ColumnSpec(String(figure(series)), width: 6, .right), ColumnSpec("", width: trendColumn),
            ])
            buffer.sparkline(series.perDay.map(Double.init),
                             at: CellPosition(column: inner.column + inner.width - trendColumn, row: row), width: trendWidth)
        }
    }
}
