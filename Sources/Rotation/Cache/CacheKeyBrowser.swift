import Foundation
import Postgres
import Redis

/// One `match:*` key as the cache screen lists it.
public struct CacheKeyEntry: Codable, Sendable, Equatable {
    public var key: String
    /// The store of the key's release, when the release is known to Postgres.
    public var store: String?
    /// Seconds left; nil for a key without a TTL.
    public var ttlSeconds: Int?
    /// A one-line description of the value ("youtube 0.91 approved by ana", or why it is unusable).
    public var summary: String
    /// The value is unusable or disagrees with Postgres.
    public var drifted: Bool
}

/// A page of the cache browser: the keys one budgeted step found (possibly none), the token to continue from,
/// and how far the walk of the keyspace got.
public struct CacheKeyPage: Sendable, Equatable {
    public var items: [CacheKeyEntry]
    /// Pass to `page(after:)` for more; nil once the whole keyspace was walked.
    public var nextCursor: String?
    /// Keys examined so far over every page (about) against `DBSIZE`; `found` counts this page's keys only.
    public var progress: ScanProgress
    /// SCAN calls this page made (at most the budget's `callsPerStep`).
    public var scanCalls: Int
}

/// Pages through `match:*` keys with SCAN (never KEYS), reading each page's TTLs and values in one pipeline and
/// comparing them with Postgres in one query. A page spends at most one `ScanBudget` step, so on a keyspace where
/// `match:*` keys are rare a page may hold few keys or none: the caller shows the progress and asks for more.
public struct CacheKeyBrowser: Sendable {
    /// One server or a cluster (a page walks the masters in turn).
    public let redis: any RedisClient
    public let database: PostgresConnection?
    public var budget: ScanBudget

    public init(redis: any RedisClient, database: PostgresConnection?, budget: ScanBudget = .browse) {
        self.redis = redis
        self.database = database
        self.budget = budget
    }

    /// Keys after `cursor` (a token from a previous page; nil starts over): SCAN calls continue until about `limit`
    /// keys are found, the budget is spent, `stop` is tripped or the scan completes.
    public func page(after cursor: String?, limit: Int = 100, stop: StopSignal? = nil) throws -> CacheKeyPage {
        let position: ScanPosition
        if let cursor {
            guard let resumed = ScanPosition(token: cursor) else { throw CacheBrowseError.invalidCursor(cursor) }
            position = resumed
        } else {
            position = .start
        }
        let step = try BoundedKeyScan(redis: redis, budget: budget).step(from: position, enough: limit, stop: stop)
        let keys = step.keys
        let progress = ScanProgress(examined: step.position.examined, totalKeys: step.totalKeys, found: keys.count,
                                    complete: step.position.complete)
        guard !keys.isEmpty else {
            return CacheKeyPage(items: [], nextCursor: step.position.token, progress: progress, scanCalls: step.calls)
        }

        let replies = try redis.pipeline(routedBy: keys.flatMap { [$0, $0] },
                                         keys.flatMap { [["TTL", $0], ["GET", $0]] as [[any RedisArgument]] })
        let drifted = database == nil ? [] : Set(try CacheClearer(redis: redis, database: database).driftedKeys(keys))
        let stores = try storesOfReleases(keys.compactMap { TrackKey(cacheKey: $0)?.releaseID })
        let entries = keys.enumerated().map { index, key -> CacheKeyEntry in
            let ttl = replies[index * 2].int
            let outcome = CachedMatchDecoder.decode(replies[index * 2 + 1].bytes)
            return CacheKeyEntry(
                key: key, store: TrackKey(cacheKey: key).flatMap { stores[$0.releaseID] },
                ttlSeconds: ttl.flatMap { $0 >= 0 ? $0 : nil }, summary: Self.summary(outcome),
                drifted: drifted.contains(key))
        }
        return CacheKeyPage(items: entries, nextCursor: step.position.token, progress: progress, scanCalls: step.calls)
    }

    private func storesOfReleases(_ releaseIDs: [Int64]) throws -> [Int64: String] {
        guard let database, !releaseIDs.isEmpty else { return [:] }
        let rows = try database.query(
            "SELECT discogs_id, store_username FROM releases WHERE discogs_id = ANY($1::bigint[])",
            Array(Set(releaseIDs))).rows
        var stores: [Int64: String] = [:]
        for row in rows { stores[try row.decode("discogs_id")] = try row.decode("store_username", as: String.self) }
        return stores
    }

    static func summary(_ outcome: CacheReadOutcome) -> String {
        switch outcome {
        case .missing:
            return "(expired)"
        case .invalid(let reason):
            return "unusable: \(reason)"
        case .value(let match):
            let state = match.approved ? "approved" + (match.verifiedBy.map { " by \($0)" } ?? "") : "pending"
            return "\(match.platform) \(match.storedConfidence.formatted()) \(state) \(match.matchURL)"
        }
    }
}

/// A browse that cannot continue.
public enum CacheBrowseError: Error, Sendable, CustomStringConvertible {
    case invalidCursor(String)

    public var description: String {
        switch self {
        case .invalidCursor: "not a cache browse cursor (expected the CURSOR:EXAMINED a previous page printed)"
        }
    }
}
