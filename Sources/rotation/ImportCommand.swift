import ArgumentParser
import Foundation
import Matching
import Rotation
import Terminal

/// `rotation import inventory|release|dump ...`: Discogs JSON files, or the monthly XML dump, into the database.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import Discogs inventory pages or release bodies from files, or the monthly releases dump.",
        discussion: """
            Upserts releases, queues the ones new to the database (as the web app does, with the listing's release \
            object as release_data), keeps release bodies in discogs_release_bodies, adds the import to the store's \
            one cumulative store_sync_log row and records it in store_sync_runs. Importing the same files again \
            changes nothing. \(badItems)
            """,
        subcommands: [Inventory.self, Release.self, Dump.self])

    /// What happens to an item that cannot be imported, for every subcommand's help.
    static let badItems = """
        Each listing and release body is imported on its own: one that cannot be read or stored (invalid JSON or \
        UTF-8, a NUL character, a number out of range for its column, a field over \
        \(DiscogsDocumentLimits.describe(bytes: StorageRules.maxTextBytes)), a tracklist over \
        \(StorageRules.maxTracklistEntries) entries, a file over \
        \(DiscogsDocumentLimits.describe(bytes: DiscogsDocumentLimits.maxDocumentBytes)), nesting deeper than \
        \(DiscogsDocumentLimits.maxNestingDepth) levels) is reported on stderr with its file, JSON path and reason, \
        and everything else is still imported. \(SkippedItemsExit.helpText)
        """

    /// What both subcommands print.
    static func report(_ summary: ImportSummary, noun: String, json: Bool) throws {
        if json {
            try printJSON(summary)
        } else {
            let change = summary.change
            printLine("\(summary.filesRead) file\(summary.filesRead == 1 ? "" : "s"), \(summary.itemsProcessed) \(noun): "
                  + "\(change.newReleases) new releases, \(change.updatedReleases) updated, \(change.enqueued) queued")
            if !summary.storesLogged.isEmpty {
                printLine("logged in store_sync_log and store_sync_runs: \(summary.storesLogged.map(TerminalText.sanitize).joined(separator: ", "))")
            }
        }
        for issue in summary.issues {
            printError("rotation: skipped \(TerminalText.sanitize(issue.description))")
        }
        try SkippedItemsExit.check(skipped: summary.issues.count)
    }

    /// The files both subcommands read and the output they share.
    struct Files: ParsableArguments {
        @Flag(help: "Print machine-readable JSON.")
        var json = false

        @Argument(help: ArgumentHelp("Files or directories of *.json.", valueName: "file|dir"))
        var paths: [String]

        /// Imports the files with `load` and reports what it did.
        func run(_ servers: ServerOptions, noun: String,
                 _ load: (DiscogsImporter, [URL]) throws -> ImportSummary) throws {
            let files = try DiscogsImporter.jsonFiles(paths)
            try ImportCommand.report(load(DiscogsImporter(connection: try servers.postgres()), files), noun: noun, json: json)
        }
    }

    struct Inventory: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import GET /users/{username}/inventory pages (old and current schema) or single listings.",
            discussion: ImportCommand.badItems)

        @OptionGroup var servers: ServerOptions

        @Option(help: "The store of every listing (default: each listing's seller).")
        var store: String?

        @OptionGroup var files: Files

        func run() throws {
            try files.run(servers, noun: "listings") { try $0.importInventory(files: $1, store: store) }
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import GET /releases/{id} bodies for a store.", discussion: ImportCommand.badItems)

        @OptionGroup var servers: ServerOptions

        @Option(help: "The store that lists these releases.")
        var store: String

        @OptionGroup var files: Files

        func run() throws {
            try files.run(servers, noun: "releases") { try $0.importReleases(files: $1, store: store) }
        }
    }

    struct Dump: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import the Discogs monthly releases dump (discogs_YYYYMMDD_releases.xml.gz, or .xml) into the release catalogue.",
            discussion: """
                Streams the file (gzip and XML in constant memory) and stores each kept <release> in \
                discogs_release_bodies in the shape GET /releases/{id} gives, so the worker and `rotation sync` use it \
                instead of asking Discogs. Kept by default: releases a store lists (releases) or the queue holds \
                (processing_queue) that have no stored body yet; --all keeps the whole catalogue. A stored body is \
                never replaced. Interrupted (Ctrl-C, a kill), the same command resumes after the last committed batch \
                and says so. A release that cannot be stored (the limits of `rotation help import`) is counted and \
                reported at the end with its id and reason; the rest is stored. Malformed XML or a truncated gzip \
                stops the import with the place and reason, keeping what was committed (exit 1). Stopped by a signal: \
                exit 130. \(SkippedItemsExit.helpText)
                """)

        @OptionGroup var servers: ServerOptions

        @Flag(help: "Keep every release of the dump, not only those a store lists or the queue holds.")
        var all = false

        @Flag(help: "Start from the beginning even when an unfinished import of this file is recorded.")
        var restart = false

        @Option(help: "Release bodies per transaction.")
        var batch = 500

        @Flag(help: "Print machine-readable JSON.")
        var json = false

        @Argument(help: ArgumentHelp("The dump file.", valueName: "file"))
        var file: String

        func validate() throws {
            guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
        }

        func run() throws {
            var importer = DumpImporter(connection: try servers.postgres())
            importer.keepAll = all
            importer.restart = restart
            importer.batchSize = batch
            let bar = DumpProgressBar()
            let report: DumpImportReport
            do {
                report = try InterruptStop.during("rotation: stopping after the current batch (run the same command to resume)") { stop in
                    try importer.run(path: file, stop: stop, notice: { bar.end(); printError("rotation: \($0)") },
                                     progress: bar.update)
                }
            } catch let error as DumpImportError {
                bar.end()
                Self.printReport(error.report, json: json)
                printError("rotation: \(error.reason)")
                throw ExitCode.failure
            }
            bar.end()
            Self.printReport(report, json: json)
            if report.stopped { throw ExitCode(130) }
            try SkippedItemsExit.check(skipped: Int(clamping: report.releasesFailed))
        }

        static func printReport(_ report: DumpImportReport, json: Bool) {
            if json {
                try? printJSON(report)
            } else {
                let wanted = report.wantedReleases.map { "; \($0) wanted (listed or queued, no body yet)" } ?? " (--all)"
                let state = report.completed ? "done" : report.stopped ? "stopped, run the same command to resume" : "incomplete"
                printLine("\(URL(fileURLWithPath: report.file).lastPathComponent): \(report.releasesSeen) releases read\(wanted): "
                          + "\(report.releasesKept) bodies stored, \(report.releasesAlreadyStored) already stored, "
                          + "\(report.releasesFailed) failed (\(state))")
            }
            for failure in report.failures {
                printError("rotation: skipped \(failure.description)")
            }
            if report.releasesFailed > Int64(report.failures.count) {
                printError("rotation: and \(report.releasesFailed - Int64(report.failures.count)) more failed releases (only the first \(report.failures.count) are kept)")
            }
        }
    }
}

/// `rotation import dump`'s progress on stderr: a bar redrawn in place on a terminal (compressed bytes read of the
/// file, releases seen, kept and failed, ETA from this run's rate), a plain line every 10 seconds otherwise.
final class DumpProgressBar {
    private let terminal = isatty(STDERR_FILENO) == 1
    private let line = ProgressLine()
    private let started = ContinuousClock.now
    private var startBytes: Int64?
    private var lastShown: ContinuousClock.Instant?

    func update(_ progress: DumpImportProgress) {
        let now = ContinuousClock.now
        if let lastShown, now - lastShown < (terminal ? .milliseconds(200) : .seconds(10)) { return }
        lastShown = now
        guard progress.phase == .reading else {
            line.show("skipping to where the last run stopped…")
            return
        }
        if startBytes == nil { startBytes = progress.fileBytesRead }
        let fraction = progress.fileSize > 0 ? min(1, Double(progress.fileBytesRead) / Double(progress.fileSize)) : 0
        let counts = "\(progress.releasesSeen) seen · \(progress.releasesKept) kept · \(progress.releasesFailed) failed"
        let bytes = "\(Self.megabytes(progress.fileBytesRead))/\(Self.megabytes(progress.fileSize)) MB"
        var eta = ""
        let elapsed = Double((now - started).components.seconds)
        let readThisRun = Double(progress.fileBytesRead - (startBytes ?? 0))
        if elapsed >= 2, readThisRun > 0 {
            let seconds = Int(Double(progress.fileSize - progress.fileBytesRead) / (readThisRun / elapsed))
            eta = " · ETA " + (seconds >= 3600 ? "\(seconds / 3600)h\(seconds % 3600 / 60)m" : seconds >= 60 ? "\(seconds / 60)m" : "\(seconds)s")
        }
        if terminal {
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            line.show("\(bar) \(Int(fraction * 100))% \(bytes) · \(counts)\(eta)")
        } else {
            line.show("dump: \(Int(fraction * 100))% (\(bytes)), \(counts)\(eta)")
        }
    }

    func end() { line.end() }

    private static func megabytes(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / 1_000_000) }
}

