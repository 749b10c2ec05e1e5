/// Which of Redis Cluster's 16384 hash slots a key belongs to, by the cluster specification: CRC16 (XMODEM:
/// polynomial 0x1021, initial value 0) of the key, or of its hash tag, modulo 16384. A hash tag is the text
/// between the first `{` and the first `}` after it, when that text is not empty: `match:{123}:0` and
/// `match:{123}:1` share a slot.
public enum ClusterSlot {
    public static let count = 16384

    /// The slot of a key given as text (its UTF-8 bytes).
    public static func of(_ key: String) -> Int {
        of(bytes: Array(key.utf8))
    }

    /// The slot of a key given as bytes (keys may be binary).
    public static func of(bytes key: [UInt8]) -> Int {
        Int(crc16(hashedPart(of: key)[...]) & 0x3FFF)
    }

    /// The bytes the slot is computed from: the hash tag when there is a non-empty one, else the whole key.
    static func hashedPart(of key: [UInt8]) -> ArraySlice<UInt8> {
        guard let open = key.firstIndex(of: UInt8(ascii: "{")),
            let close = key[(open + 1)...].firstIndex(of: UInt8(ascii: "}")),
            close > open + 1
        else { return key[...] }
        return key[(open + 1)..<close]
    }

    /// CRC16-CCITT (XMODEM), as Redis Cluster computes it: CRC16("123456789") == 0x31C3.
    public static func crc16(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
        }
        return crc
    }

    private static let table: [UInt16] = (0..<256).map { index in
        var crc = UInt16(index) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }
}

/// A node of a cluster as the slot map names it: its address and, when known, its node id.
public struct ClusterNode: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var id: String?

    public init(host: String, port: Int, id: String? = nil) {
        self.host = host
        self.port = port
        self.id = id
    }

    /// `host:port`, the form Redis uses in MOVED / ASK replies; also the key nodes are told apart by.
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    public var description: String { address }

    /// Parses `host:port` (the last colon separates the port, so IPv6 hosts work, bracketed or not).
    public init?(address: String) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (1...65535).contains(port)
        else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }

    /// The same node whatever its id says (the id is unknown in a redirect): host and port, as `address` shows them.
    public static func == (left: ClusterNode, right: ClusterNode) -> Bool { left.port == right.port && left.host == right.host }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(host)
        hasher.combine(port)
    }
}

/// Which master serves each slot, and the replicas behind it, as `CLUSTER SLOTS` reported it.
public struct ClusterSlotMap: Sendable, Equatable {
    /// One entry per slot: the index into `shards` of the shard serving it, nil while no node serves it.
    private var shardOfSlot: [Int?]
    /// Each shard: its master and its replicas.
    public private(set) var shards: [(master: ClusterNode, replicas: [ClusterNode])]
    /// Every master that serves at least one slot, in the order the map lists them; kept with the map, since the
    /// stats and every walk over the masters ask for it (finding it means reading all 16,384 slots).
    public private(set) var masters: [ClusterNode] = []

    public init() {
        shardOfSlot = Array(repeating: nil, count: ClusterSlot.count)
        shards = []
    }

    private mutating func updateMasters() {
        var serving = [Bool](repeating: false, count: shards.count)
        for shard in shardOfSlot { if let shard { serving[shard] = true } }
        masters = shards.indices.filter { serving[$0] }.map { shards[$0].master }
    }

    public static func == (left: ClusterSlotMap, right: ClusterSlotMap) -> Bool {
        left.shardOfSlot == right.shardOfSlot && left.shards.map(\.master) == right.shards.map(\.master)
            && left.shards.map(\.replicas) == right.shards.map(\.replicas)
    }

    /// Parses a `CLUSTER SLOTS` reply: `[[start, end, [host, port, id, ...], [replica host, port, id, ...], ...]]`.
    /// An empty host means the node that answered (`answeredBy`).
    public init(clusterSlotsReply reply: RedisReply, answeredBy: ClusterNode) throws {
        self.init()
        guard let ranges = reply.array else {
            throw RedisError.protocolError("CLUSTER SLOTS answered \(reply) instead of an array")
        }
        for range in ranges {
            guard let parts = range.array, parts.count >= 3, let start = parts[0].int, let end = parts[1].int,
                0 <= start, start <= end, end < ClusterSlot.count
            else { throw RedisError.protocolError("CLUSTER SLOTS answered a slot range of the wrong shape") }
            let nodes = try parts[2...].map { try Self.node($0, answeredBy: answeredBy) }
            let master = nodes[0]
            let shard: Int
            if let known = shards.firstIndex(where: { $0.master == master }) {
                shard = known
            } else {
                shards.append((master, Array(nodes.dropFirst())))
                shard = shards.count - 1
            }
            for slot in start...end { shardOfSlot[slot] = shard }
        }
        updateMasters()
    }

    private static func node(_ reply: RedisReply, answeredBy: ClusterNode) throws -> ClusterNode {
        guard let fields = reply.array, fields.count >= 2, let host = fields[0].string, let port = fields[1].int
        else { throw RedisError.protocolError("CLUSTER SLOTS answered a node of the wrong shape") }
        let id = fields.count > 2 ? fields[2].string : nil
        return ClusterNode(host: host.isEmpty ? answeredBy.host : host, port: port, id: id)
    }

    /// The master serving `slot`, nil when no node serves it.
    public func master(ofSlot slot: Int) -> ClusterNode? {
        shardOfSlot[slot].map { shards[$0].master }
    }

    /// Every node the map names, masters first.
    public var allNodes: [ClusterNode] { shards.map(\.master) + shards.flatMap(\.replicas) }

    /// True when every slot has a master (the cluster can serve every key).
    public var coversEverySlot: Bool { shardOfSlot.allSatisfy { $0 != nil } }

    /// Records a `MOVED slot host:port`: the slot now lives on `node` (a master, possibly new to the map).
    public mutating func move(slot: Int, to node: ClusterNode) {
        if let known = shards.firstIndex(where: { $0.master == node }) {
            shardOfSlot[slot] = known
        } else {
            shards.append((node, []))
            shardOfSlot[slot] = shards.count - 1
        }
        updateMasters()
    }
}
