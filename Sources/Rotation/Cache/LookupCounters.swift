import Foundation
import Redis
import Synchronization

/// What one match lookup found in the cache: a usable value, nothing, or a value it could not use (garbage the
/// read path then repairs from Postgres). Nil where a lookup did not ask the cache (Redis down or backing off).
public enum LookupResult: Sendable {
    case hit
    case miss
    case invalid
}

/// Where the fleet's lookup counters live in Redis: one hash per minute, `rotation:{lookups}:<minute>` (minutes
/// since 1970, UTC), with the fields `hits`, `misses`, `invalid` (also counted in `misses`), `lookups` and
/// `lookup_us` (microseconds spent in those lookups). The `rotation:` prefix keeps them apart from the web app's
/// `match:*` keys; `{lookups}` is a hash tag, so on a cluster every minute lives on one slot and an hour is read from
/// one node. Each key expires a little more than an hour after its minute ends: never unbounded.
public enum LookupCounterKeys {
    public static let prefix = "rotation:{lookups}:"
    /// Seconds a minute's counters outlive the minute: the hour the pane shows plus five minutes of slack.
    public static let retentionSeconds = 3_900

    public static func key(minute: Int) -> String { prefix + String(minute) }

    public static func minute(of date: Date) -> Int { Int((date.timeIntervalSince1970 / 60).rounded(.down)) }

    /// The Unix time at which a minute's key expires (`EXPIREAT`: the same instant whoever writes it, and when).
    public static func expiry(minute: Int) -> Int { (minute + 1) * 60 + retentionSeconds }

    static let fields = ["hits", "misses", "invalid", "lookups", "lookup_us"]
}

/// One minute of match lookups, from every Rotation process that counted them.
public struct LookupMinute: Codable, Sendable, Equatable {
    /// Minutes since 1970, UTC.
    public var minute: Int
    public var hits = 0
    /// Includes `invalid`.
    public var misses = 0
    /// Cached values present but unusable (garbage, a wrong shape), which the read path repaired from Postgres.
    public var invalid = 0
    /// Lookups whose time is in `lookupMicroseconds` (every answered lookup, the cache asked or not).
    public var lookups = 0
    public var lookupMicroseconds = 0

    public init(minute: Int, hits: Int = 0, misses: Int = 0, invalid: Int = 0, lookups: Int = 0, lookupMicroseconds: Int = 0) {
        self.minute = minute
        self.hits = hits
        self.misses = misses
        self.invalid = invalid
        self.lookups = lookups
        self.lookupMicroseconds = lookupMicroseconds
    }

    /// hits / (hits + misses); nil when the cache was not read in this minute.
    public var hitRate: Double? { hits + misses == 0 ? nil : Double(hits) / Double(hits + misses) }

    var fieldValues: [Int] { [hits, misses, invalid, lookups, lookupMicroseconds] }

    var isEmpty: Bool { fieldValues.allSatisfy { $0 == 0 } }

    mutating func add(_ other: LookupMinute) {
        hits += other.hits
        misses += other.misses
        invalid += other.invalid
        lookups += other.lookups
        lookupMicroseconds += other.lookupMicroseconds
    }
}

/// Counts this process's match lookups in the fleet's per-minute counters (`LookupCounterKeys`). Counting never
/// fails or slows the lookup it counts: `record` only adds to memory; the counts go to Redis in one pipeline a
/// moment later (`flushDelay`), on a connection of their own, or when `flush()` is called (a command about to exit).
/// A flush Redis cannot take keeps the counts for the next one (only the last hour's: older ones are of no use); one
/// it refuses (an ACL, a wrong type) drops them. Either way `problem` says why; nothing is thrown to the reader.
public final class LookupCounters: Sendable {
    private struct State {
        var pending: [Int: LookupMinute] = [:]
        var flushScheduled = false
        var problem: String?
        var client: (any RedisClient)?
    }

    private let state = Mutex(State())
    /// Held for a whole flush, so `flush()` returns only after a flush already under way has landed too.
    private let flushing = Mutex(())
    private let redis: any RedisClient
    private let clock: @Sendable () -> Date
    /// Seconds between the first count of a batch and its flush.
    public let flushDelay: TimeInterval

    /// `redis`: the deployment to count in; the flushes use an independent client of it.
    public init(redis: any RedisClient, flushDelay: TimeInterval = 1, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.redis = redis
        self.flushDelay = flushDelay
        self.clock = clock
    }

    /// Why the last flush did not land, nil after one that did.
    public var problem: String? { state.withLock { $0.problem } }

    /// Counts one answered lookup: what the cache said (nil when it was not asked) and how long the whole lookup took.
    public func record(_ result: LookupResult?, duration: Duration) {
        let minute = LookupCounterKeys.minute(of: clock())
        let components = duration.components
        let microseconds = max(0, Int(components.seconds) * 1_000_000 + Int(components.attoseconds / 1_000_000_000_000))
        var counted = LookupMinute(minute: minute, lookups: 1, lookupMicroseconds: microseconds)
        switch result {
        case .hit: counted.hits = 1
        case .miss: counted.misses = 1
        case .invalid: counted.misses = 1; counted.invalid = 1
        case nil: break
        }
        let schedule = state.withLock { state -> Bool in
            state.pending[minute, default: LookupMinute(minute: minute)].add(counted)
            guard !state.flushScheduled else { return false }
            state.flushScheduled = true
            return true
        }
        guard schedule else { return }
        // Holds self until the flush ran: counts recorded just before the service goes away still land.
        DispatchQueue.global().asyncAfter(deadline: .now() + flushDelay) { [self] in
            state.withLock { $0.flushScheduled = false }
            flush()
        }
    }

    /// Sends the pending counts now, in one pipeline. True when there was nothing to send or Redis took it all.
    @discardableResult
    public func flush() -> Bool {
        flushing.withLock { _ in flushPending() }
    }

    private func flushPending() -> Bool {
        let oldest = LookupCounterKeys.minute(of: clock()) - 60
        let batch = state.withLock { state -> [LookupMinute] in
            defer { state.pending = [:] }
            return state.pending.values.filter { $0.minute >= oldest && !$0.isEmpty }.sorted { $0.minute < $1.minute }
        }
        guard !batch.isEmpty else { return true }
        var keys: [String] = []
        var commands: [[any RedisArgument]] = []
        for minute in batch {
            let key = LookupCounterKeys.key(minute: minute.minute)
            for (field, value) in zip(LookupCounterKeys.fields, minute.fieldValues) where value > 0 {
                keys.append(key)
                commands.append(["HINCRBY", key, field, value])
            }
            keys.append(key)
            commands.append(["EXPIREAT", key, LookupCounterKeys.expiry(minute: minute.minute)])
        }
        do {
            let replies = try client().pipeline(routedBy: keys, commands)
            if let refusal = replies.lazy.compactMap(\.errorMessage).first {
                // Refused, not lost in transit: sending them again would be refused again.
                note("Redis refused the fleet's lookup counters: \(refusal)")
                return false
            }
            note(nil)
            return true
        } catch {
            state.withLock { state in
                for minute in batch { state.pending[minute.minute, default: LookupMinute(minute: minute.minute)].add(minute) }
            }
            note("the fleet's lookup counters were not written (kept for the next try): \(error)")
            return false
        }
    }

    private func client() -> any RedisClient {
        state.withLock { state in
            if let client = state.client { return client }
            let made = redis.independentClient()
            state.client = made
            return made
        }
    }

    private func note(_ problem: String?) {
        state.withLock { $0.problem = problem }
    }
}

/// The fleet's match lookups over the last `windowMinutes` minutes, read from `LookupCounterKeys`: what the cache
/// pane's "ours" and `rotation cache stats` show. The web app's reads are not in it (it counts nothing).
public struct FleetLookups: Codable, Sendable, Equatable {
    public var windowMinutes: Int
    /// One entry per minute of the window, oldest first; minutes without lookups have zeros.
    public var minutes: [LookupMinute]

    public init(windowMinutes: Int, minutes: [LookupMinute]) {
        self.windowMinutes = windowMinutes
        self.minutes = minutes
    }

    public var total: LookupMinute {
        minutes.reduce(into: LookupMinute(minute: minutes.last?.minute ?? 0)) { $0.add($1) }
    }

    /// Hits over hits and misses in the window; nil when the cache was not read.
    public var hitRate: Double? { total.hitRate }

    /// Unusable cached values over all cache reads in the window; nil when the cache was not read.
    public var invalidRate: Double? {
        let total = total
        return total.hits + total.misses == 0 ? nil : Double(total.invalid) / Double(total.hits + total.misses)
    }

    /// The mean time of a lookup in the window, in milliseconds; nil without lookups.
    public var meanLookupMilliseconds: Double? {
        let total = total
        return total.lookups == 0 ? nil : Double(total.lookupMicroseconds) / Double(total.lookups) / 1000
    }

    private enum CodingKeys: String, CodingKey {
        case windowMinutes, hits, misses, invalid, lookups, hitRate, invalidRate, meanLookupMilliseconds, minutes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        windowMinutes = try container.decode(Int.self, forKey: .windowMinutes)
        minutes = try container.decode([LookupMinute].self, forKey: .minutes)
    }

    /// The totals and rates first (what a script reads), then the minutes.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let total = total
        try container.encode(windowMinutes, forKey: .windowMinutes)
        try container.encode(total.hits, forKey: .hits)
        try container.encode(total.misses, forKey: .misses)
        try container.encode(total.invalid, forKey: .invalid)
        try container.encode(total.lookups, forKey: .lookups)
        try container.encode(hitRate, forKey: .hitRate)
        try container.encode(invalidRate, forKey: .invalidRate)
        try container.encode(meanLookupMilliseconds, forKey: .meanLookupMilliseconds)
        try container.encode(minutes, forKey: .minutes)
    }

    /// Reads the window ending with the minute of `now` (`reading` says what the read cost the server's counters).
    public static func read(from redis: any RedisClient, now: Date = Date(), windowMinutes: Int = 60) throws -> FleetLookups {
        try reading(from: redis, now: now, windowMinutes: windowMinutes).fleet
    }

    /// The window and the keyspace hits and misses reading it added to the server's `INFO` (every read of a key
    /// counts there): `MEMORY USAGE`, which counts none, finds the minutes that have a key, and only those are read
    /// with `HMGET`; both in one pipeline each, to the one node that holds them. Where `MEMORY USAGE` is refused,
    /// every minute is read.
    public static func reading(from redis: any RedisClient, now: Date = Date(), windowMinutes: Int = 60) throws -> Reading {
        let last = LookupCounterKeys.minute(of: now)
        var minutes = Array((last - windowMinutes + 1)...last)
        let probes = try redis.pipeline(routedBy: minutes.map(LookupCounterKeys.key(minute:)), minutes.map { minute in
            ["MEMORY", "USAGE", LookupCounterKeys.key(minute: minute)]
        })
        if probes.allSatisfy({ $0.errorMessage == nil }) {
            minutes = zip(minutes, probes).filter { !$0.1.isNull }.map(\.0)
        }
        let keys = minutes.map(LookupCounterKeys.key(minute:))
        let replies = try redis.pipeline(routedBy: keys, keys.map { key in
            ["HMGET", key] + LookupCounterKeys.fields.map { $0 as any RedisArgument }
        })
        var found: [Int: LookupMinute] = [:]
        var reading = Reading(fleet: FleetLookups(windowMinutes: windowMinutes, minutes: []), keyspaceHits: 0, keyspaceMisses: 0)
        for (minute, reply) in zip(minutes, replies) {
            if let message = reply.errorMessage {
                if message.hasPrefix("WRONGTYPE") { reading.keyspaceHits += 1; continue }
                throw RedisError.server(message)
            }
            let elements = reply.array ?? []
            // Every key we write has at least one field: all of them missing means the key is gone (expired).
            if elements.allSatisfy(\.isNull) { reading.keyspaceMisses += 1; continue }
            reading.keyspaceHits += 1
            let values = elements.map { $0.int ?? 0 } + Array(repeating: 0, count: LookupCounterKeys.fields.count)
            found[minute] = LookupMinute(minute: minute, hits: values[0], misses: values[1], invalid: values[2],
                                         lookups: values[3], lookupMicroseconds: values[4])
        }
        reading.fleet.minutes = ((last - windowMinutes + 1)...last).map { found[$0] ?? LookupMinute(minute: $0) }
        return reading
    }

    /// One read of the counters and what it cost the server's keyspace statistics.
    public struct Reading: Sendable {
        public var fleet: FleetLookups
        /// Keys read that existed (`INFO`'s `keyspace_hits` went up by this much).
        public var keyspaceHits: Int
        /// Keys read that had expired meanwhile, or every absent minute where `MEMORY USAGE` was refused.
        public var keyspaceMisses: Int
    }
}
