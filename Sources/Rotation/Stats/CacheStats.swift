import Foundation

/// The cache pane's figures (DESIGN section 6): from `INFO` and `DBSIZE` (O(1)) plus the latest background scan
/// of `match:*` keys, which carries its age.
public struct CacheStats: Codable, Sendable, Equatable {
    public var sampledAt: Date
    /// `DBSIZE`: every key of the selected database (summed over a cluster's masters); nil when the server refuses
    /// it to this user (`limits` says so).
    public var totalKeys: Int?
    /// From the latest completed scan; nil before the first one.
    public var matchKeys: Int?
    public var scanAgeSeconds: Double?
    public var ttlSpread: TTLSpread?
    public var usedMemoryBytes: Int?
    /// 0 means no limit.
    public var maxMemoryBytes: Int?
    public var evictedKeys: Int?
    public var expiredKeys: Int?
    public var opsPerSecond: Int?
    /// Server-wide hits / (hits + misses) since the previous sample (INFO deltas); nil on the first sample or when
    /// nothing was read in between.
    public var serverHitRate: Double?
    /// Server-wide since the server started.
    public var serverHitRateLifetime: Double?
    /// This service's own reads of `match:*` keys.
    public var service: MatchCacheCounters.Snapshot?
    /// Every Rotation process's match lookups over the last hour, per minute (`LookupCounters`; the web app's reads
    /// are not counted); nil when the counters could not be read.
    public var fleet: FleetLookups?
    /// The figures past their thresholds (`CacheAlertThresholds`), each named in words.
    public var alerts: [CacheAlert] = []
    public var redisVersion: String?
    /// What this server refused to this user (a hosted Redis or an ACL without `INFO`, `DBSIZE` or `SCAN`), each
    /// with the figures it leaves unknown; empty when everything answered.
    public var limits: [String] = []
}
