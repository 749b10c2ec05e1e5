import Foundation

/// Redis figures for the cache pane, sampled in the background. Nil means "not known yet" (shown as a dash),
/// which is different from zero.
public struct CacheSnapshot: Equatable, Sendable {
    /// `DBSIZE`; nil when the server refuses it to this user.
    public var totalKeys: Int?
    /// `match:*` keys, from the throttled SCAN (nil before the first one finished).
    public var matchKeys: Int?
    /// Age of the SCAN behind `matchKeys` and `ttlSpread`.
    public var scanAgeSeconds: Int?
    public var memoryUsedBytes: Int?
    public var memoryMaxBytes: Int?
    public var evictions: Int?
    public var opsPerSecond: Double?
    /// Server-wide hit rate from INFO deltas (0...1), nil before two samples.
    public var hitRate: Double?
    /// The match service's own hits and misses on `match:*`.
    public var serviceHits: Int
    public var serviceMisses: Int
    /// TTLs seen by the SCAN sample.
    public var ttlSpread: CacheTTLSpread?
    /// Commands the server refuses to this user and the figures they leave unknown (a hosted Redis); sanitized
    /// before display.
    public var limits: [String]
    /// Every Rotation process's match-lookup hit rate over the last hour (the fleet's counters; the web app's reads
    /// are not counted); nil when unknown or nothing was read.
    public var fleetHitRate: Double?
    /// The fleet's hit rate per minute over the last hour, oldest first; nil for a minute without cache reads.
    public var fleetMinutes: [Double?] = []
    /// Figures past their alert thresholds, each named in words.
    public var alerts: [CachePaneAlert] = []

    public init(totalKeys: Int?, matchKeys: Int? = nil, scanAgeSeconds: Int? = nil, memoryUsedBytes: Int? = nil,
                memoryMaxBytes: Int? = nil, evictions: Int? = nil, opsPerSecond: Double? = nil, hitRate: Double? = nil,
                serviceHits: Int = 0, serviceMisses: Int = 0, ttlSpread: CacheTTLSpread? = nil, limits: [String] = []) {
        self.limits = limits
        self.totalKeys = totalKeys
        self.matchKeys = matchKeys
        self.scanAgeSeconds = scanAgeSeconds
        self.memoryUsedBytes = memoryUsedBytes
        self.memoryMaxBytes = memoryMaxBytes
        self.evictions = evictions
        self.opsPerSecond = opsPerSecond
        self.hitRate = hitRate
        self.serviceHits = serviceHits
        self.serviceMisses = serviceMisses
        self.ttlSpread = ttlSpread
    }

    /// "ours" in the pane: the fleet's hour when known, else this console's own reads since it started.
    public var oursHitRate: Double? { fleetHitRate ?? serviceHitRate }

    public func isFlagged(_ figure: CachePaneAlert.Figure) -> Bool { alerts.contains { $0.figure == figure } }

    public var serviceHitRate: Double? {
        let total = serviceHits + serviceMisses
        return total == 0 ? nil : Double(serviceHits) / Double(total)
    }
}

/// How the remaining TTLs of sampled `match:*` keys spread: keys per bucket, shortest TTL first.
public struct CacheTTLSpread: Equatable, Sendable {
    public struct Bucket: Equatable, Sendable {
        /// "<1h", "1-6h", ...
        public var label: String
        public var keys: Int

        public init(_ label: String, _ keys: Int) {
            self.label = label
            self.keys = keys
        }
    }

    public var buckets: [Bucket]
    /// Keys in the sample without a TTL: they never expire, which the 24 h contract forbids.
    public var withoutTTL: Int

    public init(buckets: [Bucket], withoutTTL: Int = 0) {
        self.buckets = buckets
        self.withoutTTL = withoutTTL
    }
}

/// Queue figures for the queue pane.
public struct QueueSnapshot: Equatable, Sendable {
    public var counts: [QueueStatus: Int]
    public var oldestQueuedSeconds: Int?
    /// Releases completed per minute over the last sampling window.
    public var throughputPerMinute: Double
    public var stuck: Int
    public var failed: Int
    /// The sampler's own estimate, when it makes one.
    public var reportedETASeconds: Int?
    /// Today's YouTube search quota; nil when search is not configured and nothing was searched today.
    public var searchQuota: SearchQuotaSnapshot?
    /// Queued jobs due later that say why they wait (a search postponed for the quota or the API, a retry backoff).
    public var postponed: Int
    /// The few of them due last, latest first.
    public var latestPostponed: [PostponedJob]

    public init(counts: [QueueStatus: Int], oldestQueuedSeconds: Int? = nil, throughputPerMinute: Double = 0,
                stuck: Int = 0, failed: Int = 0, etaSeconds: Int? = nil, searchQuota: SearchQuotaSnapshot? = nil,
                postponed: Int = 0, latestPostponed: [PostponedJob] = []) {
        self.postponed = postponed
        self.latestPostponed = latestPostponed
        self.counts = counts
        self.oldestQueuedSeconds = oldestQueuedSeconds
        self.throughputPerMinute = throughputPerMinute
        self.stuck = stuck
        self.failed = failed
        self.reportedETASeconds = etaSeconds
        self.searchQuota = searchQuota
    }

    public func count(_ status: QueueStatus) -> Int { counts[status] ?? 0 }

    /// Seconds until the waiting rows are done: the sampler's estimate, else the count over the throughput; nil
    /// when nothing moves.
    public var etaSeconds: Int? {
        if let reportedETASeconds { return reportedETASeconds }
        let waiting = count(.queued) + count(.processing)
        guard waiting > 0, throughputPerMinute > 0 else { return nil }
        return Int((Double(waiting) / throughputPerMinute * 60).rounded(.up))
    }
}

/// A queued job that waits with a reason, as the queue pane shows it.
public struct PostponedJob: Equatable, Sendable {
    public var discogsID: Int64
    /// Why it waits (the row's `error_message`): external text, sanitized before display.
    public var reason: String
    /// Seconds from the sample until it is due again.
    public var dueInSeconds: Int

    public init(discogsID: Int64, reason: String, dueInSeconds: Int) {
        self.discogsID = discogsID
        self.reason = reason
        self.dueInSeconds = dueInSeconds
    }
}

/// A search provider's quota day as the queue pane shows it: units used out of the daily budget.
public struct SearchQuotaSnapshot: Equatable, Sendable {
    public var unitsUsed: Int
    public var dailyBudget: Int
    /// The provider said the quota is spent: no search until the next quota day.
    public var exhausted: Bool
    /// What one search reserves (YouTube: 101 units, the search with the videos call that completes it).
    public var unitsPerSearch: Int

    public init(unitsUsed: Int, dailyBudget: Int, exhausted: Bool = false, unitsPerSearch: Int = 1) {
        self.unitsUsed = unitsUsed
        self.dailyBudget = dailyBudget
        self.exhausted = exhausted
        self.unitsPerSearch = unitsPerSearch
    }

    /// Spent: the provider said so, or the budget has no room for one more search.
    public var isSpent: Bool { exhausted || dailyBudget - unitsUsed < max(1, unitsPerSearch) }

    /// "120/10,000 units" (and "· spent" when no search is left today).
    public var summary: String {
        "\(DisplayFormat.count(unitsUsed))/\(DisplayFormat.count(dailyBudget)) units" + (isSpent ? " · spent" : "")
    }
}

/// Whether one tier answers, and how fast.
public struct TierStatus: Equatable, Sendable {
    public var isUp: Bool
    public var roundTripMilliseconds: Double?
    /// A short reason when down ("connection refused"); sanitized before display.
    public var problem: String?
    /// What kind of deployment answers when up ("cluster of 3 masters · TLSv1.3"); sanitized before display.
    public var detail: String?

    public init(isUp: Bool, roundTripMilliseconds: Double? = nil, problem: String? = nil, detail: String? = nil) {
        self.isUp = isUp
        self.roundTripMilliseconds = roundTripMilliseconds
        self.problem = problem
        self.detail = detail
    }

    public static let unknown = TierStatus(isUp: true)
}

/// Postgres and Redis health for the health pane and the banners.
public struct HealthSnapshot: Equatable, Sendable {
    public var postgres: TierStatus
    public var redis: TierStatus
    /// The read replica's state and lag ("lag 0 B, last replay 1.2 s ago"), when one is configured.
    public var replica: String?

    public init(postgres: TierStatus, redis: TierStatus, replica: String? = nil) {
        self.postgres = postgres
        self.redis = redis
        self.replica = replica
    }

    public static let assumedUp = HealthSnapshot(postgres: .unknown, redis: .unknown)
}
