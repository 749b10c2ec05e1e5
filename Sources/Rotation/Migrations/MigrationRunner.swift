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

    /// A migration from its file name (`NNNN_name.sql`) and text.
    init(file: String, sql: String) throws {
        let stem = String(file.dropLast(4))
        guard file.hasSuffix(".sql"), let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore])
        else { throw MigrationError.badFileName(file) }
        self.init(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql)
    }

    /// Reads every `NNNN_name.sql` file of a directory, in version order. Two files with one number are an error.
    public static func load(from directory: URL) throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return try ordered(files.filter { $0.hasSuffix(".sql") }.map { file in
            try Migration(file: file, sql: String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8))
        })
    }

    /// The migrations built into this binary (`.ci/embed-migrations` writes them from migrations/).
    public static func embedded() throws -> [Migration] {
        try ordered(embeddedFiles.map { try Migration(file: $0.file, sql: $0.sql) })
    }

    /// The migrations to apply: those of the directory named by `ROTATION_MIGRATIONS` when the operator sets it,
    /// otherwise the ones built into the binary. Never a directory found from the current directory, where
    /// anyone who can write to a parent folder could plant one.
    public static func configured(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [Migration] {
        if let path = environment["ROTATION_MIGRATIONS"], !path.isEmpty {
            return try load(from: URL(fileURLWithPath: path))
        }
        return try embedded()
    }

    private static func ordered(_ migrations: [Migration]) throws -> [Migration] {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.version == b.version {
            throw MigrationError.duplicateVersion(a.version)
        }
        return sorted
    }
}

public enum MigrationError: Error, CustomStringConvertible {
    case badFileName(String)
    case duplicateVersion(Int)
    case changedAfterApply(version: Int, name: String)
    case failed(version: Int, name: String, underlying: PostgresError)
    case lockNotAvailable(version: Int, name: String, attempts: Int, waitingFor: String)

    public var description: String {
        switch self {
        case .badFileName(let file):
            return "migration file \(file) is not named NNNN_name.sql"
        case .duplicateVersion(let version):
            return "two migration files share the version \(version)"
        case .changedAfterApply(let version, let name):
            return "migration \(version) (\(name)) was changed after it was applied: its checksum no longer matches. " +
                "Restore the file and add a new migration instead."
        case .failed(let version, let name, let error):
            return "migration \(version) (\(name)) failed and was rolled back: \(error)"
        case .lockNotAvailable(let version, let name, let attempts, let waitingFor):
            return "migration \(version) (\(name)) could not take its locks in \(attempts) attempts\(waitingFor); " +
                "nothing of it was applied. Run it again when the database is quieter, or with a longer --lock-timeout."
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
        self.init(connection: connection, migrations: try directory.map(Migration.load(from:)) ?? Migration.configured())
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

    /// Applies what is pending and returns what it applied. `progress` hears about each migration before it runs,
    /// `events` about index builds, lock waits and retries while it runs (from a watcher thread too).
    ///
    /// Adopting a populated database takes no long lock: an index a migration creates on a table that already
    /// holds `options.concurrentIndexMinimumRows` rows is built first with `CREATE INDEX CONCURRENTLY` outside
    /// the transaction (the migration's own `IF NOT EXISTS` then skips it); each transaction waits at most
    /// `options.lockTimeout` for a lock, then rolls back and tries again, and while it waits the watcher names the
    /// sessions it waits for.
    @discardableResult
    public func apply(
        options: MigrationOptions = MigrationOptions(), progress: (Migration) -> Void = { _ in },
        events: @escaping @Sendable (MigrationEvent) -> Void = { _ in }
    ) throws -> [Migration] {
        // Through a transaction-mode pooler (the session's settings did not take: see PostgresPooling.swift) a
        // session lock would stay with whichever server connection took it, and the unlock go to another: there
        // each migration's transaction takes the lock itself and skips a migration another runner just applied.
        let sessionLock = connection.sessionOptionsApplied
        if sessionLock { try connection.query("SELECT pg_advisory_lock($1)", Self.advisoryLockKey) }
        defer { if sessionLock { _ = try? connection.query("SELECT pg_advisory_unlock($1)", Self.advisoryLockKey) } }
        // Read the state only once the lock is held: another runner may have just finished.
        let todo = try pending()
        guard !todo.isEmpty else { return [] }
        // The watcher names the sessions our backend waits for, which a pooler does not keep one backend for.
        let watcher = sessionLock ? LockWaitWatcher(watching: connection, report: events) : nil
        defer { watcher?.stop() }
        var applied: [Migration] = []
        for migration in todo {
            progress(migration)
            try buildIndexesConcurrently(for: migration, options: options, events: events)
            var attempt = 1
            while true {
                do {
                    let ran = try connection.transaction { db in
                        if !sessionLock {
                            try db.query("SELECT pg_advisory_xact_lock($1)", Self.advisoryLockKey)
                            let done = try db.query("SELECT 1 FROM schema_migrations WHERE version = $1::integer",
                                                    migration.version)
                            if !done.rows.isEmpty { return false }
                        }
                        try db.query("SELECT set_config('lock_timeout', $1, true)", "\(options.lockTimeout.milliseconds)ms")
                        try db.executeScript(migration.sql)
                        try db.query(
                            "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                            migration.version, migration.name, migration.checksum)
                        return true
                    }
                    if ran { applied.append(migration) }
                    break
                } catch let error as PostgresError where error.sqlState == "55P03" {
                    let blockers = watcher?.lastWait.map { " (\($0.description))" } ?? ""
                    guard attempt < options.lockAttempts else {
                        throw MigrationError.lockNotAvailable(version: migration.version, name: migration.name,
                                                              attempts: attempt, waitingFor: blockers)
                    }
                    events(.retrying(migration: migration, attempt: attempt + 1, reason: "a lock was not granted within "
                        + "\(options.lockTimeout.milliseconds) ms\(blockers)"))
                    Thread.sleep(forTimeInterval: Double(attempt))
                    attempt += 1
                } catch let error as PostgresError {
                    throw MigrationError.failed(version: migration.version, name: migration.name, underlying: error)
                }
            }
        }
        return applied
    }

    /// Builds the indexes `migration` creates with `CREATE ... INDEX IF NOT EXISTS` on tables that already hold
    /// rows, concurrently, before its transaction. An index that fails to build this way is dropped again and left
    /// to the transaction.
    private func buildIndexesConcurrently(for migration: Migration, options: MigrationOptions,
                                          events: (MigrationEvent) -> Void) throws {
        for index in IndexStatement.all(in: migration.sql) {
            guard try connection.query("SELECT to_regclass($1) IS NOT NULL", index.table).scalar(Bool.self) else { continue }
            let valid = try connection.query("""
                SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass($1)
                """, index.name).first?.decode("indisvalid", as: Bool.self)
            if valid == true { continue }
            let table = connection.quoteIdentifier(index.table), name = connection.quoteIdentifier(index.name)
            let rows = try connection.query("SELECT count(*) FROM (SELECT 1 FROM \(table) LIMIT $1) x",
                                            options.concurrentIndexMinimumRows).scalar(Int.self)
            guard rows >= options.concurrentIndexMinimumRows else { continue }
            if valid == false { try connection.query("DROP INDEX CONCURRENTLY IF EXISTS \(name)") }
            events(.buildingIndex(name: index.name, table: index.table))
            do {
                try connection.query(index.concurrentSQL(quote: connection.quoteIdentifier))
            } catch let error as PostgresError where !error.isConnectionProblem {
                // An interrupted concurrent build leaves an invalid index behind, which IF NOT EXISTS would keep.
                try connection.query("DROP INDEX CONCURRENTLY IF EXISTS \(name)")
                events(.indexLeftToTransaction(name: index.name, reason: error.message))
            }
        }
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
