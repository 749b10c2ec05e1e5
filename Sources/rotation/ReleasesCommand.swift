import ArgumentParser
import Foundation
import Rotation

/// `rotation releases show R`: one release's tracks as the console shows them; `rotation releases clear R`: delete
/// every match of one release (admin, logged, undoable).
struct ReleasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "releases", abstract: "One release: its tracks, and admin actions.", subcommands: [Show.self, Clear.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A release's tracks with their matches, and where the track titles came from.",
            discussion: """
            Titles come from releases.tracklist; when the web app's upsert left it empty, from the Discogs body \
            Rotation stored (discogs_release_bodies), and the output says so.
            """)
        @OptionGroup var servers: ServerOptions
        @Argument(help: "Discogs release id.") var release: Int64
        @Flag(help: "Print machine-readable JSON.") var json = false

        func run() throws {
            try ReviewCLI.run(json: json) {
                let detail = try ReviewQueries(database: try servers.postgres()).release(release)
                if json { return try printJSON(detail) }
                let summary = detail.release
                let name = [summary?.artist, summary?.title].compactMap { $0 }.joined(separator: " – ")
                printLine("release    \(release)\(name.isEmpty ? "" : "  \(ReviewCLI.safe(name))")"
                      + (summary?.store.map { "  (store \(ReviewCLI.safe($0)))" } ?? ""))
                printLine("tracks     \(detail.tracks.count)  (\(detail.titleSource?.label ?? "no tracklist stored"))")
                for track in detail.tracks {
                    printLine(ReviewCLI.columns([
                        (track.position ?? "", 5), (track.title ?? "", 36), (track.status.rawValue, 9),
                        (track.match?.storedConfidence.formatted() ?? "", 5), (track.match?.matchURL ?? "", 60)]))
                }
                ReviewCLI.printScaleFootnote(detail.tracks.compactMap(\.match?.confidenceScale))
            }
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete every match of a release and unlink exactly their cache keys (undo restores them).")
        @OptionGroup var servers: ServerOptions
        @Argument(help: "Discogs release id.") var release: Int64
        @OptionGroup var clear: BulkActionOptions

        func run() throws {
            try clear.run(servers, what: "release \(release)",
                          plan: { try $0.planClearRelease(release) },
                          confirm: { plan, yes in
                              try ReviewCLI.confirm("Delete \(plan.rows) match\(plan.rows == 1 ? "" : "es") of release \(release)?", yes: yes)
                          },
                          clear: { try $0.clearRelease(release, reviewer: $1, progress: $2) })
        }
    }
}

/// What the admin bulk commands share (`releases clear`, `stores clear`, `matches normalize-confidence`): their
/// options, the dry run, the confirmation, the progress.
struct BulkActionOptions: ParsableArguments {
    @Option(help: "Who decides (default: $ROTATION_REVIEWER, else your database login).") var reviewer: String?
    @Flag(help: "Do not ask for confirmation.") var yes = false
    @Flag(name: .customLong("dry-run"), help: "Show the count and a sample of what would change, change nothing.") var dryRun = false
    @Flag(help: "Print machine-readable JSON.") var json = false

    /// A bulk clear: shows the plan (a dry run, or nothing to delete), else asks with `confirm` and clears with
    /// progress.
    func run(
        _ servers: ServerOptions, what: String,
        plan: (ReviewActions) throws -> BulkActionPlan,
        confirm: (BulkActionPlan, _ yes: Bool) throws -> Void,
        clear: (ReviewActions, _ reviewer: String, _ progress: (Int, Int) -> Void) throws -> ReviewOutcome
    ) throws {
        try run(servers, plan: plan, describe: { BulkActionOutput.printPlan($0, subject: "of \(what)", change: "deleted") },
                confirm: confirm, act: clear, progress: { "unlinked \($0)/\($1) cache keys" },
                report: { try ReviewCLI.report($0, json: json) })
    }

    /// Shows the plan with `describe` (a dry run, or nothing to do), else asks with `confirm`, acts with
    /// progress (`progress` words done and total) and reports the outcome.
    func run<Outcome>(
        _ servers: ServerOptions,
        plan: (ReviewActions) throws -> BulkActionPlan,
        describe: (BulkActionPlan) -> Void,
        confirm: (BulkActionPlan, _ yes: Bool) throws -> Void,
        act: (ReviewActions, _ reviewer: String, _ progress: (Int, Int) -> Void) throws -> Outcome,
        progress: @escaping (_ done: Int, _ total: Int) -> String,
        report: (Outcome) throws -> Void
    ) throws {
        try ReviewCLI.run(json: json) {
            let actions = ReviewActions(service: try ReviewCLI.service(servers))
            let plan = try plan(actions)
            if dryRun || plan.rows == 0 {
                if json { return try printJSON(plan) }
                return describe(plan)
            }
            try confirm(plan, yes)
            let outcome = try act(actions, try ReviewCLI.reviewer(reviewer, databaseURL: servers.settings.databaseURL)) { done, total in
                if !json { BulkActionOutput.progress(progress(done, total), finished: done == total) }
            }
            try report(outcome)
        }
    }
}

/// Dry-run and progress output of the bulk actions.
enum BulkActionOutput {
    /// "3 matches <subject> would be <change>, for example:" and the sample.
    static func printPlan(_ plan: BulkActionPlan, subject: String, change: String) {
        printLine("\(plan.rows) match\(plan.rows == 1 ? "" : "es") \(ReviewCLI.safe(subject)) would be \(change)\(plan.rows > 0 ? ", for example:" : ".")")
        for row in plan.sample {
            printLine("  \(row.releaseID)/\(row.trackIndex) \(row.storedConfidence.formatted()) \(row.approved ? "approved" : "pending ") \(ReviewCLI.safe(row.matchURL))")
        }
        ReviewCLI.printScaleFootnote(plan.sample.map(\.confidenceScale))
    }

    /// "\r<line>" on a terminal's standard error, ending the line when finished.
    static func progress(_ line: String, finished: Bool) {
        guard isatty(STDERR_FILENO) == 1 else { return }
        printProgress(line, finished: finished)
    }
}
