import ArgumentParser
import Foundation
import Matching

/// `rotation matcher ...`: tools for the matcher itself (no database or cache needed).
struct MatcherCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matcher",
        abstract: "Evaluate the track matcher offline.",
        subcommands: [Eval.self])

    /// `rotation matcher eval --labels FILE --releases DIR [--json]`
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score the matcher against labelled Discogs releases.",
            discussion: """
                Runs the matcher over every release JSON in --releases and scores it against --labels (the format \
                of Tests/Fixtures/discogs/labels.json): auto-approve precision and recall, top-1 accuracy, \
                false-match rate and review load, overall and per release.
                """)

        @Option(name: .long, help: "Labels file (JSON array in the format of labels.json).")
        var labels: String

        @Option(name: .long, help: "Directory of Discogs release bodies (<id>.json).")
        var releases: String

        @Flag(name: .long, help: "Print the report as JSON.")
        var json = false

        @Flag(name: .long, help: "List every evaluated track in the table.")
        var tracks = false

        @Option(name: .long, help: "Auto-approve threshold.")
        var autoApprove: Double = MatchPolicy.default.autoApproveThreshold

        @Option(name: .long, help: "Store (pending review) threshold.")
        var store: Double = MatchPolicy.default.storeThreshold

        @Option(name: .long, help: "Ambiguity margin between two auto-approvable candidates.")
        var ambiguityMargin: Double = MatchPolicy.default.ambiguityMargin

        func validate() throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: labels, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw ValidationError("labels file not found: \(labels)")
            }
            guard FileManager.default.fileExists(atPath: releases, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("releases directory not found: \(releases)")
            }
            for (name, value) in [("--auto-approve", autoApprove), ("--store", store), ("--ambiguity-margin", ambiguityMargin)]
            where !(0...1).contains(value) {
                throw ValidationError("\(name) must be between 0 and 1, got \(value)")
            }
            guard store <= autoApprove else { throw ValidationError("--store must not exceed --auto-approve") }
        }

        func run() throws {
            let policy = MatchPolicy(autoApproveThreshold: autoApprove, storeThreshold: store, ambiguityMargin: ambiguityMargin)
            let evaluation = MatcherEvaluation(policy: policy)
            let report: EvaluationReport
            do {
                report = try evaluation.evaluate(
                    labelsFile: URL(fileURLWithPath: labels), releasesDirectory: URL(fileURLWithPath: releases))
            } catch {
                throw MatcherInputError(message: "bad input: \(error.description)")
            }
            if json {
                try printJSON(report)
            } else {
                printLine(EvaluationReportFormatter.table(report, showTracks: tracks))
            }
            if report.releases.isEmpty {
                throw MatcherInputError(message: "no labelled release was found in \(releases)")
            }
        }
    }
}

/// A problem with the files given to `matcher eval`; reported as one line, exit status 1.
struct MatcherInputError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
