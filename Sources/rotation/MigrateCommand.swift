import ArgumentParser
import Foundation
import Rotation
import Terminal

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations.",
        discussion: """
            Applies the numbered SQL files of migrations/ in order, each in its own transaction, under an advisory \
            lock. Tables the web app already created are adopted with their rows, in its first or its deployed \
            shape. A file changed after it was applied is refused.

            Before anything runs, the live shapes are compared with what the web app and Rotation both need \
            (--check prints that report alone); an incompatible shape is refused with the report, exit 4.

            On a database in use: indexes on tables that already hold rows are built concurrently first, and each \
            migration waits at most --lock-timeout for a lock, says who holds it, rolls back and tries again.

            The migrations are built into the executable; --directory, or ROTATION_MIGRATIONS, names a directory to use \
            instead. The current directory and its parents are never searched.
            """)

    @OptionGroup var servers: ServerOptions

    @Flag(help: "List applied and pending migrations instead of applying.")
    var status = false

    @Flag(name: .customLong("dry-run"), help: "Print what would be applied, and change nothing.")
    var dryRun = false

    @Flag(help: "Compare the live schema with what the web app and Rotation need; change nothing. Exit 4 when incompatible.")
    var check = false

    @Option(name: .customLong("lock-timeout"), help: ArgumentHelp("Seconds a migration waits for one lock before it rolls back and tries again.", valueName: "seconds"))
    var lockTimeout: Double = 5

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    @Option(help: ArgumentHelp("The migrations directory.", valueName: "dir"))
    var directory: String?

    func run() throws {
        let db = try servers.postgres()
        let runner = try MigrationRunner(connection: db, directory: directory.map { URL(fileURLWithPath: $0) })
        if status {
            let statuses = try runner.status()
            if json { return try printJSON(statuses) }
            for entry in statuses {
                let when = entry.appliedAt.map { " applied \(ISO8601DateFormatter().string(from: $0))" } ?? ""
                print(String(format: "%04d", entry.version), entry.state.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0),
                      entry.name + when)
            }
            if statuses.contains(where: { $0.state == .changed }) { throw ExitCode(2) }
            return
        }
        let report = try SchemaCheck.run(on: db)
        if check {
            if json { try printJSON(report) } else { printReport(report) }
            if !report.compatible { throw ExitCode(4) }
            return
        }
        guard report.compatible else {
            printReport(report)
            printError("rotation: the schema is incompatible; nothing was applied (see above)")
            throw ExitCode(4)
        }
        if dryRun {
            let pending = try runner.pending()
            if json { return try printJSON(pending.map(MigrationSummary.init)) }
            if pending.isEmpty { print("Nothing to apply: the database is up to date.") }
            for migration in pending {
                print("would apply \(String(format: "%04d", migration.version)) \(migration.name)")
            }
            return
        }
        guard lockTimeout > 0 else { throw ValidationError("--lock-timeout must be above 0 seconds") }
        var options = MigrationOptions()
        options.lockTimeout = .milliseconds(Int64(lockTimeout * 1000))
        let applied = try runner.apply(options: options, progress: { migration in
            if !json { print("applying \(String(format: "%04d", migration.version)) \(migration.name)…") }
        }, events: { event in
            printError(TerminalText.sanitize(event.description))
        })
        if json { return try printJSON(applied.map(MigrationSummary.init)) }
        print(applied.isEmpty ? "Nothing to apply: the database is up to date."
                              : "Applied \(applied.count) migration\(applied.count == 1 ? "" : "s"); schema version \(try runner.currentVersion() ?? 0).")
    }
}

private func printReport(_ report: SchemaCheck.Report) {
    if report.differences.isEmpty {
        print("The schema matches what both the web app and Rotation need.")
        return
    }
    for difference in report.differences {
        print(TerminalText.sanitize(difference.description))
    }
    print(report.compatible ? "Compatible: \(report.summary)." : "Incompatible: \(report.summary).")
}

/// A migration as `--json` prints it: the version is a number, as in `--status --json`.
struct MigrationSummary: Encodable {
    var version: Int
    var name: String
    var checksum: String

    init(_ migration: Migration) {
        version = migration.version
        name = migration.name
        checksum = migration.checksum
    }
}
