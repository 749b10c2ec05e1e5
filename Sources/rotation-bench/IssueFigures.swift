import Foundation
import Synchronization

/// One figure of issue 13 with the floor it is measured against in the same run.
struct IssueFigure: Sendable {
    var figure: String
    var measured: String
    var floor: String
    /// measured / floor, in the sense the goal reads (a cost: lower is better; a share of a rate: higher is better).
    var ratio: String
    var goal: String
}

/// The figures of issue 13 that the groups record as they measure them, printed together at the end of
/// `rotation-bench issue13`, so that one run gives every figure with its ratio to its floor (issue 13, part 4).
enum IssueFigures {
    private static let recorded = Mutex<[IssueFigure]>([])

    static func record(_ figure: String, measured: String, floor: String, ratio: String, goal: String) {
        recorded.withLock { $0.append(IssueFigure(figure: figure, measured: measured, floor: floor, ratio: ratio, goal: goal)) }
    }

    static var all: [IssueFigure] { recorded.withLock { $0 } }

    /// The recorded figures as a Markdown table, ready for the README.
    static func table() -> String {
        var lines = ["| what | measured | floor (same run) | ratio | goal |", "|---|---|---|---|---|"]
        for figure in all {
            lines.append("| \(figure.figure) | \(figure.measured) | \(figure.floor) | \(figure.ratio) | \(figure.goal) |")
        }
        return lines.joined(separator: "\n")
    }
}

/// `x.xx x` for a ratio; "n/a" when there was nothing to compare with.
func ratioText(_ value: Double) -> String {
    value > 0 && value.isFinite ? String(format: "%.2fx", value) : "n/a"
}
