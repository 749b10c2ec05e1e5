import Terminal

/// Where everything goes for a window size: the frame here, and each screen's panes inside `main` in an extension
/// beside the screen (Screens/). It lives with the state, not the views: Update pages and scrolls by its list heights
/// and the views draw in its rectangles, so the cursor is kept visible by the numbers drawn with.
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
}
