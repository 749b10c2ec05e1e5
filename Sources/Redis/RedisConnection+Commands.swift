/// Typed helpers for the commands the match service, the cache panes and the admin clears use. Each is one
/// argv command; anything else goes through `command(...)`.
extension RedisConnection {
    /// `GET`: the value as text (invalid UTF-8 replaced by U+FFFD), nil when the key does not exist.
    public func get(_ key: String) throws -> String? {
        try command("GET", key).lossyString
    }

    /// `GET`: the value's exact bytes, nil when the key does not exist.
    public func getBytes(_ key: String) throws -> [UInt8]? {
        try command("GET", key).bytes
    }

    /// `MGET`: one value per key, in order, nil for missing keys (and for keys holding a non-string type).
    public func mget(_ keys: [String]) throws -> [String?] {
        guard !keys.isEmpty else { return [] }
        let reply = try command(["MGET"] + keys.map { $0 as any RedisArgument })
        guard let elements = reply.array, elements.count == keys.count else {
            throw RedisError.protocolError("MGET returned \(reply.array?.count ?? 0) values for \(keys.count) keys")
        }
        return elements.map(\.lossyString)
    }

    /// `SET key value [EX seconds]`. `expireSeconds` must be positive when given.
    public func set(_ key: String, _ value: any RedisArgument, expireSeconds: Int? = nil) throws {
        if let expireSeconds {
            guard expireSeconds > 0 else {
                throw RedisError.protocolError("SET needs a positive expiry, got \(expireSeconds)")
            }
            try command("SET", key, value, "EX", expireSeconds)
        } else {
            try command("SET", key, value)
        }
    }

    /// `UNLINK` (non-blocking delete): how many of the keys existed. No command is sent for an empty list.
    @discardableResult
    public func unlink(_ keys: [String]) throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return try integerReply(["UNLINK"] + keys.map { $0 as any RedisArgument }, "UNLINK")
    }

    /// `EXPIRE`: true when the key exists and now expires in `seconds`.
    @discardableResult
    public func expire(_ key: String, seconds: Int) throws -> Bool {
        try integerReply(["EXPIRE", key, seconds], "EXPIRE") == 1
    }

    /// `TTL`, with its special values turned into cases.
    public func ttl(_ key: String) throws -> RedisTTL {
        let seconds = try integerReply(["TTL", key], "TTL")
        switch seconds {
        case -2: return .missing
        case -1: return .persistent
        default: return .expiresIn(seconds: seconds)
        }
    }

    /// `DBSIZE`: keys in the selected database (O(1)).
    public func dbsize() throws -> Int {
        try integerReply(["DBSIZE"], "DBSIZE")
    }

    /// `PING`; returns the round trip as this client saw it (including a reconnect, if one was needed).
    @discardableResult
    public func ping() throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        let reply = try command("PING")
        let elapsed = clock.now - start
        guard reply.string == "PONG" else { throw RedisError.protocolError("PING answered \(reply)") }
        return elapsed
    }

    /// `PUBLISH`: how many subscribers received the message.
    @discardableResult
    public func publish(_ channel: String, _ message: any RedisArgument) throws -> Int {
        try integerReply(["PUBLISH", channel, message], "PUBLISH")
    }

    /// `EXISTS key`.
    public func exists(_ key: String) throws -> Bool {
        try integerReply(["EXISTS", key], "EXISTS") > 0
    }

    /// `EXISTS k1 k2 ...`: how many of the keys exist (a key named twice counts twice).
    public func exists(_ keys: [String]) throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return try integerReply(["EXISTS"] + keys.map { $0 as any RedisArgument }, "EXISTS")
    }

    /// `INFO [section]`: nil asks for the default sections; `"all"` or `"everything"` include `commandstats`.
    public func info(section: String? = nil) throws -> RedisInfo {
        try info(sections: section.map { [$0] } ?? [])
    }

    /// `INFO s1 s2 ...` (several sections need Redis 7).
    public func info(sections: [String]) throws -> RedisInfo {
        let reply = try command(["INFO"] + sections.map { $0 as any RedisArgument })
        guard let text = reply.lossyString else { throw RedisError.protocolError("INFO answered \(reply)") }
        return RedisInfo(parsing: text)
    }

    /// `INFO` of the sections when the server takes several at once (Redis 7), else its default set (older
    /// servers, and hosted ones that refuse section arguments).
    public func info(sectionsOrDefault sections: [String]) throws -> RedisInfo {
        do {
            return try info(sections: sections)
        } catch let error as RedisError where !error.isConnectionProblem && sections.count > 1 {
            return try info()
        }
    }

    /// One `SCAN` step. Start with cursor 0 and continue with the returned cursor until it is 0 again.
    /// `count` is a hint for how much work the server does per step, not a number of keys.
    public func scan(cursor: UInt64 = 0, match: String? = nil, count: Int? = nil, type: String? = nil) throws
        -> RedisScanPage
    {
        var arguments: [any RedisArgument] = ["SCAN", cursor]
        if let match { arguments += ["MATCH", match] }
        if let count { arguments += ["COUNT", count] }
        if let type { arguments += ["TYPE", type] }
        let reply = try command(arguments)
        guard let parts = reply.array, parts.count == 2, let cursorText = parts[0].string,
            let next = UInt64(cursorText), let keys = parts[1].array
        else { throw RedisError.protocolError("SCAN answered a reply of the wrong shape") }
        return RedisScanPage(cursor: next, keys: try keys.map {
            guard let bytes = $0.bytes else {
                throw RedisError.protocolError("SCAN returned a key that is not a string")
            }
            return bytes
        })
    }

    /// Walks the whole keyspace with `SCAN`, handing each non-empty batch of keys to `body`; `body` returns
    /// false to stop. Returns true when the scan completed. The connection is free between steps, so `body` may
    /// use it (for example to `UNLINK` the batch). As with any SCAN, a key present for the whole walk is seen at
    /// least once; keys added or removed meanwhile may or may not be.
    @discardableResult
    public func scanAll(
        match: String? = nil, count: Int? = 1000, type: String? = nil, _ body: ([String]) throws -> Bool
    ) throws -> Bool {
        try scanAllKeyBytes(match: match, count: count, type: type) { batch in
            try body(batch.map { String(decoding: $0, as: UTF8.self) })
        }
    }

    /// `scanAll` with keys as exact bytes, for keyspaces that may hold binary keys.
    @discardableResult
    public func scanAllKeyBytes(
        match: String? = nil, count: Int? = 1000, type: String? = nil, _ body: ([[UInt8]]) throws -> Bool
    ) throws -> Bool {
        var cursor: UInt64 = 0
        repeat {
            let page = try scan(cursor: cursor, match: match, count: count, type: type)
            if !page.keys.isEmpty, try !body(page.keys) { return false }
            cursor = page.cursor
        } while cursor != 0
        return true
    }

    private func integerReply(_ arguments: [any RedisArgument], _ name: String) throws -> Int {
        let reply = try command(arguments)
        guard case .integer(let value) = reply else {
            throw RedisError.protocolError("\(name) answered \(reply) instead of an integer")
        }
        return value
    }
}

/// The remaining lifetime of a key, as `TTL` reports it.
public enum RedisTTL: Sendable, Equatable {
    /// The key does not exist.
    case missing
    /// The key exists and never expires.
    case persistent
    case expiresIn(seconds: Int)

    /// The seconds left, nil for a missing or persistent key.
    public var seconds: Int? {
        if case .expiresIn(let seconds) = self { return seconds }
        return nil
    }
}
