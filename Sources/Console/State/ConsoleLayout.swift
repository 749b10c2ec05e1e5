import Terminal

/// Where everything goes for a window size. It lives with the state, not the views: Update pages and scrolls by
/// its list heights and the views draw in its rectangles, so the cursor is kept visible by the numbers drawn with.
public struct ConsoleLayout: Equatable, Sendable {
    /// The smallest window the layout supports; smaller ones get a message instead.
    public static let minimumSize = TerminalSize(columns: 80, rows: 24)
    /// From this height on, the live panes are boxes with sparklines instead of one summary line.
    public static let fullLivePanesRows = 32

    public let size: TerminalSize
    public let header: CellRect
    public let banner: CellRect?
    public let main: CellRect
    /// The live panes area: one line, or three boxes.
    public let live: CellRect
    public let message: CellRect
    public let statusBar: CellRect

    public init(size: TerminalSize, showsBanner: Bool) {
        self.size = size
        let width = size.columns, height = size.rows
        header = CellRect(column: 0, row: 0, width: width, height: 1)
        banner = showsBanner ? CellRect(column: 0, row: 1, width: width, height: 1) : nil
        statusBar = CellRect(column: 0, row: height - 1, width: width, height: 1)
        message = CellRect(column: 0, row: height - 2, width: width, height: 1)
        let liveHeight = height >= Self.fullLivePanesRows ? 7 : 1
        live = CellRect(column: 0, row: height - 2 - liveHeight, width: width, height: liveHeight)
        let top = showsBanner ? 2 : 1
        main = CellRect(column: 0, row: top, width: width, height: max(0, live.row - top))
    }

    public init(state: ConsoleState) {
        self.init(size: state.size, showsBanner: !state.health.postgres.isUp || !state.health.redis.isUp)
    }

    public var isTooSmall: Bool { !size.fits(Self.minimumSize) }
    public var hasFullLivePanes: Bool { live.height > 1 }

    // MARK: - Review screen

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

    // MARK: - Other screens

    /// The left list and right detail of the inventory screen.
    public var inventoryPanes: (stores: CellRect, releases: CellRect, syncLog: CellRect) {
        let storesWidth = min(34, max(26, main.width / 5))
        let logHeight = min(8, max(4, main.height / 4))
        return (CellRect(column: main.column, row: main.row, width: storesWidth, height: main.height),
                CellRect(column: main.column + storesWidth, row: main.row, width: main.width - storesWidth,
                         height: main.height - logHeight),
                CellRect(column: main.column + storesWidth, row: main.row + main.height - logHeight,
                         width: main.width - storesWidth, height: logHeight))
    }

    /// The cache screen: the key list, and below it the full value of the selected key.
    public var cachePanes: (keys: CellRect, value: CellRect) {
        let valueHeight = min(8, max(4, main.height / 3))
        return (CellRect(column: main.column, row: main.row, width: main.width, height: main.height - valueHeight),
                CellRect(column: main.column, row: main.row + main.height - valueHeight, width: main.width, height: valueHeight))
    }

    /// Rows of data the lists of the other screens show (inside the border, below the column header).
    public var inventoryStoresHeight: Int { max(1, inventoryPanes.stores.height - 3) }
    public var inventoryListHeight: Int { max(1, inventoryPanes.releases.height - 3) }
    public var cacheListHeight: Int { max(1, cachePanes.keys.height - 3) }
    public var queueListHeight: Int { max(1, main.height - 3) }
}
