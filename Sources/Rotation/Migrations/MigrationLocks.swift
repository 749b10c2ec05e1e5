import Foundation
import Postgres
import Synchronization

/// How a migration run treats a database in use.
public struct MigrationOptions: Sendable {
    /// The longest a migration's transaction waits for one lock before it rolls back and tries again.
    public var lockTimeout: Duration = .seconds(5)
    /// Tries of one migration before the run gives up (nothing of that migration applied).
    public var lockAttempts = 5
    /// A table with at least this many rows gets a migration's new indexes built concurrently.
    public var concurrentIndexMinimumRows = 10_000

    public init() {}
}

/// What a migration run says while it works.
public enum MigrationEvent: Sendable, CustomStringConvertible {
    case buildingIndex(name: String, table: String)
    case indexLeftToTransaction(name: String, reason: String)
    case waiting(LockWait)
    case retrying(migration: Migration, attempt: Int, reason: String)

    public var description: String {
        switch self {
        case .buildingIndex(let name, let table):
            return "building index \(name) on \(table) concurrently (writes go on meanwhile)…"
        case .indexLeftToTransaction(let name, let reason):
            return "index \(name) could not be built concurrently (\(reason)); the migration's transaction builds it"
        case .waiting(let wait):
            return "waiting: \(wait.description)"
        case .retrying(let migration, let attempt, let reason):
            return "migration \(String(format: "%04d", migration.version)) rolled back, \(reason); attempt \(attempt)…"
        }
    }
}

/// The sessions a migration waits for, and what it waits on.
public struct LockWait: Sendable, Equatable, CustomStringConvertible {
    public struct Blocker: Sendable, Equatable {
        public var pid: Int
        public var user: String
        public var application: String
        public var state: String
        public var seconds: Int
        public var query: String
    }
    public var relations: [String]
    public var blockers: [Blocker]

    public var description: String {
        let on = relations.isEmpty ? "a lock" : "a lock on " + relations.joined(separator: ", ")
        let held = blockers.map { b in
            let who = [b.user, b.application].filter { !$0.isEmpty }.joined(separator: "/")
            return "pid \(b.pid)\(who.isEmpty ? "" : " (\(who))"), \(b.state) for \(b.seconds) s: \(b.query)"
        }
        return "\(on) held by " + held.joined(separator: "; ")
    }
}

/// Watches one session from a second connection and reports, while it waits for a lock, who holds it.
final class LockWaitWatcher: Sendable {
    private let stopped = Mutex(false)
    private let last = Mutex<LockWait?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// nil when no second connection can be had (the run goes on without a watcher).
    init?(watching session: PostgresConnection, report: @escaping @Sendable (MigrationEvent) -> Void,
          interval: TimeInterval = 0.5) {
        guard let pid = try? session.query("SELECT pg_backend_pid()").scalar(Int.self),
              let watcher = try? PostgresConnection(session.configuration) else { return nil }
        let thread = Thread { [self] in
            defer { watcher.close(); done.signal() }
            var reported: LockWait?
            while !stopped.withLock({ $0 }) {
                Thread.sleep(forTimeInterval: interval)
                let wait: LockWait?
                do { wait = try Self.wait(of: pid, on: watcher) } catch { continue }
                last.withLock { $0 = wait ?? $0 }
                if let wait, wait != reported { report(.waiting(wait)) }
                reported = wait
            }
        }
        thread.name = "migration lock watcher"
        thread.start()
    }

    /// The last wait seen, for the message of a run that gives up.
    var lastWait: LockWait? { last.withLock { $0 } }

    func stop() {
        stopped.withLock { $0 = true }
        done.wait()
    }

    private static func wait(of pid: Int, on db: PostgresConnection) throws -> LockWait? {
        let rows = try db.query("""
            SELECT a.pid, coalesce(a.usename::text, '') AS usr, coalesce(a.application_name, '') AS app,
                   coalesce(a.state, '') AS state,
                   coalesce(extract(epoch FROM now() - coalesce(a.xact_start, a.query_start))::integer, 0) AS seconds,
                   left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 120) AS query,
                   (SELECT coalesce(string_agg(DISTINCT l.relation::regclass::text, ', '), '') FROM pg_locks l
                    WHERE l.pid = $1::integer AND NOT l.granted AND l.relation IS NOT NULL) AS relations
            FROM pg_stat_activity a WHERE a.pid = ANY(pg_blocking_pids($1::integer)) ORDER BY a.pid
            """, pid).rows
        guard let first = rows.first else { return nil }
        return LockWait(
            relations: try first.decode("relations", as: String.self).split(separator: ", ").map(String.init),
            blockers: try rows.map { row in
                LockWait.Blocker(
                    pid: try row.decode("pid"), user: try row.decode("usr"), application: try row.decode("app"),
                    state: try row.decode("state"), seconds: try row.decode("seconds"), query: try row.decode("query"))
            })
    }
}

/// A `CREATE [UNIQUE] INDEX IF NOT EXISTS name ON table ...;` statement of a migration file.
struct IndexStatement: Equatable {
    var unique: Bool
    var name: String
    var table: String
    /// Everything after the table name: columns, `USING`, `WHERE`.
    var definition: String

    private static let pattern = try! NSRegularExpression(
        pattern: #"CREATE\s+(UNIQUE\s+)?INDEX\s+IF\s+NOT\s+EXISTS\s+(\w+)\s+ON\s+(\w+)\s*([^;]*);"#,
        options: [.caseInsensitive])

    static func all(in sql: String) -> [IndexStatement] {
        let text = sql as NSString
        return pattern.matches(in: sql, range: NSRange(location: 0, length: text.length)).map { match in
            IndexStatement(
                unique: match.range(at: 1).location != NSNotFound, name: text.substring(with: match.range(at: 2)),
                table: text.substring(with: match.range(at: 3)),
                definition: text.substring(with: match.range(at: 4)).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    func concurrentSQL(quote: (String) -> String) -> String {
        "CREATE \(unique ? "UNIQUE " : "")INDEX CONCURRENTLY IF NOT EXISTS \(quote(name)) ON \(quote(table)) \(definition)"
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
