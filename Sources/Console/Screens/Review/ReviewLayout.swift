import Terminal

extension ConsoleLayout {
    /// The four review panes (boxes, borders included).
    public var reviewPanes: [ReviewPane: CellRect] {
        let topHeight = max(6, main.height * 2 / 5)
        let bottomHeight = main.height - topHeight
        let storesWidth = min(34, max(26, main.width / 5))
        let detailWidth = main.width >= 120 ? main.width * 2 / 5 : max(30, main.width * 3 / 8)
        return [
            .stores: CellRect(column: main.column, row: main.row, width: storesWidth, height: topHeight),
            .releases: CellRect(column: main.column + storesWidth, row: main.row,
                                width: main.width - storesWidth, height: topHeight),
            .tracks: CellRect(column: main.column, row: main.row + topHeight,
                              width: main.width - detailWidth, height: bottomHeight),
            .detail: CellRect(column: main.column + main.width - detailWidth, row: main.row + topHeight,
                              width: detailWidth, height: bottomHeight),
        ]
    }

    /// Rows of data a review pane shows (inside the border, below a column header for tracks).
    public func viewportHeight(of pane: ReviewPane) -> Int {
        let box = reviewPanes[pane]!
        return max(1, box.height - 2 - (pane == .detail ? 0 : 1))
    }
}
