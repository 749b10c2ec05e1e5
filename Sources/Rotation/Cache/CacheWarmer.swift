import Foundation
import Postgres
import Redis
import Synchronization

/// Which approved matches a warm writes.
public enum CacheWarmScope: Sendable, Equatable, CustomStringConvertible {
    case all
    case store(String)
    case release(Int64)

    /// How the scope is recorded in `cache_warm_jobs.scope`.
    public var description: String {
        switch self {
        case .all: "all"
        case .store(let store): "store:\(store)"
        case .release(let id): "release:\(id)"
        }
    }
}

/// Where a warm stands: also its final report.
public struct CacheWarmProgress: Codable, Sendable, Equatable {
    public var jobID: Int64
    public var scope: String
    /// Approved matches in the scope when the job started.
    public var total: Int
    /// Keys set (they were absent).
    public var written: Int
    /// Keys left alone because they were already present.
    public var skipped: Int
    /// Keys whose write failed (queued for repair, as every failed cache write is).
    public var failed: Int
    /// True when this run continued an earlier, interrupted one of the same scope.
    public var resumed: Bool
    public var status: String

    public var done: Int { written + skipped + failed }
}

/// What a dry run found: nothing is written.
public struct CacheWarmPlan: Codable, Sendable, Equatable {
    public var scope: String
    public var approved: Int
    public var alreadyCached: Int
    public var toWrite: Int { approved - alreadyCached }
}

public enum CacheWarmError: Error, CustomStringConvertible, Equatable {
    case alreadyRunning(jobID: Int64?, secondsSinceUpdate: Int)
    case readOnly

    public var description: String {
        switch self {
        case .alreadyRunning(let job, let seconds):
            "a warm of this scope is running (\(job.map { "job \($0), " } ?? "")last progress \(seconds) s ago); wait for it, or run again " +
                "after \(CacheWarmer.abandonedAfterSeconds) s without progress to take it over"
        case .readOnly: "read-only mode: the cache is not written"
        }
    }
}

/// Writes the `match:*` keys of approved matches from Postgres, as the seeds' cache warming does: incremental
/// (`SET ... NX`: a key already present is left alone, so a second run writes nothing and a review's newer value is
/// never overwritten), in keyset order over `(release_id, track_index)`, each batch's keys pipelined over
/// `concurrency` Redis clients, the position recorded in `cache_warm_jobs` after every batch so an interrupted run
/// resumes where it stopped. Values and TTLs (with their jitter) come from the one cache writer's `setCommand`.
public final class CacheWarmer: Sendable {
    /// A `running` job with no progress for this long is taken to be dead (its process was killed) and is resumed.
    public static let abandonedAfterSeconds = 60

    let database: PostgresConnection
    let writer: MatchCacheWriter
    let clients: [any RedisClient]
    let batchSize: Int

    public init(database: PostgresConnection, redis: any RedisClient, ttlSeconds: Int, ttlJitterPercent: Int,
                concurrency: Int = 4, batchSize: Int = 1000) {
        self.database = database
        writer = MatchCacheWriter(database: database, redis: redis, ttl: ttlSeconds, ttlJitterPercent: ttlJitterPercent,
                                  readOnly: false)
        clients = [redis] + (1..<max(1, concurrency)).map { _ in redis.independentClient() }
        self.batchSize = max(1, batchSize)
    }

    /// Counts the scope's approved matches and how many already have a key. Writes nothing.
    public func dryRun(_ scope: CacheWarmScope) throws -> CacheWarmPlan {
        var plan = CacheWarmPlan(scope: scope.description, approved: 0, alreadyCached: 0)
        var after: (Int64, Int) = (Int64.min, -1)
        while true {
            let keys = try batch(scope, after: after).map(\.key)
            guard let last = keys.last else { break }
            plan.approved += keys.count
            let replies = try clients[0].pipeline(routedBy: keys.map(\.cacheKey), keys.map { ["EXISTS", $0.cacheKey] })
            plan.alreadyCached += replies.filter { $0.int == 1 }.count
            after = (last.releaseID, last.trackIndex)
        }
        return plan
    }

    /// Runs (or resumes) the warm of `scope`, reporting after every batch; `stop` ends it after the batch in hand,
    /// leaving the job `stopped` for the next run to resume.
    @discardableResult
    public func run(_ scope: CacheWarmScope, stop: StopSignal? = nil,
                    progress report: (CacheWarmProgress) -> Void = { _ in }) throws -> CacheWarmProgress {
        var job = try startOrResume(scope)
        var after = try position(of: job.jobID)
        report(job)
        do {
            while stop?.isStopRequested != true {
                let rows = try batch(scope, after: after)
                guard let last = rows.last else { break }
                let (written, skipped, failed) = write(rows)
                job.written += written
                job.skipped += skipped
                job.failed += failed
                after = (last.releaseID, last.trackIndex)
                try record(job, after: after)
                report(job)
            }
        } catch {
            job.status = "failed"
            try? finish(job)
            throw error
        }
        job.status = stop?.isStopRequested == true ? "stopped" : "finished"
        try finish(job)
        report(job)
        return job
    }

    // MARK: Rows

    private func batch(_ scope: CacheWarmScope, after: (Int64, Int)) throws -> [TrackMatch] {
        let (filter, parameter) = Self.filter(scope, placeholder: 4)
        var parameters: [any PostgresEncodable] = [after.0, Int64(after.1), batchSize]
        if let parameter { parameters.append(parameter) }
        return try database.query("""
            SELECT \(TrackMatch.columns) FROM track_matches
            WHERE approved AND (release_id, track_index) > ($1, $2::integer)\(filter)
            ORDER BY release_id, track_index LIMIT $3
            """, parameters: parameters).rows.map(TrackMatch.init(row:))
    }

    /// The scope's condition on `track_matches`, its one parameter numbered `placeholder`.
    private static func filter(_ scope: CacheWarmScope, placeholder: Int) -> (String, (any PostgresEncodable)?) {
        switch scope {
        case .all: ("", nil)
        case .store(let store):
            (" AND release_id IN (SELECT discogs_id FROM releases WHERE store_username = $\(placeholder))", store)
        case .release(let id): (" AND release_id = $\(placeholder)", id)
        }
    }

    private func count(_ scope: CacheWarmScope) throws -> Int {
        let (filter, parameter) = Self.filter(scope, placeholder: 1)
        return try database.query("SELECT count(*) FROM track_matches WHERE approved" + filter,
                                  parameters: parameter.map { [$0] } ?? []).scalar(Int.self)
    }

    /// The batch split over the clients, one `SET ... NX` pipeline each: (written, already present, failed).
    private func write(_ rows: [TrackMatch]) -> (Int, Int, Int) {
        let share = (rows.count + clients.count - 1) / clients.count
        let parts = stride(from: 0, to: rows.count, by: share).map { Array(rows[$0..<min($0 + share, rows.count)]) }
        let results = Mutex([(Int, Int, [TrackKey])](repeating: (0, 0, []), count: parts.count))
        DispatchQueue.concurrentPerform(iterations: parts.count) { index in
            let part = parts[index]
            let commands = part.map { writer.setCommand($0, onlyIfAbsent: true) }
            do {
                let replies = try clients[index].pipeline(routedBy: part.map(\.key.cacheKey), commands)
                var written = 0, present = 0, failed: [TrackKey] = []
                for (row, reply) in zip(part, replies) {
                    if reply.errorMessage != nil { failed.append(row.key) } else if reply.string == "OK" { written += 1 } else { present += 1 }
                }
                results.withLock { $0[index] = (written, present, failed) }
            } catch {
                results.withLock { $0[index] = (0, 0, part.map(\.key)) }
            }
        }
        var written = 0, present = 0, failed: [TrackKey] = []
        for result in results.withLock({ $0 }) { written += result.0; present += result.1; failed += result.2 }
        if !failed.isEmpty { writer.queueRepair(failed, reason: "cache warm: Redis unavailable") }
        return (written, present, failed.count)
    }

    // MARK: The job row

    private func startOrResume(_ scope: CacheWarmScope) throws -> CacheWarmProgress {
        let open = try database.query("""
            SELECT id, status, total, written, skipped, failed,
                   extract(epoch FROM now() - updated_at)::integer AS idle
            FROM cache_warm_jobs WHERE scope = $1 AND status <> 'finished' ORDER BY id DESC LIMIT 1
            """, scope.description).first
        if let open {
            let id: Int64 = try open.decode("id")
            let idle: Int = try open.decode("idle")
            if try open.decode("status", as: String.self) == "running", idle < Self.abandonedAfterSeconds {
                throw CacheWarmError.alreadyRunning(jobID: id, secondsSinceUpdate: idle)
            }
            try database.query("UPDATE cache_warm_jobs SET status = 'running', updated_at = now() WHERE id = $1", id)
            return CacheWarmProgress(jobID: id, scope: scope.description, total: try open.decode("total"),
                                     written: try open.decode("written"), skipped: try open.decode("skipped"),
                                     failed: try open.decode("failed"), resumed: true, status: "running")
        }
        let total = try count(scope)
        // Another run may have begun a job of this scope since the look above: the unique index refuses a second.
        let inserted = try database.query("""
            INSERT INTO cache_warm_jobs (scope, total) VALUES ($1, $2::integer)
            ON CONFLICT (scope) WHERE status <> 'finished' DO NOTHING RETURNING id
            """, scope.description, total).first
        guard let inserted else { throw CacheWarmError.alreadyRunning(jobID: nil, secondsSinceUpdate: 0) }
        let id: Int64 = try inserted.decode("id")
        return CacheWarmProgress(jobID: id, scope: scope.description, total: total, written: 0, skipped: 0, failed: 0,
                                 resumed: false, status: "running")
    }

    private func position(of job: Int64) throws -> (Int64, Int) {
        let row = try database.query("SELECT last_release_id, last_track_index FROM cache_warm_jobs WHERE id = $1", job).first
        guard let release = try row?.decode("last_release_id", as: Int64?.self),
              let track = try row?.decode("last_track_index", as: Int?.self) else { return (Int64.min, -1) }
        return (release, track)
    }

    private func record(_ job: CacheWarmProgress, after: (Int64, Int)) throws {
        try database.query("""
            UPDATE cache_warm_jobs SET last_release_id = $2, last_track_index = $3::integer, written = $4::integer,
                   skipped = $5::integer, failed = $6::integer, updated_at = now()
            WHERE id = $1
            """, job.jobID, after.0, Int64(after.1), job.written, job.skipped, job.failed)
    }

    private func finish(_ job: CacheWarmProgress) throws {
        try database.query("""
            UPDATE cache_warm_jobs SET status = $2, updated_at = now(),
                   finished_at = CASE WHEN $2 = 'finished' THEN now() END
            WHERE id = $1
            """, job.jobID, job.status)
    }
}
