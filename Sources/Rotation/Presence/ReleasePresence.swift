import Foundation
import Redis

/// Someone's lease on a release: who holds it, which session (one console or one `presence hold`), and how long it
/// has left unless renewed.
public struct PresenceLease: Hashable, Sendable, Codable {
    public var releaseID: Int64
    public var reviewer: String
    /// Tells two sessions of one reviewer apart: only the session that took a lease renews or deletes it.
    public var session: String
    /// Seconds until the lease expires by itself; nil when Redis gave no TTL (a key without one).
    public var secondsLeft: Int?

    public init(releaseID: Int64, reviewer: String, session: String, secondsLeft: Int?) {
        self.releaseID = releaseID
        self.reviewer = reviewer
        self.session = session
        self.secondsLeft = secondsLeft
    }

    enum CodingKeys: String, CodingKey {
        case releaseID = "release_id", reviewer, session, secondsLeft = "seconds_left"
    }
}

/// How long a lease lives and how often its holder renews it (`ROTATION_PRESENCE_TTL`, seconds, default 30; renewed
/// every third of that), so a console that dies stops showing within one TTL.
public struct PresenceSettings: Hashable, Sendable {
    public var ttlSeconds: Int
    public static let defaultTTLSeconds = 30

    public init(ttlSeconds: Int = PresenceSettings.defaultTTLSeconds) {
        self.ttlSeconds = max(1, ttlSeconds)
    }

    public init(environment: [String: String]) {
        let value = environment["ROTATION_PRESENCE_TTL"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        self.init(ttlSeconds: value.map { $0 > 0 ? $0 : Self.defaultTTLSeconds } ?? Self.defaultTTLSeconds)
    }

    /// How often a holder renews: a third of the TTL, so two renewals may fail before the lease lapses.
    public var renewInterval: TimeInterval { max(0.2, Double(ttlSeconds) / 3) }
}

/// Presence leases in Redis: `rotation:presence:{releaseId}` holds `{"reviewer": …, "session": …}` with a TTL.
/// Presence is never a lock: a lease only says who has a release open; anyone may still decide on it (the review
/// actions' guard decides). The key prefix is ours alone: the web app uses `match:*` only.
///
/// Renewal and deletion are compare-and-set scripts on one key (`EVAL` with that key, so a cluster routes it to the
/// key's master): a session renews or deletes only its own lease, never one another session took meanwhile.
/// Reading many releases is one `GET` + `TTL` per key, pipelined per node (`RedisClient.pipeline(routedBy:)`), as
/// releases live in different slots on a cluster.
public struct ReleasePresence: Sendable {
    public static let keyPrefix = "rotation:presence:"
    public let redis: any RedisClient
    public let settings: PresenceSettings

    public init(redis: any RedisClient, settings: PresenceSettings = PresenceSettings()) {
        self.redis = redis
        self.settings = settings
    }

    /// The lease key of a release (the one home of the key's spelling).
    public static func key(of releaseID: Int64) -> String { "\(keyPrefix)\(releaseID)" }

    /// The release a lease key names; nil for any other key.
    public static func releaseID(ofKey key: String) -> Int64? {
        guard key.hasPrefix(keyPrefix) else { return nil }
        return Int64(key.dropFirst(keyPrefix.count))
    }

    /// What this session wrote as the value: the JSON the readers parse.
    static func value(reviewer: String, session: String) -> String {
        let object = ["reviewer": reviewer, "session": session]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads a lease value tolerantly: anything else than our JSON with a string `reviewer` is nil.
    static func parse(_ text: String, releaseID: Int64, secondsLeft: Int?) -> PresenceLease? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let reviewer = object["reviewer"] as? String else { return nil }
        return PresenceLease(releaseID: releaseID, reviewer: reviewer, session: object["session"] as? String ?? "",
                             secondsLeft: secondsLeft)
    }

    /// Renews this session's lease, or takes the release when nobody holds it. Returns the lease that holds the
    /// release afterwards: this session's, or another session's that was there first (left untouched).
    private static let holdScript = """
        local current = redis.call('GET', KEYS[1])
        if current == false or current == ARGV[1] then
          redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
          return ARGV[1]
        end
        return current
        """

    /// Deletes the lease only if it is still this session's value.
    private static let releaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """

    /// Takes or renews the lease of `releaseID` for this session. Returns who holds it now (this session, or the
    /// session that held it first: presence shows both reviewers nothing stops either).
    @discardableResult
    public func hold(_ releaseID: Int64, reviewer: String, session: String) throws -> PresenceLease? {
        let key = Self.key(of: releaseID)
        let mine = Self.value(reviewer: reviewer, session: session)
        let reply = try redis.command(key: key, ["EVAL", Self.holdScript, "1", key, mine, String(settings.ttlSeconds)])
        if let message = reply.errorMessage { throw RedisError.server(message) }
        guard let text = reply.lossyString else { return nil }
        return Self.parse(text, releaseID: releaseID, secondsLeft: text == mine ? settings.ttlSeconds : nil)
    }

    /// Deletes this session's lease of `releaseID`; true when there was one. Another session's lease stays.
    @discardableResult
    public func release(_ releaseID: Int64, reviewer: String, session: String) throws -> Bool {
        let key = Self.key(of: releaseID)
        let reply = try redis.command(key: key, ["EVAL", Self.releaseScript, "1", key,
                                                 Self.value(reviewer: reviewer, session: session)])
        if let message = reply.errorMessage { throw RedisError.server(message) }
        return (reply.int ?? 0) > 0
    }

    /// The leases of these releases (missing ones left out), one GET and one TTL per key, pipelined per node.
    public func leases(of releaseIDs: [Int64]) throws -> [Int64: PresenceLease] {
        let ids = Array(Set(releaseIDs)).sorted()
        guard !ids.isEmpty else { return [:] }
        let keys = ids.map(Self.key(of:))
        let commands: [[any RedisArgument]] = keys.map { ["GET", $0] } + keys.map { ["TTL", $0] }
        let replies = try redis.pipeline(routedBy: keys + keys, commands)
        var leases: [Int64: PresenceLease] = [:]
        for (index, id) in ids.enumerated() {
            guard let text = replies[index].lossyString else { continue }
            let ttl = replies[ids.count + index].int
            if let lease = Self.parse(text, releaseID: id, secondsLeft: ttl.flatMap { $0 >= 0 ? $0 : nil }) {
                leases[id] = lease
            }
        }
        return leases
    }

    /// Every lease, found by a `SCAN` over every master for our prefix (for `rotation presence list`; the console
    /// reads only the releases it shows). Ordered by release.
    public func allLeases() throws -> [PresenceLease] {
        var ids: [Int64] = []
        try redis.scanAllKeyBytes(match: Self.keyPrefix + "*", count: 1000, type: nil) { batch in
            ids += batch.compactMap { Self.releaseID(ofKey: String(decoding: $0, as: UTF8.self)) }
            return true
        }
        return try leases(of: ids).values.sorted { $0.releaseID < $1.releaseID }
    }
}
