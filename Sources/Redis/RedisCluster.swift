import Foundation
import Synchronization

/// A client for Redis Cluster, layered over `RedisConnection` (one connection per node, opened on first use).
/// Commands on a key go to the master serving the key's slot (`ClusterSlot`); the slot map comes from
/// `CLUSTER SLOTS` and is refreshed when a node answers `MOVED` (the slot moved for good) or cannot be reached.
/// `ASK` (a slot being migrated) is followed for that one command with `ASKING`. While a master fails over to its
/// replica, a command is retried against a refreshed map until `failoverTimeout` has passed, so reads and writes
/// survive a failover. Every node takes the configuration's password and user; the database must be 0 (a cluster
/// has no other). Safe to share between threads.
public final class RedisCluster: Sendable, CustomStringConvertible {
    /// The password, user and timeouts every node connection uses; its endpoint is the first seed.
    public let configuration: RedisConfiguration
    /// The nodes named at the start; asked for the slot map when no node of the map answers.
    public let seeds: [ClusterNode]
    /// How long a command keeps retrying while the cluster has no reachable master for its slot.
    public let failoverTimeout: Duration

    private struct State {
        var map = ClusterSlotMap()
        var connections: [ClusterNode: RedisConnection] = [:]
    }

    private let state = Mutex(State())
    /// Redirects followed for one command before giving up: a slot moves once per resharding step.
    private static let maximumRedirects = 16

    /// Creates the client from seed nodes and loads the slot map (so a wrong address or password is reported at
    /// once). `configuration` gives the first seed, the password and the timeouts; `otherSeeds` more nodes.
    public init(
        configuration: RedisConfiguration, otherSeeds: [ClusterNode] = [], failoverTimeout: Duration = .seconds(20)
    ) throws {
        guard case .tcp(let host, let port) = configuration.endpoint else {
            throw RedisError.invalidConfiguration("a Redis Cluster is reached over TCP, not a Unix socket")
        }
        guard configuration.database == 0 else {
            throw RedisError.invalidConfiguration("a Redis Cluster has only database 0, not \(configuration.database)")
        }
        self.configuration = configuration
        var seeds = [ClusterNode(host: host, port: port)]
        for seed in otherSeeds where !seeds.contains(seed) { seeds.append(seed) }
        self.seeds = seeds
        self.failoverTimeout = failoverTimeout
        try refreshSlotMap()
    }

    public var description: String { "RedisCluster(\(configuration.redacted), \(seeds.count) seed(s))" }

    /// The slot map as last loaded.
    public var slotMap: ClusterSlotMap { state.withLock { $0.map } }

    /// The masters serving slots now.
    public var masters: [ClusterNode] { state.withLock { $0.map.masters } }

    /// The connection to `node` (created on first use, without connecting).
    public func connection(to node: ClusterNode) -> RedisConnection {
        state.withLock { state in
            if let known = state.connections[node] { return known }
            var nodeConfiguration = configuration
            nodeConfiguration.endpoint = .tcp(host: node.host, port: node.port)
            let made = RedisConnection(configuration: nodeConfiguration)
            state.connections[node] = made
            return made
        }
    }

    /// Reloads the slot map from the first node that answers `CLUSTER SLOTS` with every slot served: the masters
    /// and replicas of the current map, then the seeds. When none has a full map, keeps the most complete one
    /// and throws only when no node answered at all.
    public func refreshSlotMap() throws {
        let known = state.withLock { $0.map.allNodes }
        var candidates: [ClusterNode] = []
        for node in known + seeds where !candidates.contains(node) { candidates.append(node) }
        var partial: ClusterSlotMap?
        var lastError: RedisError?
        for node in candidates {
            do {
                let reply = try connection(to: node).command("CLUSTER", "SLOTS")
                let map = try ClusterSlotMap(clusterSlotsReply: reply, answeredBy: node)
                if map.coversEverySlot {
                    state.withLock { $0.map = map }
                    return
                }
                if partial == nil || map.masters.count > partial!.masters.count { partial = map }
            } catch let error as RedisError {
                if case .authenticationFailed = error { throw error }
                lastError = error
            }
        }
        if let partial {
            state.withLock { $0.map = partial }
            return
        }
        throw lastError ?? RedisError.connectionRefused("no cluster node to ask for the slot map")
    }

    // MARK: Commands by key

    /// Runs a command on the master serving `key`'s slot, following `MOVED` and `ASK`, and retrying through a
    /// failover. Error replies other than redirects throw `RedisError.server`. After a connection broke mid-way a
    /// command is sent again (it may run twice): the product's cache commands (GET, SET with a value, UNLINK,
    /// EXPIRE, TTL) give the same result when repeated.
    @discardableResult
    public func command(key: String, _ arguments: [any RedisArgument]) throws -> RedisReply {
        try command(slot: ClusterSlot.of(key), arguments)
    }

    /// `command(key:_:)` for a slot computed by the caller (every key of a multi-key command must share it).
    @discardableResult
    public func command(slot: Int, _ arguments: [any RedisArgument]) throws -> RedisReply {
        let clock = ContinuousClock()
        let deadline = clock.now + failoverTimeout
        var pause: Duration = .milliseconds(50)
        var redirects = 0
        var askTarget: ClusterNode?
        while true {
            let node: ClusterNode
            if let askTarget {
                node = askTarget
            } else if let master = state.withLock({ $0.map.master(ofSlot: slot) }) {
                node = master
            } else {
                try waitOrGiveUp(until: deadline, pause: &pause, because: .server("CLUSTERDOWN no node serves slot \(slot)"))
                continue
            }
            let reply: RedisReply
            do {
                let connection = connection(to: node)
                if askTarget != nil {
                    let replies = try connection.pipeline([["ASKING"], arguments])
                    reply = replies[1]
                } else {
                    reply = try connection.send(arguments)
                }
            } catch let error as RedisError where error.isConnectionProblem {
                askTarget = nil
                try waitOrGiveUp(until: deadline, pause: &pause, because: error)
                continue
            }
            askTarget = nil
            guard case .error(let message) = reply else { return reply }
            if let redirect = Redirect(message) {
                redirects += 1
                guard redirects <= Self.maximumRedirects else {
                    throw RedisError.server("too many cluster redirects for slot \(slot): \(message)")
                }
                switch redirect {
                case .moved(let movedSlot, let target):
                    state.withLock { $0.map.move(slot: movedSlot, to: target) }
                    // One moved slot usually means a resharding or a failover: learn the rest of it too.
                    try? refreshSlotMap()
                    state.withLock { $0.map.move(slot: movedSlot, to: target) }
                case .ask(_, let target):
                    askTarget = target
                }
                continue
            }
            if message.hasPrefix("TRYAGAIN") || message.hasPrefix("CLUSTERDOWN") || message.hasPrefix("LOADING")
                || message.hasPrefix("READONLY") || message.hasPrefix("MASTERDOWN")
            {
                try waitOrGiveUp(until: deadline, pause: &pause, because: .server(message))
                continue
            }
            throw RedisError.server(message)
        }
    }

    /// Sleeps before another try and refreshes the slot map, or throws `error` when the deadline has passed.
    private func waitOrGiveUp(until deadline: ContinuousClock.Instant, pause: inout Duration, because error: RedisError)
        throws
    {
        let clock = ContinuousClock()
        guard clock.now + pause < deadline else { throw error }
        Thread.sleep(forTimeInterval: Double(pause.components.attoseconds) / 1e18 + Double(pause.components.seconds))
        pause = min(pause * 2, .milliseconds(500))
        try? refreshSlotMap()
    }

    /// A redirect reply: `MOVED 3999 127.0.0.1:6381` or `ASK 3999 127.0.0.1:6381`.
    enum Redirect: Equatable {
        case moved(slot: Int, to: ClusterNode)
        case ask(slot: Int, to: ClusterNode)

        init?(_ message: String) {
            let parts = message.split(separator: " ")
            guard parts.count == 3, let slot = Int(parts[1]), (0..<ClusterSlot.count).contains(slot),
                let node = ClusterNode(address: String(parts[2]))
            else { return nil }
            switch parts[0] {
            case "MOVED": self = .moved(slot: slot, to: node)
            case "ASK": self = .ask(slot: slot, to: node)
            default: return nil
            }
        }
    }

    // MARK: Work over every master

    /// Runs `body` once per master serving slots, in map order, with that master's connection.
    public func forEachMaster<Result>(_ body: (ClusterNode, RedisConnection) throws -> Result) throws
        -> [(node: ClusterNode, result: Result)]
    {
        var results: [(node: ClusterNode, result: Result)] = []
        for node in masters { results.append((node, try body(node, connection(to: node)))) }
        return results
    }

    /// Runs one command per key (`arguments(index)` for `keys[index]`), grouped by the master of each key's slot: one pipeline per master, the keys of
    /// a slot together. A key whose reply is a redirect or whose node failed is retried alone through
    /// `command(slot:_:)`. Returns the replies in the order of `keys`; error replies stay in place.
    func perKey(_ keys: [String], _ arguments: (Int) -> [any RedisArgument]) throws -> [RedisReply] {
        var replies = [RedisReply](repeating: .null, count: keys.count)
        let slots = keys.map(ClusterSlot.of)
        var retry: [Int] = []
        for (node, indices) in groupByMaster(Array(keys.indices), slot: { slots[$0] }, retry: &retry) {
            let sorted = indices.sorted { slots[$0] < slots[$1] }
            do {
                let answered = try connection(to: node).pipeline(sorted.map { arguments($0) })
                for (index, reply) in zip(sorted, answered) {
                    if let message = reply.errorMessage, Self.needsRouting(message) {
                        retry.append(index)
                    } else {
                        replies[index] = reply
                    }
                }
            } catch let error as RedisError where error.isConnectionProblem {
                retry += sorted
            }
        }
        for index in retry {
            do {
                replies[index] = try command(slot: slots[index], arguments(index))
            } catch RedisError.server(let message) {
                replies[index] = .error(message)
            }
        }
        return replies
    }

    /// Groups items by the master serving their slot; items of unserved slots go to `retry`.
    private func groupByMaster(_ items: [Int], slot: (Int) -> Int, retry: inout [Int]) -> [(ClusterNode, [Int])] {
        let map = slotMap
        var groups: [ClusterNode: [Int]] = [:]
        var order: [ClusterNode] = []
        for item in items {
            guard let master = map.master(ofSlot: slot(item)) else { retry.append(item); continue }
            if groups[master] == nil { order.append(master) }
            groups[master, default: []].append(item)
        }
        return order.map { ($0, groups[$0]!) }
    }

    private static func needsRouting(_ message: String) -> Bool {
        Redirect(message) != nil || message.hasPrefix("TRYAGAIN") || message.hasPrefix("CLUSTERDOWN")
            || message.hasPrefix("LOADING")
    }
}
