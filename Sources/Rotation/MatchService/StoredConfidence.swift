import Foundation
import Matching

/// A confidence as a writer stored it (a `track_matches.confidence` column or a cache value's `confidence`), and
/// the one rule for reading it: a stored value above 1 is a percentage, so 87 reads as 0.87. Everything that shows,
/// compares or re-caches a stored confidence goes through here; `stored` is kept untouched for what must be written
/// back exactly as it was (an undo restores it, the decision log records it).
public struct StoredConfidence: Sendable, Hashable {
    /// The number as it is stored.
    public let stored: Double

    public init(stored: Double) {
        self.stored = stored
    }

    /// From the form Rotation shows (`value` in [0, 1], with `"confidence_scale": "percent"` when the row stores
    /// the 0-100 number), back to the number as stored; a `value` above 1 is taken as stored already.
    public init(shown value: Double, scale: ConfidenceScale?) {
        self.init(stored: scale == .percent && value <= 1 ? value * 100 : value)
    }

    public var scale: ConfidenceScale { stored > 1 ? .percent : .unit }

    /// In [0, 1] (NaN stays NaN: there is nothing to read). Values above 100 count as 100, as the database's
    /// `normalize_confidence` action does.
    public var value: Double {
        guard !stored.isNaN else { return stored }
        let read = scale == .percent ? stored / 100 : stored
        return min(1, max(0, read))
    }

    /// Whether the stored number is one either scale can hold: finite and between 0 and 100. A cache value outside
    /// is garbage (a reported miss); a database row outside is still read, clamped.
    public var isOnAScale: Bool { stored.isFinite && (0...100).contains(stored) }

    /// SQL: the confidence in `column` (a REAL) is stored on the 0-100 scale.
    public static func sqlIsPercent(_ column: String) -> String {
        "\(column) > 1"
    }

    /// SQL: the confidence in `column` read by this rule is at least `bound` (an SQL expression, a bound
    /// parameter). The plain comparison comes first so it stays a range condition on the column's index.
    public static func sqlAtLeast(_ column: String, _ bound: String) -> String {
        "(\(column) >= \(bound) AND (NOT \(sqlIsPercent(column)) OR \(percentOf(column)) >= \(bound)))"
    }

    /// SQL: the confidence in `column` read by this rule is at most `bound`. The ordinary rows are one range of the
    /// column's index, those on the 0-100 scale another (`> 1`).
    public static func sqlAtMost(_ column: String, _ bound: String) -> String {
        "(\(column) <= \(bound) OR (\(sqlIsPercent(column)) AND \(percentOf(column)) <= \(bound)))"
    }

    /// SQL: a REAL column on the 0-100 scale read in [0, 1], in REAL arithmetic so it compares exactly with a REAL
    /// bound (87 / 100 is then the same REAL as 0.87).
    private static func percentOf(_ column: String) -> String {
        "least(\(column) / 100::real, 1::real)"
    }

    /// `value` formatted with `decimals` and followed by the scale's marker: "0.87" or "0.87*".
    public func formatted(decimals: Int = 2) -> String {
        guard value.isFinite else { return "–" }
        return String(format: "%.\(decimals)f", value) + scale.marker
    }
}
