import ArgumentParser
import Foundation
import Rotation

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations.",
        discussion: """
            Applies the numbered SQL files of migrations/ in order, each in its own transaction, under an advisory
            lock. Tables the web app already created are adopted with their rows. A file changed after it was
            applied is refused. The directory is found next to the executable or the current directory, or set
            with ROTATION_MIGRATIONS.
            """)

    @OptionGroup var servers: ServerOptions

    @Flag(help: "List applied and pending migrations instead of applying.")
    var status = false

    @Flag(name: .customLong("dry-run"), help: "Print what would be applied, and change nothing.")
    var dryRun = false

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
        if dryRun {
            let pending = try runner.pending()
            if json { return try printJSON(pending.map(MigrationSummary.init)) }
            if pending.isEmpty { print("Nothing to apply: the database is up to date.") }
            for migration in pending {
                print("would apply \(String(format: "%04d", migration.version)) \(migration.name)")
            }
            return
        }
        let applied = try runner.apply { migration in
            if !json { print("applying \(String(format: "%04d", migration.version)) \(migration.name)…") }
        }
        if json { return try printJSON(applied.map(MigrationSummary.init)) }
        print(applied.isEmpty ? "Nothing to apply: the database is up to date."
                              : "Applied \(applied.count) migration\(applied.count == 1 ? "" : "s"); schema version \(try runner.currentVersion() ?? 0).")
    }
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
