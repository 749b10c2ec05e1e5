import Foundation
import Postgres
import Redis

/// What a cache-only clear targets. Postgres is never changed by these.
public enum CacheClearTarget: Sendable, Equatable, CustomStringConvertible {
    case key(TrackKey)
    case release(Int64)
    case store(String)
    /// Every `match:*` key.
    case allMatches
    /// Every `match:*` key whose value is unusable or disagrees with its Postgres row (or has no row).
    case drift

    public var description: String {
        switch self {
        case .key(let key): "key \(key.cacheKey)"
        case .release(let id): "release \(id)"
        case .store(let store): "store \(store)"
        case .allMatches: "every match:* key"
        case .drift: "match:* keys that disagree with Postgres"
        }
    }
}

/// A dry run: how many keys would go and a few of them. For the targets that walk the keyspace (all, drift) a
/// plan is built one `ScanBudget` step at a time: until `isComplete`, `count` is what the steps so far found and
/// `position` is where the next step resumes (pass the plan back to `dryRun(_:continuing:)`).
public struct CacheClearPlan: Codable, Sendable, Equatable {
    public var count: Int
    public var sample: [String]
    /// Where the walk of the keyspace stands; nil for targets that need no walk (key, release, store).
    public var position: ScanPosition?
    /// `DBSIZE` at the last step (0 when no walk was needed).
    public var totalKeys: Int

    public init(count: Int = 0, sample: [String] = [], position: ScanPosition? = nil, totalKeys: Int = 0) {
        self.count = count
        self.sample = sample
        self.position = position
        self.totalKeys = totalKeys
    }

    public var isComplete: Bool { position?.complete ?? true }

    /// How far the walk got, for a progress line.
    public var progress: ScanProgress {
        ScanProgress(examined: position?.examined ?? totalKeys, totalKeys: totalKeys, found: count, complete: isComplete)
    }
}

/// Progress of a clear, after each batch.
public struct CacheClearProgress: Sendable, Equatable {
    public var scanned: Int
    public var unlinked: Int
    /// Known for key/release/store clears; nil while a SCAN is walking.
    public var total: Int?
    /// For clears that walk the keyspace: keys examined so far (about) and `DBSIZE`.
    public var walk: ScanProgress?
}

/// What a clear did.
public struct CacheClearResult: Codable, Sendable, Equatable {
    public var scanned: Int
    public var unlinked: Int
    /// The stop signal ended the clear between batches: `unlinked` keys went, the rest are still cached.
    public var stopped: Bool = false
}

/// Cache-only clears for admins (DESIGN section 4): a key, a release, a store, every `match:*` key, or drift.
/// Release and store clears unlink exactly the keys their tracks can have (from Postgres); wide clears walk the
/// keyspace with budgeted `SCAN ... COUNT` steps and `UNLINK` each batch. Never `KEYS`, never `FLUSHDB`. Every
/// long walk takes a `StopSignal`, checked between SCAN calls and between UNLINK batches.
public struct CacheClearer: Sendable {
    /// One server or a cluster (walks visit every master; UNLINK is grouped by master and slot).
    public let redis: any RedisClient
    /// Needed for release, store and drift clears.
    public let database: PostgresConnection?
    /// Keys per UNLINK (and per EXISTS pipeline).
    public var batchSize: Int
    public var sampleSize: Int
    public var budget: ScanBudget

    public init(redis: any RedisClient, database: PostgresConnection?, batchSize: Int = 500, sampleSize: Int = 10,
                budget: ScanBudget = .standard) {
        self.redis = redis
        self.database = database
        self.batchSize = max(1, batchSize)
        self.sampleSize = sampleSize
        self.budget = budget
    }

    /// One step of the dry run, changing nothing: counts and samples what `clear` would remove. Targets that
    /// need no walk of the keyspace are complete in one step; the others spend one `budget` step per call, so
    /// call again with the returned plan until `isComplete` (or stop: the plan so far is a valid lower bound).
    public func dryRun(_ target: CacheClearTarget, continuing plan: CacheClearPlan? = nil) throws -> CacheClearPlan {
        var plan = plan ?? CacheClearPlan()
        func add(_ keys: [String]) {
            plan.count += keys.count
            if plan.sample.count < sampleSize { plan.sample += keys.prefix(sampleSize - plan.sample.count) }
        }
        switch target {
        case .allMatches, .drift:
            let step = try BoundedKeyScan(redis: redis, budget: budget).step(from: plan.position ?? .start)
            add(target == .drift ? try driftedKeys(step.keys) : step.keys)
            plan.position = step.position
            plan.totalKeys = step.totalKeys
        case .key, .release, .store:
            try walk(target, stop: nil) { keys, _ in add(keys) }
        }
        return plan
    }

    /// The whole dry run, step after step, calling `progress` after each step that leaves more to walk; `stop`
    /// ends it between steps (the plan is then incomplete: what the steps so far counted).
    public func fullDryRun(_ target: CacheClearTarget, stop: StopSignal? = nil,
                           progress: (CacheClearPlan) -> Void = { _ in }) throws -> CacheClearPlan {
        var plan: CacheClearPlan?
        while stop?.isStopRequested != true {
            let next = try dryRun(target, continuing: plan)
            if next.isComplete { return next }
            plan = next
            progress(next)
        }
        return plan ?? CacheClearPlan(position: .start)
    }

    /// Unlinks the target's keys in batches, calling `progress` after each; `stop` ends it between batches (the
    /// result then says `stopped`, and `unlinked` is exactly what went).
    @discardableResult
    public func clear(_ target: CacheClearTarget, stop: StopSignal? = nil,
                      progress: (CacheClearProgress) -> Void = { _ in }) throws -> CacheClearResult {
        var scanned = 0
        var unlinked = 0
        var stopped = false
        let total: Int? = {
            if case .key = target { return 1 }
            return nil
        }()
        try walk(target, stop: stop) { keys, walk in
            scanned += keys.count
            for start in stride(from: 0, to: keys.count, by: batchSize) {
                if stop?.isStopRequested == true { stopped = true; return }
                unlinked += try redis.unlink(Array(keys[start..<min(start + batchSize, keys.count)]))
                progress(CacheClearProgress(scanned: scanned, unlinked: unlinked, total: total, walk: walk))
            }
        }
        return CacheClearResult(scanned: scanned, unlinked: unlinked, stopped: stopped || stop?.isStopRequested == true)
    }

    /// Hands the target's existing keys to `body` in batches, with how far the walk of the keyspace got (for the
    /// targets that walk it), until done or `stop` is tripped.
    private func walk(_ target: CacheClearTarget, stop: StopSignal?, _ body: ([String], ScanProgress?) throws -> Void) throws {
        switch target {
        case .key(let key):
            if try redis.command(key: key.cacheKey, ["EXISTS", key.cacheKey]).int ?? 0 > 0 { try body([key.cacheKey], nil) }
        case .release(let releaseID):
            try walkExisting(try candidateKeys(releaseCondition: "discogs_id = $1", matchCondition: "release_id = $1", releaseID),
                             stop: stop, body)
        case .store(let store):
            try walkExisting(try candidateKeys(
                releaseCondition: "store_username = $1",
                matchCondition: "release_id IN (SELECT discogs_id FROM releases WHERE store_username = $1)", store),
                stop: stop, body)
        case .allMatches, .drift:
            let scan = BoundedKeyScan(redis: redis, budget: budget)
            var position = ScanPosition.start
            var found = 0
            while !position.complete, stop?.isStopRequested != true {
                let step = try scan.step(from: position, stop: stop)
                position = step.position
                let keys = target == .drift ? try driftedKeys(step.keys) : step.keys
                found += keys.count
                let walked = ScanProgress(examined: position.examined, totalKeys: step.totalKeys, found: found,
                                          complete: position.complete)
                if !keys.isEmpty { try body(keys, walked) }
            }
        }
    }

    /// Keys a release or store can have: every tracklist index of its releases (the stored Discogs body's when the
    /// web app emptied `releases.tracklist`) and every stored match.
    private func candidateKeys(releaseCondition: String, matchCondition: String, _ parameter: any PostgresEncodable) throws -> [String] {
        guard let database else { throw CacheClearError.needsDatabase }
        let rows = try database.query("""
            SELECT r.discogs_id AS release_id, i AS track_index
            FROM releases r LEFT JOIN discogs_release_bodies b ON b.discogs_id = r.discogs_id
                 CROSS JOIN LATERAL generate_series(0, jsonb_array_length(\(TrackTitleSource.tracklistSQL)) - 1) AS i
            WHERE r.\(releaseCondition)
            UNION
            SELECT release_id, track_index FROM track_matches WHERE \(matchCondition)
            ORDER BY 1, 2
            """, parameter).rows
        return try rows.map {
            TrackKey(releaseID: try $0.decode("release_id", as: Int64.self), trackIndex: try $0.decode("track_index", as: Int.self)).cacheKey
        }
    }

    /// Filters candidate keys to those that exist, in batches (pipelined EXISTS).
    private func walkExisting(_ keys: [String], stop: StopSignal?, _ body: ([String], ScanProgress?) throws -> Void) throws {
        for start in stride(from: 0, to: keys.count, by: batchSize) {
            if stop?.isStopRequested == true { return }
            let batch = Array(keys[start..<min(start + batchSize, keys.count)])
            let replies = try redis.pipeline(routedBy: batch, batch.map { ["EXISTS", $0] })
            let existing = zip(batch, replies).filter { $0.1.int == 1 }.map(\.0)
            if !existing.isEmpty { try body(existing, nil) }
        }
    }

    /// The keys of a batch whose values are unusable or disagree with Postgres.
    func driftedKeys(_ keys: [String]) throws -> [String] {
        guard let database else { throw CacheClearError.needsDatabase }
        let parsed = keys.compactMap { key in TrackKey(cacheKey: key).map { (key, $0) } }
        guard !parsed.isEmpty else { return [] }
        let values = try redis.pipeline(routedBy: parsed.map(\.0), parsed.map { ["GET", $0.0] })
        let rows = try database.query("""
            SELECT \(TrackMatch.columns) FROM track_matches
            WHERE (release_id, track_index) IN (SELECT * FROM unnest($1::bigint[], $2::integer[]))
            """, parsed.map(\.1.releaseID), parsed.map(\.1.trackIndex)).rows.map(TrackMatch.init(row:))
        let byKey = Dictionary(rows.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var drifted: [String] = []
        for ((name, key), reply) in zip(parsed, values) {
            if reply.isNull { continue }  // expired meanwhile
            guard case .value(let cached) = CachedMatchDecoder.decode(reply.bytes) else {
                drifted.append(name)
                continue
            }
            guard let row = byKey[key], cached.agrees(with: row.cachedValue) else {
                drifted.append(name)
                continue
            }
        }
        return drifted
    }
}

/// A cache clear that cannot run.
public enum CacheClearError: Error, Sendable, CustomStringConvertible {
    case needsDatabase

    public var description: String {
        "this clear needs Postgres (to know which keys belong to the release or store, or what the rows say)"
    }
}
