import Foundation
import Terminal

/// A figure of the cache pane past its alert threshold (`CacheAlertThresholds` in Rotation decides), with the words
/// that name it, so that an alert never rests on colour alone.
public struct CachePaneAlert: Equatable, Sendable {
    public enum Figure: Equatable, Sendable {
        case hitRate
        case lookupTime
        case memory
        case invalidValues
    }

    public var figure: Figure
    /// "low hit rate 42% < 50%"; sanitized before display.
    public var message: String

    public init(_ figure: Figure, _ message: String) {
        self.figure = figure
        self.message = message
    }
}

/// What the cache pane draws beyond the server's figures: the fleet's hit rate per minute and the alerts.
enum CachePaneFigures {
    /// The style of a flagged figure.
    static let flaggedRole = ThemeRole.bannerWarning

    /// The alerts as one line of words ("⚠ low hit rate 42% < 50% · memory high 92% > 90% of maxmemory").
    static func alertLine(_ alerts: [CachePaneAlert]) -> String {
        "⚠ " + alerts.map { TerminalText.sanitize($0.message) }.joined(separator: " · ")
    }

    /// True when the fleet's counters have at least one minute with cache reads in the hour.
    static func hasFleetMinutes(_ cache: CacheSnapshot) -> Bool { cache.fleetMinutes.contains { $0 != nil } }

    /// "ours/min" and one cell per minute, newest at the right, as many minutes as fit: the block's height is the
    /// minute's hit rate (0 to 100 %, not scaled to the maximum), `·` a minute without cache reads.
    static func drawFleetSparkline(_ cache: CacheSnapshot, _ inner: CellRect, row: Int, _ buffer: inout CellBuffer) {
        var column = inner.column
        column += buffer.put("ours/min ", at: CellPosition(column: column, row: row), style: CellStyle(.textDim),
                             maxWidth: max(0, inner.maxColumn - column))
        let minutes = cache.fleetMinutes.suffix(max(0, inner.maxColumn - column))
        for rate in minutes {
            let character = rate.map(CellBuffer.sparklineCharacter) ?? "·"
            column += buffer.put(String(character), at: CellPosition(column: column, row: row),
                                 style: CellStyle(rate == nil ? .textDim : .sparkline))
        }
    }

    /// The help's legend for the pane (after the keys).
    static let legend: [(title: String, help: String)] = [
        ("hit rate ours", "Match lookups through Rotation's read path, by every Rotation process, over the last hour; "
            + "the web app's reads are not counted"),
        ("ours/min", "The same hit rate per minute (· no cache reads); ⚠ names a figure past its alert threshold"),
    ]
}
