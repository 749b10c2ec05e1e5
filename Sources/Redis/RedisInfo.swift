import Foundation

/// The parsed text of `INFO`: sections (lower-cased names, e.g. `server`, `stats`, `keyspace`, `commandstats`)
/// of key/value fields, with typed accessors for what the health and cache panes show. Accessors are nil when
/// the field is absent (a section not requested, or an older server).
public struct RedisInfo: Sendable, Equatable {
    /// Section name (lower-cased) -> field -> raw value.
    public var sections: [String: [String: String]]
    /// Section names in the order the server sent them.
    public var sectionOrder: [String]

    /// Parses INFO text: `# Section` headers followed by `field:value` lines.
    public init(parsing text: String) {
        var sections: [String: [String: String]] = [:]
        var order: [String] = []
        var current = ""
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                current = line.dropFirst().trimmingWhitespace().lowercased()
                if sections[current] == nil {
                    sections[current] = [:]
                    order.append(current)
                }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            if sections[current] == nil {
                sections[current] = [:]
                order.append(current)
            }
            sections[current]![String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        self.sections = sections
        self.sectionOrder = order
    }

    /// A field's raw value, from the given section or from any section.
    public func value(_ field: String, in section: String? = nil) -> String? {
        if let section { return sections[section.lowercased()]?[field] }
        for name in sectionOrder {
            if let value = sections[name]?[field] { return value }
        }
        return nil
    }

    public subscript(field: String) -> String? { value(field) }

    public func integer(_ field: String) -> Int? { value(field).flatMap { Int($0) } }
    public func double(_ field: String) -> Double? { value(field).flatMap { Double($0) } }

    public var version: String? { value("redis_version") }
    public var uptimeSeconds: Int? { integer("uptime_in_seconds") }
    public var connectedClients: Int? { integer("connected_clients") }
    /// Bytes allocated by Redis.
    public var usedMemory: Int? { integer("used_memory") }
    /// The `maxmemory` limit in bytes; 0 means no limit.
    public var maxMemory: Int? { integer("maxmemory") }
    public var maxMemoryPolicy: String? { value("maxmemory_policy") }
    public var evictedKeys: Int? { integer("evicted_keys") }
    public var expiredKeys: Int? { integer("expired_keys") }
    public var keyspaceHits: Int? { integer("keyspace_hits") }
    public var keyspaceMisses: Int? { integer("keyspace_misses") }
    public var instantaneousOpsPerSec: Int? { integer("instantaneous_ops_per_sec") }
    public var totalCommandsProcessed: Int? { integer("total_commands_processed") }
    public var role: String? { value("role") }

    /// Server-wide hits / (hits + misses) since start (or since CONFIG RESETSTAT); nil before any lookup.
    /// For a rate over an interval, subtract two snapshots' counters instead.
    public var keyspaceHitRatio: Double? {
        guard let hits = keyspaceHits, let misses = keyspaceMisses, hits + misses > 0 else { return nil }
        return Double(hits) / Double(hits + misses)
    }

    /// Per-database counts from the `keyspace` section (`db0:keys=1,expires=0,avg_ttl=0`), keyed by number.
    /// A database without keys is absent.
    public var databases: [Int: RedisDatabaseStats] {
        var result: [Int: RedisDatabaseStats] = [:]
        for (field, value) in sections["keyspace"] ?? [:] {
            guard field.hasPrefix("db"), let number = Int(field.dropFirst(2)) else { continue }
            let pairs = Self.pairs(value)
            result[number] = RedisDatabaseStats(
                keys: pairs["keys"].flatMap { Int($0) } ?? 0,
                expires: pairs["expires"].flatMap { Int($0) } ?? 0,
                averageTTLMilliseconds: pairs["avg_ttl"].flatMap { Int($0) } ?? 0)
        }
        return result
    }

    /// Per-command counters from the `commandstats` section (ask for it: `info(section: "commandstats")`),
    /// keyed by lower-case command name; subcommands look like `config|get`.
    public var commandStats: [String: RedisCommandStats] {
        var result: [String: RedisCommandStats] = [:]
        for (field, value) in sections["commandstats"] ?? [:] {
            guard field.hasPrefix("cmdstat_") else { continue }
            let name = String(field.dropFirst("cmdstat_".count))
            let pairs = Self.pairs(value)
            result[name] = RedisCommandStats(
                name: name,
                calls: pairs["calls"].flatMap { Int($0) } ?? 0,
                totalMicroseconds: pairs["usec"].flatMap { Int($0) } ?? 0,
                microsecondsPerCall: pairs["usec_per_call"].flatMap { Double($0) } ?? 0,
                rejectedCalls: pairs["rejected_calls"].flatMap { Int($0) } ?? 0,
                failedCalls: pairs["failed_calls"].flatMap { Int($0) } ?? 0)
        }
        return result
    }

    /// `a=1,b=2` -> ["a": "1", "b": "2"].
    static func pairs(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: ",") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return result
    }
}

/// One database's line of the INFO `keyspace` section.
public struct RedisDatabaseStats: Sendable, Equatable {
    public var keys: Int
    /// Keys with a TTL.
    public var expires: Int
    public var averageTTLMilliseconds: Int

    public init(keys: Int, expires: Int, averageTTLMilliseconds: Int) {
        self.keys = keys
        self.expires = expires
        self.averageTTLMilliseconds = averageTTLMilliseconds
    }
}

/// One command's line of the INFO `commandstats` section.
public struct RedisCommandStats: Sendable, Equatable {
    public var name: String
    public var calls: Int
    public var totalMicroseconds: Int
    public var microsecondsPerCall: Double
    /// Refused before running (wrong arity, ACL, OOM); 0 on servers before 7.0.
    public var rejectedCalls: Int
    /// Ran and returned an error; 0 on servers before 7.0.
    public var failedCalls: Int

    public init(
        name: String, calls: Int, totalMicroseconds: Int, microsecondsPerCall: Double, rejectedCalls: Int = 0,
        failedCalls: Int = 0
    ) {
        self.name = name
        self.calls = calls
        self.totalMicroseconds = totalMicroseconds
        self.microsecondsPerCall = microsecondsPerCall
        self.rejectedCalls = rejectedCalls
        self.failedCalls = failedCalls
    }
}

extension StringProtocol {
    fileprivate func trimmingWhitespace() -> String { trimmingCharacters(in: .whitespaces) }
}
