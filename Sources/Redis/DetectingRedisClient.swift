import Synchronization

/// The client for a `REDIS_URL` as the programs get it: one server or any node(s) of a cluster, found out on first
/// use (`RedisDeployment.connect`), so making it never waits for a server and an unreachable Redis is reported by
/// the first command, as `RedisConnection(url:)` does. A failed detection is not remembered: the next command tries
/// again. Once known, every call goes to the `RedisConnection` or `RedisCluster` underneath.
public final class DetectingRedisClient: RedisClient {
    public let configurations: [RedisConfiguration]
    private let detected = Mutex<(any RedisClient)?>(nil)

    /// Parses the URL(s) now (a malformed one throws `invalidConfiguration`); connects on the first command.
    public convenience init(
        url: String, connectTimeout: Duration = RedisConfiguration.defaultTimeout,
        commandTimeout: Duration = RedisConfiguration.defaultTimeout
    ) throws {
        self.init(configurations: try RedisDeployment.configurations(
            url: url, connectTimeout: connectTimeout, commandTimeout: commandTimeout))
    }

    public init(configurations: [RedisConfiguration]) {
        precondition(!configurations.isEmpty, "DetectingRedisClient needs at least one configuration")
        self.configurations = configurations
    }

    /// The server or the cluster, detected now if not yet (waiting callers share one detection).
    public func client() throws -> any RedisClient {
        try detected.withLock { detected in
            if let detected { return detected }
            let made = try RedisDeployment.connect(configurations)
            detected = made
            return made
        }
    }

    @discardableResult
    public func command(key: String, _ arguments: [any RedisArgument]) throws -> RedisReply {
        try client().command(key: key, arguments)
    }

    @discardableResult
    public func commandOnAnyNode(_ arguments: [any RedisArgument]) throws -> RedisReply {
        try client().commandOnAnyNode(arguments)
    }

    public func pipeline(routedBy keys: [String], _ commands: [[any RedisArgument]]) throws -> [RedisReply] {
        try client().pipeline(routedBy: keys, commands)
    }

    public func get(_ key: String) throws -> String? { try client().get(key) }
    public func getBytes(_ key: String) throws -> [UInt8]? { try client().getBytes(key) }

    public func set(_ key: String, _ value: any RedisArgument, expireSeconds: Int?) throws {
        try client().set(key, value, expireSeconds: expireSeconds)
    }

    public func mget(_ keys: [String]) throws -> [String?] { try client().mget(keys) }

    @discardableResult
    public func unlink(_ keys: [String]) throws -> Int { try client().unlink(keys) }

    public func ttl(_ key: String) throws -> RedisTTL { try client().ttl(key) }

    @discardableResult
    public func scanAllKeyBytes(match: String?, count: Int?, type: String?, _ body: ([[UInt8]]) throws -> Bool) throws -> Bool {
        try client().scanAllKeyBytes(match: match, count: count, type: type, body)
    }

    public func dbsizeByNode() throws -> [(node: String, keys: Int)] { try client().dbsizeByNode() }

    public func infoByNode(sections: [String]) throws -> [(node: String, info: RedisInfo)] {
        try client().infoByNode(sections: sections)
    }

    /// Before a node has answered: the first URL's connection, whose first SCAN reports why Redis cannot be reached
    /// (an empty list would read as an empty keyspace).
    public func scanNodes() -> [RedisConnection] {
        (try? client())?.scanNodes() ?? [RedisConnection(configuration: configurations[0])]
    }

    public var isCluster: Bool { (try? client())?.isCluster ?? false }

    /// A client of its own to the same URL(s): its own connections, detected again on its first command.
    public func independentClient() -> any RedisClient { DetectingRedisClient(configurations: configurations) }
}
