import Foundation
import Redis

/// Samples cache statistics with O(1) commands (`INFO`, `DBSIZE`) and keeps a throttled background `SCAN` of the
/// `match:*` keys for what needs one (key count, TTL spread), on its own connection. Never `KEYS`.
public final class CacheStatsSampler: @unchecked Sendable {
    private let redis: RedisConnection
    private let scanRedis: RedisConnection
    private let counters: MatchCacheCounters?
    private let scanner: KeyspaceScanner
    /// Minimum seconds between the starts of two background scans.
    public let scanInterval: TimeInterval

    private let lock = NSLock()
    private var previous: (hits: Int, misses: Int)?
    private var latestScan: KeyspaceScanResult?
    private var scanning = false
    private var lastScanStart: Date?
    private var running = true

    public init(
        redis: RedisConnection, counters: MatchCacheCounters? = nil, scanner: KeyspaceScanner = KeyspaceScanner(),
        scanInterval: TimeInterval = 60
    ) {
        self.redis = redis
        self.scanRedis = RedisConnection(configuration: redis.configuration)
        self.counters = counters
        self.scanner = scanner
        self.scanInterval = scanInterval
    }

    deinit {
        lock.lock(); running = false; lock.unlock()
    }

    /// The latest completed scan, if any.
    public var lastScan: KeyspaceScanResult? {
        lock.lock(); defer { lock.unlock() }
        return latestScan
    }

    /// INFO + DBSIZE now, with the latest scan's figures; starts a background scan when the last one is older
    /// than `scanInterval` (pass `startScan: false` to only read).
    public func sample(startScan: Bool = true) throws -> CacheStats {
        // Only the sections the pane reads (Redis 7 takes several at once); older servers get the default set.
        let info: RedisInfo
        if let sections = try? redis.info(sections: ["server", "memory", "stats", "keyspace"]) { info = sections } else { info = try redis.info() }
        let totalKeys = try redis.dbsize()
        let hits = info.keyspaceHits ?? 0
        let misses = info.keyspaceMisses ?? 0
        lock.lock()
        var windowRate: Double?
        if let previous {
            let deltaHits = hits - previous.hits, deltaMisses = misses - previous.misses
            if deltaHits >= 0, deltaMisses >= 0, deltaHits + deltaMisses > 0 {
                windowRate = Double(deltaHits) / Double(deltaHits + deltaMisses)
            }
        }
        previous = (hits, misses)
        let scan = latestScan
        lock.unlock()
        if startScan { startBackgroundScanIfDue() }
        return CacheStats(
            sampledAt: Date(), totalKeys: totalKeys, matchKeys: scan?.matchKeys, scanAgeSeconds: scan?.age(),
            ttlSpread: scan?.ttlSpread, usedMemoryBytes: info.usedMemory, maxMemoryBytes: info.maxMemory,
            evictedKeys: info.evictedKeys, expiredKeys: info.expiredKeys, opsPerSecond: info.instantaneousOpsPerSec,
            serverHitRate: windowRate, serverHitRateLifetime: info.keyspaceHitRatio, service: counters?.snapshot,
            redisVersion: info.version)
    }

    /// Runs a scan now on the calling thread (the CLI), and keeps it as the latest.
    @discardableResult
    public func scanNow() throws -> KeyspaceScanResult? {
        let result = try scanner.scan(scanRedis) { [self] in isRunning }
        if let result { lock.lock(); latestScan = result; lock.unlock() }
        return result
    }

    private var isRunning: Bool {
        lock.lock(); defer { lock.unlock() }
        return running
    }

    /// Stops a background scan at its next step.
    public func stop() {
        lock.lock(); running = false; lock.unlock()
    }

    private func startBackgroundScanIfDue() {
        lock.lock()
        let due = running && !scanning && (lastScanStart.map { Date().timeIntervalSince($0) >= scanInterval } ?? true)
        if due { scanning = true; lastScanStart = Date() }
        lock.unlock()
        guard due else { return }
        let thread = Thread { [self] in
            _ = try? scanNow()
            lock.lock(); scanning = false; lock.unlock()
        }
        thread.name = "rotation-cache-scan"
        thread.start()
    }
}
