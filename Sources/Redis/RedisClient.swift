/// What the Rotation code asks of Redis, the same for one server (`RedisConnection`) and a cluster
/// (`RedisCluster`): commands by key routed to the key's master, multi-key work grouped by node and slot, SCAN
/// over every master, and `INFO` / `DBSIZE` per master (summed where a single figure is wanted).
public protocol RedisClient: AnyObject, Sendable {
    /// Runs a command whose keys all share `key`'s slot, on the node serving it.
    @discardableResult
    func command(key: String, _ arguments: [any RedisArgument]) throws -> RedisReply
    /// Runs a command that names no key (`PING`, `INFO`) on one node: the server, or a cluster's first master.
    @discardableResult
    func commandOnAnyNode(_ arguments: [any RedisArgument]) throws -> RedisReply

    /// Sends `commands[i]` (whose keys share `keys[i]`'s slot) for every i: one pipeline, or on a cluster one
    /// per master. Replies come back in order, error replies in place; a connection failure throws.
    func pipeline(routedBy keys: [String], _ commands: [[any RedisArgument]]) throws -> [RedisReply]

    func get(_ key: String) throws -> String?
    /// The value's exact bytes, nil when the key does not exist.
    func getBytes(_ key: String) throws -> [UInt8]?
    func set(_ key: String, _ value: any RedisArgument, expireSeconds: Int?) throws
    /// One value per key, in order, nil for missing keys.
    func mget(_ keys: [String]) throws -> [String?]
    /// `UNLINK`s the keys (grouped by node and slot on a cluster); how many existed.
    @discardableResult
    func unlink(_ keys: [String]) throws -> Int
    func ttl(_ key: String) throws -> RedisTTL

    /// Walks every master's keyspace with `SCAN`, handing each non-empty batch to `body` (false stops).
    /// Returns true when every master's scan completed.
    @discardableResult
    func scanAllKeyBytes(match: String?, count: Int?, type: String?, _ body: ([[UInt8]]) throws -> Bool) throws -> Bool
    /// `DBSIZE` of each master, by node address (`host:port`, or the socket path).
    func dbsizeByNode() throws -> [(node: String, keys: Int)]
    /// `INFO` of each master, by node address.
    func infoByNode(sections: [String]) throws -> [(node: String, info: RedisInfo)]
    /// The connections a keyspace walk visits, one after the other: the server's, or every master's in slot order.
    func scanNodes() -> [RedisConnection]
    /// True for a cluster.
    var isCluster: Bool { get }
    /// Another client to the same deployment with connections of its own, for work that must not wait behind this
    /// client's commands (a background scan beside the stats pane's `INFO`).
    func independentClient() -> any RedisClient
}

extension RedisClient {
    /// Keys summed over the masters.
    public func totalKeys() throws -> Int {
        try dbsizeByNode().reduce(0) { $0 + $1.keys }
    }
}

extension RedisConnection: RedisClient {
    @discardableResult
    public func command(key: String, _ arguments: [any RedisArgument]) throws -> RedisReply {
        try command(arguments)
    }

    @discardableResult
    public func commandOnAnyNode(_ arguments: [any RedisArgument]) throws -> RedisReply {
        try command(arguments)
    }

    public func pipeline(routedBy keys: [String], _ commands: [[any RedisArgument]]) throws -> [RedisReply] {
        guard keys.count == commands.count else {
            throw RedisError.protocolError("\(commands.count) commands routed by \(keys.count) keys")
        }
        return try pipeline(commands)
    }

    public func dbsizeByNode() throws -> [(node: String, keys: Int)] {
        [(configuration.endpointDescription, try dbsize())]
    }

    public func infoByNode(sections: [String]) throws -> [(node: String, info: RedisInfo)] {
        [(configuration.endpointDescription, try info(sectionsOrDefault: sections))]
    }

    public func scanNodes() -> [RedisConnection] { [self] }

    public var isCluster: Bool { false }

    public func independentClient() -> any RedisClient { RedisConnection(configuration: configuration) }
}

extension RedisCluster: RedisClient {
    @discardableResult
    public func commandOnAnyNode(_ arguments: [any RedisArgument]) throws -> RedisReply {
        guard let node = masters.first else { throw RedisError.server("CLUSTERDOWN no master serves slots") }
        return try connection(to: node).command(arguments)
    }

    public func pipeline(routedBy keys: [String], _ commands: [[any RedisArgument]]) throws -> [RedisReply] {
        guard keys.count == commands.count else {
            throw RedisError.protocolError("\(commands.count) commands routed by \(keys.count) keys")
        }
        return try perKey(keys) { commands[$0] }
    }

    public func get(_ key: String) throws -> String? {
        try command(key: key, ["GET", key]).lossyString
    }

    public func getBytes(_ key: String) throws -> [UInt8]? {
        try command(key: key, ["GET", key]).bytes
    }

    public func set(_ key: String, _ value: any RedisArgument, expireSeconds: Int? = nil) throws {
        if let expireSeconds {
            guard expireSeconds > 0 else {
                throw RedisError.protocolError("SET needs a positive expiry, got \(expireSeconds)")
            }
            try command(key: key, ["SET", key, value, "EX", expireSeconds])
        } else {
            try command(key: key, ["SET", key, value])
        }
    }

    /// One `GET` per key, pipelined per master (an `MGET` cannot span slots).
    public func mget(_ keys: [String]) throws -> [String?] {
        try perKey(keys) { ["GET", keys[$0]] }.map { reply in
            if let message = reply.errorMessage, !message.hasPrefix("WRONGTYPE") { throw RedisError.server(message) }
            return reply.lossyString
        }
    }

    /// One `UNLINK` per slot, pipelined per master.
    @discardableResult
    public func unlink(_ keys: [String]) throws -> Int {
        guard !keys.isEmpty else { return 0 }
        var bySlot: [Int: [String]] = [:]
        for key in keys { bySlot[ClusterSlot.of(key), default: []].append(key) }
        let map = slotMap
        var byMaster: [ClusterNode: [Int]] = [:]
        var unserved: [Int] = []
        for slot in bySlot.keys.sorted() {
            if let master = map.master(ofSlot: slot) { byMaster[master, default: []].append(slot) } else { unserved.append(slot) }
        }
        var removed = 0
        var retry = unserved
        for (node, slots) in byMaster {
            do {
                let replies = try connection(to: node).pipeline(slots.map { ["UNLINK"] + bySlot[$0]!.map { $0 as any RedisArgument } })
                for (slot, reply) in zip(slots, replies) {
                    if case .integer(let count) = reply { removed += count } else { retry.append(slot) }
                }
            } catch let error as RedisError where error.isConnectionProblem {
                retry += slots
            }
        }
        for slot in retry {
            let reply = try command(slot: slot, ["UNLINK"] + bySlot[slot]!.map { $0 as any RedisArgument })
            removed += reply.int ?? 0
        }
        return removed
    }

    public func ttl(_ key: String) throws -> RedisTTL {
        guard case .integer(let seconds) = try command(key: key, ["TTL", key]) else {
            throw RedisError.protocolError("TTL answered a reply that is not an integer")
        }
        switch seconds {
        case -2: return .missing
        case -1: return .persistent
        default: return .expiresIn(seconds: seconds)
        }
    }

    /// SCAN over every master in turn, a cursor per master (replicas hold copies, so they are skipped).
    @discardableResult
    public func scanAllKeyBytes(
        match: String? = nil, count: Int? = 1000, type: String? = nil, _ body: ([[UInt8]]) throws -> Bool
    ) throws -> Bool {
        for node in masters {
            let completed = try connection(to: node).scanAllKeyBytes(match: match, count: count, type: type, body)
            if !completed { return false }
        }
        return true
    }

    public func dbsizeByNode() throws -> [(node: String, keys: Int)] {
        try forEachMaster { _, connection in try connection.dbsize() }.map { ($0.node.address, $0.result) }
    }

    public func infoByNode(sections: [String]) throws -> [(node: String, info: RedisInfo)] {
        try forEachMaster { _, connection in try connection.info(sectionsOrDefault: sections) }.map { ($0.node.address, $0.result) }
    }

    public func scanNodes() -> [RedisConnection] { masters.map { connection(to: $0) } }

    public var isCluster: Bool { true }

    /// The cluster's node connections serve a background scan too: each runs one command at a time.
    public func independentClient() -> any RedisClient { self }
}
