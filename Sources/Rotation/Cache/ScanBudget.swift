import Foundation
import Redis

/// How much of the keyspace one step of a cache browse, clear preview or clear may walk before it hands back what
/// it found: the one home for that bound. On a shared Redis where `match:*` keys are few among millions of others,
/// an unbounded "SCAN until I have a page" walks the whole keyspace; a step instead stops after `callsPerStep`
/// SCAN calls and returns a cursor to resume from.
public struct ScanBudget: Sendable, Equatable {
    /// SCAN calls one step may make.
    public var callsPerStep: Int
    /// The `COUNT` hint of each call: about how many keys the server examines per call.
    public var countPerCall: Int

    public init(callsPerStep: Int, countPerCall: Int) {
        self.callsPerStep = max(1, callsPerStep)
        self.countPerCall = max(1, countPerCall)
    }

    /// 20 calls of `COUNT 1000`: about 20,000 keys examined per step, 20-30 ms of Redis time (DESIGN's 1 ms per
    /// `SCAN ... COUNT 1000`; 1.5 ms measured at 2.1M keys), short enough that a stop between steps answers at once.
    public static let standard = ScanBudget(callsPerStep: 20, countPerCall: 1000)

    /// The cache browser's page: 50 calls of `COUNT 200`, about 10,000 keys examined, so a page of a keyspace
    /// made of `match:*` keys stops near its 100 keys after a call or two, and a page of a keyspace where they are
    /// rare stops after about 10 ms of Redis time with what it found (maybe nothing) and where to go on.
    public static let browse = ScanBudget(callsPerStep: 50, countPerCall: 200)

    /// About how many keys one step examines.
    public var keysPerStep: Int { callsPerStep * countPerCall }
}

/// Where a bounded walk of the keyspace stands: the SCAN cursor to resume from and about how many keys were
/// examined so far (calls times `COUNT`, capped at the keyspace's size; exact once the walk is complete). On a
/// cluster the walk visits the masters one after the other (`RedisClient.scanNodes()`); `node` says which.
public struct ScanPosition: Codable, Sendable, Equatable {
    public var cursor: UInt64
    public var examined: Int
    /// The SCAN came back to cursor 0 (on the last master): every key present for the whole walk was seen.
    public var complete: Bool
    /// The index of the cluster master being walked; always 0 on one server.
    public var node: Int

    public init(cursor: UInt64 = 0, examined: Int = 0, complete: Bool = false, node: Int = 0) {
        self.cursor = cursor
        self.examined = examined
        self.complete = complete
        self.node = node
    }

    public static let start = ScanPosition()

    /// The opaque resume token a page hands out ("cursor:examined", "node/cursor:examined" past a cluster's first
    /// master); nil once the walk is complete.
    public var token: String? { complete ? nil : (node == 0 ? "" : "\(node)/") + "\(cursor):\(examined)" }

    /// Reads a token from `token`; nil for text that is not one (a caller's typo is refused, not read as "start").
    public init?(token: String) {
        var rest = Substring(token)
        var node = 0
        if let slash = rest.firstIndex(of: "/") {
            guard let parsed = Int(rest[..<slash]), parsed > 0 else { return nil }
            node = parsed
            rest = rest[rest.index(after: slash)...]
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let cursor = UInt64(parts[0]), let examined = Int(parts[1]), examined >= 0 else { return nil }
        self.init(cursor: cursor, examined: examined, node: node)
    }

    private enum CodingKeys: String, CodingKey { case cursor, examined, complete, node }

    /// `node` is written only past a cluster's first master, so one server's positions read as they always did.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cursor, forKey: .cursor)
        try container.encode(examined, forKey: .examined)
        try container.encode(complete, forKey: .complete)
        if node != 0 { try container.encode(node, forKey: .node) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cursor = try container.decode(UInt64.self, forKey: .cursor)
        examined = try container.decode(Int.self, forKey: .examined)
        complete = try container.decode(Bool.self, forKey: .complete)
        node = try container.decodeIfPresent(Int.self, forKey: .node) ?? 0
    }
}

/// How far a bounded walk got, for a progress line ("scanned 120k of 2.1M keys · 14 match keys").
public struct ScanProgress: Codable, Sendable, Equatable {
    /// Keys examined so far (about; exact when complete).
    public var examined: Int
    /// The keyspace's size (`DBSIZE`) when the last step ran.
    public var totalKeys: Int
    /// Keys of interest found so far (`match:*` keys, or the keys a preview counted).
    public var found: Int
    public var complete: Bool

    public init(examined: Int, totalKeys: Int, found: Int, complete: Bool) {
        self.examined = examined
        self.totalKeys = totalKeys
        self.found = found
        self.complete = complete
    }
}

/// What one bounded step found.
public struct ScanStep: Sendable, Equatable {
    public var keys: [String]
    /// SCAN calls this step made (at most the budget's `callsPerStep`).
    public var calls: Int
    /// Where the next step resumes.
    public var position: ScanPosition
    /// `DBSIZE` when the step ran.
    public var totalKeys: Int
}

/// Walks keys matching `pattern` with `SCAN ... MATCH ... COUNT`, one budgeted step at a time (never `KEYS`); on a
/// cluster, every master in turn.
public struct BoundedKeyScan: Sendable {
    public let redis: any RedisClient
    public var pattern: String
    public var budget: ScanBudget

    public init(redis: any RedisClient, pattern: String = "match:*", budget: ScanBudget = .standard) {
        self.redis = redis
        self.pattern = pattern
        self.budget = budget
    }

    /// SCAN calls from `position` until the budget is spent, `enough` keys are found, the walk completes, or
    /// `stop` is tripped (checked before every call, so a stop answers within one call).
    public func step(from position: ScanPosition, enough: Int = .max, stop: StopSignal? = nil) throws -> ScanStep {
        let total = try redis.totalKeys()
        guard !position.complete else { return ScanStep(keys: [], calls: 0, position: position, totalKeys: total) }
        let nodes = redis.scanNodes()
        var node = position.node
        guard node < nodes.count else {
            throw RedisError.protocolError("the scan position names master \(node + 1) of \(nodes.count)")
        }
        var cursor = position.cursor
        var examined = position.examined
        var keys: [String] = []
        var calls = 0
        var complete = false
        while calls < budget.callsPerStep, keys.count < enough, stop?.isStopRequested != true {
            let page = try nodes[node].scan(cursor: cursor, match: pattern, count: budget.countPerCall)
            calls += 1
            keys += page.keyStrings
            examined += budget.countPerCall
            cursor = page.cursor
            if cursor == 0 {
                guard node + 1 < nodes.count else { complete = true; break }
                node += 1
            }
        }
        // The server examines about COUNT keys per call; never claim more than there are.
        examined = complete ? max(total, position.examined) : min(examined, max(total, position.examined))
        return ScanStep(keys: keys, calls: calls, position: ScanPosition(cursor: cursor, examined: examined, complete: complete, node: complete ? 0 : node),
                        totalKeys: total)
    }
}
