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

/// A dry run: how many keys would go and a few of them.
public struct CacheClearPlan: Codable, Sendable, Equatable {
    public var count: Int
    public var sample: [String]
}

/// Progress of a clear, after each batch.
public struct CacheClearProgress: Sendable, Equatable {
    public var scanned: Int
    public var unlinked: Int
    /// Known for key/release/store clears; nil while a SCAN is walking.
    public var total: Int?
}

/// What a clear did.
public struct CacheClearResult: Codable, Sendable, Equatable {
    public var scanned: Int
    public var unlinked: Int
}

/// Cache-only clears for admins (DESIGN section 4): a key, a release, a store, every `match:*` key, or drift.
/// Release and store clears unlink exactly the keys their tracks can have (from Postgres); wide clears walk the
/// keyspace with `SCAN ... COUNT` and `UNLINK` each batch. Never `KEYS`, never `FLUSHDB`.
public struct CacheClearer: Sendable {
    public let redis: RedisConnection
    /// Needed for release, store and drift clears.
    public let database: PostgresConnection?
    public var batchSize: Int
    public var sampleSize: Int

    public init(redis: RedisConnection, database: PostgresConnection?, batchSize: Int = 500, sampleSize: Int = 10) {
        self.redis = redis
        self.database = database
        self.batchSize = max(1, batchSize)
        self.sampleSize = sampleSize
    }

    /// Counts and samples what `clear` would remove, changing nothing.
    public func dryRun(_ target: CacheClearTarget) throws -> CacheClearPlan {
        var count = 0
        var sample: [String] = []
        try walk(target) { keys in
            count += keys.count
            if sample.count < sampleSize { sample += keys.prefix(sampleSize - sample.count) }
            return true
        }
        return CacheClearPlan(count: count, sample: sample)
    }

    /// Unlinks the target's keys in batches, calling `progress` after each.
    @discardableResult
    public func clear(_ target: CacheClearTarget, progress: (CacheClearProgress) -> Void = { _ in }) throws -> CacheClearResult {
        var scanned = 0
        var unlinked = 0
        let total: Int? = {
            if case .key = target { return 1 }
            return nil
        }()
        try walk(target) { keys in
            scanned += keys.count
            for start in stride(from: 0, to: keys.count, by: batchSize) {
                unlinked += try redis.unlink(Array(keys[start..<min(start + batchSize, keys.count)]))
            }
            progress(CacheClearProgress(scanned: scanned, unlinked: unlinked, total: total))
            return true
        }
        return CacheClearResult(scanned: scanned, unlinked: unlinked)
    }

    /// Hands the target's existing keys to `body` in batches.
    private func walk(_ target: CacheClearTarget, _ body: ([String]) throws -> Bool) throws {
        switch target {
        case .key(let key):
            if try redis.exists(key.cacheKey) { _ = try body([key.cacheKey]) }
        case .release(let releaseID):
            try walkExisting(try candidateKeys(releaseCondition: "discogs_id = $1", matchCondition: "release_id = $1", releaseID), body)
        case .store(let store):
            try walkExisting(try candidateKeys(
                releaseCondition: "store_username = $1",
                matchCondition: "release_id IN (SELECT discogs_id FROM releases WHERE store_username = $1)", store), body)
        case .allMatches:
            try redis.scanAll(match: "match:*", count: 1000) { keys in try body(keys) }
        case .drift:
            try redis.scanAll(match: "match:*", count: 1000) { keys in
                let drifted = try driftedKeys(keys)
                return drifted.isEmpty ? true : try body(drifted)
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
    private func walkExisting(_ keys: [String], _ body: ([String]) throws -> Bool) throws {
        for start in stride(from: 0, to: keys.count, by: batchSize) {
            let batch = Array(keys[start..<min(start + batchSize, keys.count)])
            let replies = try redis.pipeline(batch.map { ["EXISTS", $0] })
            let existing = zip(batch, replies).filter { $0.1.int == 1 }.map(\.0)
            if !existing.isEmpty, try !body(existing) { return }
        }
    }

    /// The keys of a batch whose values are unusable or disagree with Postgres.
    func driftedKeys(_ keys: [String]) throws -> [String] {
        guard let database else { throw CacheClearError.needsDatabase }
        let parsed = keys.compactMap { key in TrackKey(cacheKey: key).map { (key, $0) } }
        guard !parsed.isEmpty else { return [] }
        let values = try redis.pipeline(parsed.map { ["GET", $0.0] })
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
