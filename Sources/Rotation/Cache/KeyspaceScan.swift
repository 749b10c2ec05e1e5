import Foundation
import Redis

/// What one full `SCAN` of the `match:*` keys found. Counts from a SCAN are approximate when keys change meanwhile.
public struct KeyspaceScanResult: Codable, Sendable, Equatable {
    public var matchKeys: Int
    /// SCAN calls it took.
    public var calls: Int
    /// TTLs of a sample of the keys (at most `ttlSampleLimit` of them), by bucket.
    public var ttlSpread: TTLSpread
    public var startedAt: Date
    public var completedAt: Date

    /// Seconds since the scan completed.
    public func age(now: Date = Date()) -> TimeInterval { now.timeIntervalSince(completedAt) }
}

/// TTL buckets of sampled `match:*` keys.
public struct TTLSpread: Codable, Sendable, Equatable {
    public var underOneHour = 0
    public var oneToSixHours = 0
    public var sixToTwelveHours = 0
    public var twelveToTwentyFourHours = 0
    public var overTwentyFourHours = 0
    /// Keys without an expiry (the web app always sets one: these are anomalies).
    public var persistent = 0
    public var sampled: Int {
        underOneHour + oneToSixHours + sixToTwelveHours + twelveToTwentyFourHours + overTwentyFourHours + persistent
    }

    public init() {}

    /// Adds another sample's buckets (a cluster's masters scanned one after the other).
    mutating func merge(_ other: TTLSpread) {
        underOneHour += other.underOneHour
        oneToSixHours += other.oneToSixHours
        sixToTwelveHours += other.sixToTwelveHours
        twelveToTwentyFourHours += other.twelveToTwentyFourHours
        overTwentyFourHours += other.overTwentyFourHours
        persistent += other.persistent
    }

    mutating func add(_ ttl: RedisTTL) {
        switch ttl {
        case .missing: break
        case .persistent: persistent += 1
        case .expiresIn(let seconds):
            switch seconds {
            case ..<3600: underOneHour += 1
            case ..<21_600: oneToSixHours += 1
            case ..<43_200: sixToTwelveHours += 1
            case ...86_400: twelveToTwentyFourHours += 1
            default: overTwentyFourHours += 1
            }
        }
    }
}

/// Walks the `match:*` keys with `SCAN ... COUNT` (never `KEYS`), pausing between calls so it never monopolises
/// Redis, and samples TTLs with pipelined `TTL` calls. Each SCAN is O(COUNT): DESIGN measured COUNT 1000 at about
/// 1 ms, so the default of 300 keeps every call well under the 1 ms budget on a busy machine.
public struct KeyspaceScanner: Sendable {
    public var count: Int
    /// Pause between SCAN calls.
    public var pause: TimeInterval
    public var ttlSampleLimit: Int

    public init(count: Int = 300, pause: TimeInterval = 0.001, ttlSampleLimit: Int = 2000) {
        self.count = count
        self.pause = pause
        self.ttlSampleLimit = ttlSampleLimit
    }

    /// One full scan of one server, or of every master of a cluster in turn (a cursor per master; the TTL
    /// sample shared out until `ttlSampleLimit`); `shouldContinue` lets a background owner stop it early (the
    /// result is then nil).
    public func scan(_ client: any RedisClient, shouldContinue: () -> Bool = { true }) throws -> KeyspaceScanResult? {
        let nodes = client.scanNodes()
        if nodes.count == 1 { return try scan(nodes[0], shouldContinue: shouldContinue) }
        let started = Date()
        var total = KeyspaceScanResult(matchKeys: 0, calls: 0, ttlSpread: TTLSpread(), startedAt: started, completedAt: started)
        for node in nodes {
            var perMaster = self
            perMaster.ttlSampleLimit = max(0, ttlSampleLimit - total.ttlSpread.sampled)
            guard let part = try perMaster.scan(node, shouldContinue: shouldContinue) else {
                return nil
            }
            total.matchKeys += part.matchKeys
            total.calls += part.calls
            total.ttlSpread.merge(part.ttlSpread)
        }
        total.completedAt = Date()
        return total
    }

    /// One full scan of one server.
    public func scan(_ redis: RedisConnection, shouldContinue: () -> Bool = { true }) throws -> KeyspaceScanResult? {
        let started = Date()
        var cursor: UInt64 = 0
        var keys = 0
        var calls = 0
        var spread = TTLSpread()
        repeat {
            guard shouldContinue() else { return nil }
            let page = try redis.scan(cursor: cursor, match: "match:*", count: count)
            calls += 1
            keys += page.keys.count
            let room = ttlSampleLimit - spread.sampled
            if room > 0, !page.keys.isEmpty {
                let sample = page.keys.prefix(min(room, 100))
                let replies = try redis.pipeline(sample.map { ["TTL", $0] })
                for reply in replies {
                    guard case .integer(let seconds) = reply else { continue }
                    spread.add(seconds == -2 ? .missing : seconds == -1 ? .persistent : .expiresIn(seconds: seconds))
                }
            }
            cursor = page.cursor
            if cursor != 0, pause > 0 { Thread.sleep(forTimeInterval: pause) }
        } while cursor != 0
        return KeyspaceScanResult(matchKeys: keys, calls: calls, ttlSpread: spread, startedAt: started, completedAt: Date())
    }
}
