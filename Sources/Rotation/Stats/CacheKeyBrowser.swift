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

/// Pages through `match:*` keys with SCAN (never KEYS), reading each page's TTLs and values in one pipeline and
/// comparing them with Postgres in one query.
public struct CacheKeyBrowser: Sendable {
    public let redis: RedisConnection
    public let database: PostgresConnection?

    public init(redis: RedisConnection, database: PostgresConnection?) {
        self.redis = redis
        self.database = database
    }

    /// Keys after `cursor` (a SCAN cursor; nil starts over). SCAN may return few keys per call, so calls continue
    /// until about `limit` keys are found or the scan completes; `nextCursor` is nil at the end.
    public func page(after cursor: String?, limit: Int = 100) throws -> QueryPage<CacheKeyEntry> {
        var scanCursor = UInt64(cursor ?? "0") ?? 0
        var keys: [String] = []
        repeat {
            let page = try redis.scan(cursor: scanCursor, match: "match:*", count: 200)
            keys += page.keyStrings
            scanCursor = page.cursor
        } while scanCursor != 0 && keys.count < limit
        guard !keys.isEmpty else { return QueryPage(items: [], nextCursor: nil) }

        let replies = try redis.pipeline(keys.flatMap { [["TTL", $0], ["GET", $0]] as [[any RedisArgument]] })
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
        return QueryPage(items: entries, nextCursor: scanCursor == 0 ? nil : String(scanCursor))
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
