extension RedisInfo {
    /// Counters that add up over a cluster's masters (each master holds its own share of the keys and traffic).
    static let additiveFields: Set<String> = [
        "used_memory", "evicted_keys", "expired_keys", "keyspace_hits", "keyspace_misses",
        "instantaneous_ops_per_sec", "total_commands_processed", "connected_clients",
    ]

    /// One `INFO` for a whole cluster from its masters' own: the additive counters summed, `maxmemory` summed
    /// (0, "no limit", when any master has none), every other field as the first master reports it. The masters'
    /// own figures stay available from `RedisClient.infoByNode(sections:)`.
    public static func summed(_ infos: [RedisInfo]) -> RedisInfo {
        guard var total = infos.first else { return RedisInfo(parsing: "") }
        for (section, fields) in total.sections {
            for (field, _) in fields {
                if additiveFields.contains(field) {
                    let values = infos.map { $0.sections[section]?[field].flatMap { Int($0) } }
                    if values.allSatisfy({ $0 != nil }) {
                        total.sections[section]![field] = String(values.reduce(0) { $0 + $1! })
                    }
                } else if field == "maxmemory" {
                    let limits = infos.map { $0.sections[section]?[field].flatMap { Int($0) } ?? 0 }
                    total.sections[section]![field] = String(limits.contains(0) ? 0 : limits.reduce(0, +))
                }
            }
        }
        return total
    }
}
