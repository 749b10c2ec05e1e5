import Redis

/// What the test suites ask of their Redis beyond `RedisClient`, the same for one server and a cluster, so a test
/// written against `TestEnvironment.redisURL()` runs unchanged under `ROTATION_TEST_REDIS=cluster`: multi-key work
/// is split by key (a cluster refuses a command whose keys span slots) and counts are summed over the masters.
extension DetectingRedisClient {
    public func exists(_ key: String) throws -> Bool { try exists([key]) == 1 }

    /// How many of `keys` exist.
    public func exists(_ keys: [String]) throws -> Int {
        try pipeline(routedBy: keys, keys.map { ["EXISTS", $0] }).reduce(0) { $0 + ($1.int ?? 0) }
    }

    /// A value without expiry.
    public func set(_ key: String, _ value: any RedisArgument) throws {
        try set(key, value, expireSeconds: nil)
    }

    /// Keys summed over the masters.
    public func dbsize() throws -> Int { try totalKeys() }

    /// `INFO section` of the first master (on one server, the server's).
    public func info(section: String) throws -> RedisInfo {
        guard let first = try infoByNode(sections: [section]).first else {
            throw RedisError.protocolError("no Redis node answered INFO")
        }
        return first.info
    }

    /// A command routed by its first argument after the name (its key), or to any node when it names none.
    @discardableResult
    public func command(_ arguments: any RedisArgument...) throws -> RedisReply {
        try command(arguments)
    }

    @discardableResult
    public func command(_ arguments: [any RedisArgument]) throws -> RedisReply {
        guard arguments.count > 1, let key = Self.key(of: arguments) else { return try commandOnAnyNode(arguments) }
        return try command(key: key, arguments)
    }

    /// Commands of one key each, routed by it (one pipeline per master on a cluster).
    public func pipeline(_ commands: [[any RedisArgument]]) throws -> [RedisReply] {
        try pipeline(routedBy: commands.map { Self.key(of: $0) ?? "" }, commands)
    }

    /// Every master's keyspace, as `RedisConnection.scanAll` walks one server's.
    @discardableResult
    public func scanAll(match: String? = nil, count: Int? = 1000, _ body: ([String]) throws -> Bool) throws -> Bool {
        try scanAllKeyBytes(match: match, count: count, type: nil) { batch in
            try body(batch.map { String(decoding: $0, as: UTF8.self) })
        }
    }

    /// `FLUSHDB` on every master.
    public func flushEveryMaster() throws {
        for node in try client().scanNodes() { try node.command("FLUSHDB") }
    }

    private static func key(of command: [any RedisArgument]) -> String? {
        guard command.count > 1 else { return nil }
        var bytes: [UInt8] = []
        command[1].appendRedisBytes(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
