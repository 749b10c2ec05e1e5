import ArgumentParser
import Console
import Foundation
import Rotation
import Terminal

/// `rotation stats reviews`: the review statistics the console's Reviews screen shows.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Statistics about the work of reviewing.", subcommands: [Reviews.self])

    struct Reviews: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decisions per reviewer per day, time to a decision, pending by store, rejections.",
            discussion: """
                Read from the decision log (match_reviews) and track_matches, over the last N UTC days (the last one \
                up to now). Pending by store is reconstructed from when matches were stored and decided (see the \
                README, Review statistics). The log records no reason for a rejection: rejections are counted per \
                reviewer and per store.
                """)
        @OptionGroup var servers: ServerOptions
        @Option(help: "Days to cover, today included (1-\(ReviewStatistics.maximumDays)).")
        var days = ReviewStatistics.defaultDays
        @Flag(help: "Print machine-readable JSON.") var json = false

        func validate() throws {
            guard (1...ReviewStatistics.maximumDays).contains(days) else {
                throw ValidationError("--days must be between 1 and \(ReviewStatistics.maximumDays)")
            }
        }

        func run() throws {
            try ReviewCLI.run(json: json) {
                let report = try ReviewStatistics(database: try servers.postgres()).report(days: days)
                if json { return try printJSON(report) }
                for line in ReviewStatsText.lines(report) { printLine(line) }
            }
        }
    }
}

/// The text form of a `ReviewStatsReport`: tables with a sparkline per row (drawn by the one sparkline,
/// `CellBuffer.sparkline`) and the day-by-day figures, oldest first.
enum ReviewStatsText {
    static func lines(_ report: ReviewStatsReport) -> [String] {
        let span = "\(report.dayLabels.first ?? "") to \(report.dayLabels.last ?? "")"
        var lines = ["Review statistics, \(span) (\(report.days) day\(report.days == 1 ? "" : "s"), UTC; the last day up to now)", ""]

        lines.append("Decisions per reviewer per day")
        if report.reviewers.isEmpty {
            lines.append("  none logged")
        } else {
            lines.append(ReviewCLI.columns([("REVIEWER", 28), ("TOTAL", 6), ("TREND", max(5, report.days))]) + " PER DAY")
            for reviewer in report.reviewers {
                lines.append(row(reviewer.reviewer, reviewer.total, reviewer.perDay))
            }
            let all = report.decisionsPerDay
            lines.append(row("(everyone)", all.reduce(0, +), all))
        }
        lines.append("")

        let wait = report.timeToDecision
        if let median = wait.medianSeconds {
            lines.append("Time from a match being stored to a person's first decision on it: median "
                         + ReviewStatsFormat.duration(seconds: median) + " over \(wait.decisions) decision\(wait.decisions == 1 ? "" : "s")")
        } else {
            lines.append("Time from a match being stored to a person's first decision on it: no decision in the window")
        }
        lines.append("")

        lines.append("Pending by store at the end of each day (reconstructed from when matches were stored and decided)")
        if report.pendingByStore.isEmpty {
            lines.append("  nothing pending")
        } else {
            lines.append(ReviewCLI.columns([("STORE", 28), ("NOW", 6), ("TREND", max(5, report.days))]) + " PER DAY")
            for store in report.pendingByStore {
                lines.append(row(store.store ?? "(no release row)", store.now, store.perDay))
            }
        }
        lines.append("")

        let rejections = report.rejections
        lines.append("Rejections: \(rejections.total) (\(rejections.withReplacement) with a replacement URL). "
                     + "The log records no reason for a rejection; by reviewer and by store instead:")
        if rejections.total > 0 {
            lines.append("  by reviewer: " + list(rejections.byReviewer))
            lines.append("  by store:    " + list(rejections.byStore))
        }
        return lines
    }

    private static func row(_ name: String, _ figure: Int, _ perDay: [Int]) -> String {
        ReviewCLI.columns([(name, 28), (String(figure), 6), (sparkline(perDay), max(5, perDay.count))])
            + " " + perDay.map(String.init).joined(separator: " ")
    }

    private static func list(_ counts: [NamedCount]) -> String {
        counts.map { "\(ReviewCLI.safe($0.name ?? "(unknown)")) \($0.count)" }.joined(separator: " · ")
    }

    /// The console's sparkline, read back as text.
    static func sparkline(_ values: [Int]) -> String {
        guard !values.isEmpty else { return "" }
        var buffer = CellBuffer(columns: values.count, rows: 1)
        buffer.sparkline(values.map(Double.init), at: CellPosition(column: 0, row: 0), width: values.count)
        return buffer.text(row: 0)
    }
}
