import Foundation
import Postgres
import Redis

/// A `track_matches` row as the worker wrote it, for the cache.
public struct WrittenMatch: Sendable, Equatable {
    public var releaseID: Int64
    public var trackIndex: Int
    public var platform: String
    public var matchURL: String
    public var confidence: Double
    public var approved: Bool
    public var verifiedBy: String?
    public var verifiedAt: Date

    public var cacheKey: String { "match:\(releaseID):\(trackIndex)" }
}

/// Writes the worker's results through to Redis: approved matches are `SET` with the TTL, and keys of tracks the
/// worker stored unapproved are removed so no stale approved value survives. Values use the web app's exact
/// format (DESIGN section 2), the same as the match service's `rotation_cache_value`. Kept here, in one place,
/// because the service's `MatchCacheWriter` has no public entry point for bulk worker writes yet; failures go to
/// its `cache_repairs` table so its repair pass covers the worker's keys too.
public struct WorkerCacheWriter: Sendable {
    public let redis: RedisConnection
    public let ttlSeconds: Int
    private let outage = RedisOutage()

    public init(redis: RedisConnection, ttlSeconds: Int) {
        self.redis = redis; self.ttlSeconds = ttlSeconds
    }

    /// The JSON value of a `match:{releaseId}:{trackIndex}` key: exactly `platform`, `match_url`, `confidence`,
    /// `approved`, `verified_by` (absent when none) and `verified_at` (ISO-8601 UTC with milliseconds).
    public static func cacheValue(_ match: WrittenMatch) -> String {
        var json = CopyLine(capacity: 200)
        json.appendRaw("{\"platform\":"); json.appendJSONString(match.platform, forCopy: false)
        json.appendRaw(",\"match_url\":"); json.appendJSONString(match.matchURL, forCopy: false)
        // REAL holds ~7 digits: round so the cache shows what the database does.
        json.appendRaw(",\"confidence\":"); json.appendNumber((match.confidence * 1_000_000).rounded() / 1_000_000)
        json.appendRaw(",\"approved\":"); json.appendRaw(match.approved ? "true" : "false")
        if let verifiedBy = match.verifiedBy {
            json.appendRaw(",\"verified_by\":"); json.appendJSONString(verifiedBy, forCopy: false)
        }
        json.appendRaw(",\"verified_at\":\"" + iso8601Milliseconds(match.verifiedAt) + "\"}")
        return json.text
    }

    static func iso8601Milliseconds(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(millis % 1000))
    }

    /// Sends one pipeline for all matches. Keys whose update failed (all of them when Redis is down) are returned
    /// and, when `repairs` is given, recorded in the match service's `cache_repairs` table, whose repair pass
    /// unlinks them once Redis is back, so no stale value survives. After a connection failure Redis is skipped
    /// for a few seconds rather than waiting out a connect timeout on every batch.
    @discardableResult
    public func write(_ matches: [WrittenMatch], repairs: PostgresConnection? = nil) -> [String] {
        guard !matches.isEmpty else { return [] }
        var failed: [WrittenMatch] = []
        if outage.shouldSkip {
            failed = matches
        } else {
            var commands: [[any RedisArgument]] = []
            for match in matches {
                if match.approved {
                    commands.append(["SET", match.cacheKey, Self.cacheValue(match), "EX", ttlSeconds])
                } else {
                    commands.append(["UNLINK", match.cacheKey])
                }
            }
            do {
                let replies = try redis.pipeline(commands)
                outage.recordSuccess()
                failed = zip(matches, replies).compactMap { match, reply in
                    if case .error = reply { return match }
                    return nil
                }
            } catch {
                outage.recordFailure()
                failed = matches
            }
        }
        if let repairs, !failed.isEmpty { recordRepairs(failed, on: repairs) }
        return failed.map(\.cacheKey)
    }

    private func recordRepairs(_ matches: [WrittenMatch], on db: PostgresConnection) {
        // The table belongs to the match service (migration 0004); without it there is nobody to repair keys.
        guard (try? db.query("SELECT to_regclass('cache_repairs') IS NOT NULL").scalar(Bool.self)) == true else { return }
        _ = try? db.query("""
            INSERT INTO cache_repairs (release_id, track_index, reason)
            SELECT DISTINCT r, t, $3 FROM unnest($1::bigint[], $2::integer[]) AS u(r, t)
            ON CONFLICT (release_id, track_index) DO UPDATE SET queued_at = NOW(), reason = EXCLUDED.reason
            """, matches.map(\.releaseID), matches.map(\.trackIndex),
            "worker write-through failed")
    }
}

/// After a Redis failure, skip Redis for a while (doubling from 1 s up to 30 s); a success resets it.
final class RedisOutage: @unchecked Sendable {
    private let lock = NSLock()
    private var retryAt: Date?
    private var delay: TimeInterval = 1

    var shouldSkip: Bool {
        lock.lock(); defer { lock.unlock() }
        return retryAt.map { Date() < $0 } ?? false
    }

    func recordFailure() {
        lock.lock(); defer { lock.unlock() }
        retryAt = Date().addingTimeInterval(delay)
        delay = min(delay * 2, 30)
    }

    func recordSuccess() {
        lock.lock(); defer { lock.unlock() }
        retryAt = nil
        delay = 1
    }
}
