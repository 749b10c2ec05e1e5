import ArgumentParser
import Foundation
import Rotation

/// `rotation releases clear R`: delete every match of one release (admin, logged, undoable).
struct ReleasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "releases", abstract: "Admin actions on one release.", subcommands: [Clear.self])

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete every match of a release and unlink exactly their cache keys (undo restores them).")
        @OptionGroup var servers: ServerOptions
        @Argument(help: "Discogs release id.") var release: Int64
        @Option(help: "Who decides (default: $ROTATION_REVIEWER, else the login name).") var reviewer: String?
        @Flag(help: "Do not ask for confirmation.") var yes = false
        @Flag(name: .customLong("dry-run"), help: "Show the count and a sample of what would go, change nothing.") var dryRun = false
        @Flag(help: "Print machine-readable JSON.") var json = false

        func run() throws {
            try ReviewCLI.run(json: json) {
                let actions = ReviewActions(service: try ReviewCLI.service(servers))
                let plan = try actions.planClearRelease(release)
                if dryRun || plan.rows == 0 {
                    if json { return try printJSON(plan) }
                    return BulkClearOutput.printPlan(plan, what: "release \(release)")
                }
                try ReviewCLI.confirm("Delete \(plan.rows) match\(plan.rows == 1 ? "" : "es") of release \(release)?", yes: yes)
                let outcome = try actions.clearRelease(release, reviewer: try ReviewCLI.reviewer(reviewer)) { done, total in
                    if !json { BulkClearOutput.progress(done, total) }
                }
                try ReviewCLI.report(outcome, json: json)
            }
        }
    }
}

/// Dry-run and progress output of the bulk clears.
enum BulkClearOutput {
    static func printPlan(_ plan: BulkClearPlan, what: String) {
        print("\(plan.rows) match\(plan.rows == 1 ? "" : "es") of \(ReviewCLI.safe(what)) would be deleted\(plan.rows > 0 ? ", for example:" : ".")")
        for row in plan.sample {
            print("  \(row.releaseID)/\(row.trackIndex) \(String(format: "%.2f", row.confidence)) \(row.approved ? "approved" : "pending ") \(ReviewCLI.safe(row.matchURL))")
        }
    }

    static func progress(_ done: Int, _ total: Int) {
        guard isatty(STDERR_FILENO) == 1 else { return }
        FileHandle.standardError.write(Data("\runlinked \(done)/\(total) cache keys\(done == total ? "\n" : "")".utf8))
    }
}
