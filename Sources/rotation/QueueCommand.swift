import ArgumentParser
import Foundation
import Postgres
import Rotation
import Terminal

/// `rotation queue requeue|bump|list|stats`: operate the background queue.
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Inspect and steer the background matching queue (processing_queue).",
        subcommands: [Requeue.self, Bump.self, List.self, Stats.self])

    struct Requeue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put failed jobs, or a release's jobs, back in the queue (attempts reset).",
            discussion: """
            Jobs a live worker holds are left alone. So are rows another processor (the web app's, which takes no \
            lease) is processing, until they have been processing for longer than the stuck limit \
            (\(QueuePolicy.stuckWithoutLeaseSeconds / 60) minutes); --force takes them over. A release with no queue \
            row is queued for its store, its release_data built from the stored Discogs body (else its releases row).
            """)

        @OptionGroup var servers: ServerOptions

        @Flag(help: "Requeue failed jobs (with --release: only that release's failed jobs).")
        var failed = false

        @Option(help: ArgumentHelp("Discogs release id.", valueName: "id"))
        var release: Int64?

        @Flag(help: "Also take over the release's rows another processor (the web app) is processing.")
        var force = false

        @Flag(help: "Print machine-readable JSON.")
        var json = false

        func validate() throws {
            if !failed && release == nil { throw ValidationError("say what to requeue: --failed, --release ID, or both") }
            if force && (failed || release == nil) {
                throw ValidationError("--force takes over a release's processing rows: use it with --release ID, without --failed")
            }
        }

        func run() throws {
            let outcome = try ProcessingQueue(connection: try servers.postgres())
                .requeue(failedOnly: failed, release: release, force: force)
            if json { return try printJSON(outcome) }
            printLine("requeued \(outcome.requeued) job\(outcome.requeued == 1 ? "" : "s")")
            if outcome.processingElsewhere > 0 {
                let since = outcome.processingElsewhereSince.map { " since \(PostgresTimestamp.format($0))" } ?? ""
                let rows = outcome.processingElsewhere == 1 ? "1 row is" : "\(outcome.processingElsewhere) rows are"
                printLine("\(rows) being processed by another processor (the web app)\(since); --force takes them over")
            }
        }
    }

    struct Bump: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a release's queued jobs to the front of the queue.")

        @OptionGroup var servers: ServerOptions

        @Argument(help: "Discogs release id.")
        var release: Int64

        func run() throws {
            let queue = ProcessingQueue(connection: try servers.postgres())
            let moved = try queue.bump(release: release)
            if moved > 0 { return printLine("moved \(moved) job\(moved == 1 ? "" : "s") of release \(release) to the front") }
            let statuses = try queue.statuses(release: release)
            if statuses.isEmpty {
                printError("rotation: release \(release) is not in the queue (queue it with: rotation queue requeue --release \(release))")
            } else {
                printError("rotation: release \(release) is not queued (\(statuses.map(TerminalText.sanitize).joined(separator: ", "))); requeue it first")
            }
            throw ExitCode(1)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queue rows: queued ones in claim order, others newest first.")

        @OptionGroup var servers: ServerOptions

        @Option(help: "Only rows with this status (queued, processing, completed, failed).")
        var status: String?

        @Option(help: "At most this many rows.")
        var limit = 50

        @Flag(help: "Print machine-readable JSON.")
        var json = false

        func run() throws {
            let entries = try ProcessingQueue(connection: try servers.postgres()).list(status: status, limit: limit)
            if json { return try printJSON(entries) }
            if entries.isEmpty { return printLine(status.map { "no \($0) jobs" } ?? "the queue is empty") }
            printLine(TerminalText.pad("ID", toWidth: 9) + " " + TerminalText.pad("RELEASE", toWidth: 11) + " "
                  + TerminalText.pad("STATUS", toWidth: 10) + " PRI TRIES " + TerminalText.pad("STORE", toWidth: 18) + " DETAIL")
            for entry in entries {
                let detail = entry.errorMessage ?? entry.title ?? ""
                printLine(TerminalText.pad(String(entry.id), toWidth: 9) + " " + TerminalText.pad(String(entry.discogsID), toWidth: 11) + " "
                      + TerminalText.pad(TerminalText.sanitize(entry.status), toWidth: 10) + " "
                      + TerminalText.pad(String(entry.priority), toWidth: 3, alignment: .right) + " "
                      + TerminalText.pad(String(entry.retryCount), toWidth: 5, alignment: .right) + " "
                      + TerminalText.fit(TerminalText.sanitize(entry.store), toWidth: 18) + " "
                      + TerminalText.truncate(TerminalText.sanitize(detail), toWidth: 70))
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Counts per status, oldest queued age, throughput, ETA, stuck jobs, failures and jobs waiting with a reason.")

        @OptionGroup var servers: ServerOptions

        @Option(help: "Throughput window in seconds.")
        var window = 300

        @Flag(help: "Print machine-readable JSON.")
        var json = false

        func run() throws {
            let stats = try ProcessingQueue(connection: try servers.postgres()).statistics(throughputWindowSeconds: window)
            if json { return try printJSON(stats) }
            let counts = ["queued", "processing", "completed", "failed"].map { "\($0) \(stats.counts[$0] ?? 0)" }
                + stats.counts.keys.filter { !["queued", "processing", "completed", "failed"].contains($0) }.sorted()
                    .map { "\(TerminalText.sanitize($0)) \(stats.counts[$0] ?? 0)" }
            printLine(counts.joined(separator: "  "))
            printLine("oldest queued: \(stats.oldestQueuedAgeSeconds.map(Self.age) ?? "none")")
            printLine(String(format: "throughput: %.2f releases/s over the last %ds", stats.throughputPerSecond, stats.throughputWindowSeconds)
                  + "  ETA: \(stats.etaSeconds.map(Self.age) ?? "unknown (nothing completing)")")
            printLine("stuck processing: \(stats.stuck.count)")
            for entry in stats.stuck.prefix(10) {
                printLine("  \(entry.discogsID) \(TerminalText.sanitize(entry.store)) leased by \(TerminalText.sanitize(entry.leasedBy ?? "nobody (no lease)"))")
            }
            printLine("failed: \(stats.failed)")
            for entry in stats.recentFailures {
                printLine("  \(entry.discogsID) \(TerminalText.truncate(TerminalText.sanitize(entry.errorMessage ?? "(no message)"), toWidth: 100))")
            }
            // Queued jobs that wait with a reason: a search postponed for the quota or the API, a retry backoff.
            printLine("waiting with a reason: \(stats.postponed)")
            for entry in stats.latestPostponed {
                let due = entry.nextAttemptAt.map { "due in " + Self.age(max(0, $0.timeIntervalSinceNow)) } ?? "due now"
                printLine("  \(entry.discogsID) \(due): \(TerminalText.truncate(TerminalText.sanitize(entry.errorMessage ?? ""), toWidth: 100))")
            }
        }

        static func age(_ seconds: Double) -> String {
            let s = Int(seconds.rounded())
            if s < 60 { return "\(s)s" }
            if s < 3600 { return "\(s / 60)m \(s % 60)s" }
            if s < 86_400 { return "\(s / 3600)h \(s / 60 % 60)m" }
            return "\(s / 86_400)d \(s / 3600 % 24)h"
        }
    }
}
