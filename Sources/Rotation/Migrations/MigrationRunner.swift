import Crypto
import Foundation
import Postgres

/// One numbered SQL file in `migrations/`, e.g. `0002_review_schema.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    public let checksum: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        checksum = SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Reads every `NNNN_name.sql` file of a directory, in version order. Two files with one number are an error.
    public static func load(from directory: URL) throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        var migrations: [Migration] = []
        for file in files where file.hasSuffix(".sql") {
            let stem = String(file.dropLast(4))
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw MigrationError.badFileName(file)
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (a, b) in zip(migrations, migrations.dropFirst()) where a.version == b.version {
            throw MigrationError.duplicateVersion(a.version)
        }
        return migrations
    }

    /// Finds the `migrations` directory: `ROTATION_MIGRATIONS`, else the nearest one above the executable or the
    /// current directory.
    public static func locateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        if let path = environment["ROTATION_MIGRATIONS"], !path.isEmpty { return URL(fileURLWithPath: path) }
        var starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        if let executable = Bundle.main.executableURL { starts.insert(executable.resolvingSymlinksInPath(), at: 0) }
        for start in starts {
            var dir = start
            for _ in 0..<8 {
                let candidate = dir.appendingPathComponent("migrations")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("0001_web_app_tables.sql").path) {
                    return candidate
                }
                dir.deleteLastPathComponent()
            }
        }
        throw MigrationError.directoryNotFound
    }
}

public enum MigrationError: Error, CustomStringConvertible {
    case badFileName(String)
    case duplicateVersion(Int)
    case directoryNotFound
    case changedAfterApply(version: Int, name: String)
    case failed(version: Int, name: String, underlying: PostgresError)

    public var description: String {
        switch self {
        case .badFileName(let file):
            return "migration file \(file) is not named NNNN_name.sql"
        case .duplicateVersion(let version):
            return "two migration files share the version \(version)"
        case .directoryNotFound:
            return "cannot find the migrations directory: set ROTATION_MIGRATIONS to the repository's migrations/ folder"
        case .changedAfterApply(let version, let name):
            return "migration \(version) (\(name)) was changed after it was applied: its checksum no longer matches. " +
                "Restore the file and add a new migration instead."
        case .failed(let version, let name, let error):
            return "migration \(version) (\(name)) failed and was rolled back: \(error)"
        }
    }
}

/// The state of one migration in a database.
public struct MigrationStatus: Sendable, Codable {
    public enum State: String, Sendable, Codable { case applied, pending, changed, missingFile = "missing-file" }
    public let version: Int
    public let name: String
    public let state: State
    public let appliedAt: Date?
}

/// Applies pending migrations in order, each in its own transaction, under an advisory lock so that two runners
/// cannot collide; refuses to run when an applied file has changed.
public struct MigrationRunner {
    public let connection: PostgresConnection
    public let migrations: [Migration]
    /// Arbitrary constant naming the lock: "rotation" in ASCII.
    static let advisoryLockKey: Int64 = 0x726f746174696f6e

    public init(connection: PostgresConnection, migrations: [Migration]) {
        self.connection = connection
        self.migrations = migrations
    }

    public init(connection: PostgresConnection, directory: URL? = nil) throws {
        self.init(connection: connection, migrations: try Migration.load(from: directory ?? Migration.locateDirectory()))
    }

    /// Every migration known to the files or the database, with its state.
    public func status() throws -> [MigrationStatus] {
        try ensureTable()
        let applied = try appliedMigrations()
        var statuses: [MigrationStatus] = migrations.map { migration in
            guard let row = applied[migration.version] else {
                return MigrationStatus(version: migration.version, name: migration.name, state: .pending, appliedAt: nil)
            }
            let state: MigrationStatus.State = row.checksum == migration.checksum ? .applied : .changed
            return MigrationStatus(version: migration.version, name: migration.name, state: state, appliedAt: row.appliedAt)
        }
        let known = Set(migrations.map(\.version))
        for (version, row) in applied where !known.contains(version) {
            statuses.append(MigrationStatus(version: version, name: row.name, state: .missingFile, appliedAt: row.appliedAt))
        }
        return statuses.sorted { $0.version < $1.version }
    }

    /// The migrations `apply()` would run now.
    public func pending() throws -> [Migration] {
        let states = try status()
        if let changed = states.first(where: { $0.state == .changed }) {
            throw MigrationError.changedAfterApply(version: changed.version, name: changed.name)
        }
        let pendingVersions = Set(states.filter { $0.state == .pending }.map(\.version))
        return migrations.filter { pendingVersions.contains($0.version) }
    }

    /// Applies what is pending and returns what it applied. `progress` hears about each migration before it runs.
    @discardableResult
    public func apply(progress: (Migration) -> Void = { _ in }) throws -> [Migration] {
        try connection.query("SELECT pg_advisory_lock($1)", Self.advisoryLockKey)
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", Self.advisoryLockKey) }
        // Read the state only once the lock is held: another runner may have just finished.
        let todo = try pending()
        for migration in todo {
            progress(migration)
            do {
                try connection.transaction { db in
                    try db.executeScript(migration.sql)
                    try db.query(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                        migration.version, migration.name, migration.checksum)
                }
            } catch let error as PostgresError {
                throw MigrationError.failed(version: migration.version, name: migration.name, underlying: error)
            }
        }
        return todo
    }

    /// The highest applied version, or nil on an empty database.
    public func currentVersion() throws -> Int? {
        let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL").scalar(Bool.self)
        guard exists else { return nil }
        return try connection.query("SELECT max(version) FROM schema_migrations").scalar(Int?.self)
    }

    private func ensureTable() throws {
        try connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
              version INTEGER PRIMARY KEY,
              name TEXT NOT NULL,
              checksum TEXT NOT NULL,
              applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW())
            """)
    }

    private func appliedMigrations() throws -> [Int: (name: String, checksum: String, appliedAt: Date)] {
        var applied: [Int: (name: String, checksum: String, appliedAt: Date)] = [:]
        for row in try connection.query("SELECT version, name, checksum, applied_at FROM schema_migrations").rows {
            applied[try row.decode("version")] = (try row.decode("name"), try row.decode("checksum"), try row.decode("applied_at"))
        }
        return applied
    }
}
