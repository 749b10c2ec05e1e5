import Foundation
import Redis
import Synchronization

/// Samples cache statistics with O(1) commands (`INFO`, `DBSIZE`) and keeps a throttled background `SCAN` of the
/// `match:*` keys for what needs one (key count, TTL spread), on its own connection. Never `KEYS`. On a cluster
/// the figures are the masters' summed (`RedisInfo.summed`) and the scan walks every master.
public final class CacheStatsSampler: Sendable {
    private let redis: any RedisClient
    private let scanRedis: any RedisClient
    private let counters: MatchCacheCounters?
    private let scanner: KeyspaceScanner
    /// Minimum seconds between the starts of two background scans.
    public let scanInterval: TimeInterval

    private struct Progress {
        /// The server's hit and miss counters at the previous sample.
        var previous: (hits: Int, misses: Int)?
        var latestScan: KeyspaceScanResult?
        var scanning = false
        var lastScanStart: Date?
        var running = true
    }

    private let progress = Mutex(Progress())

    public init(
        redis: any RedisClient, counters: MatchCacheCounters? = nil, scanner: KeyspaceScanner = KeyspaceScanner(),
        scanInterval: TimeInterval = 60
    ) {
        self.redis = redis
        // One server: a connection of its own for the scan. A cluster's node connections serve both.
        self.scanRedis = (redis as? RedisConnection).map { RedisConnection(configuration: $0.configuration) } ?? redis
        self.counters = counters
        self.scanner = scanner
        self.scanInterval = scanInterval
    }

    deinit {
        progress.withLock { $0.running = false }
    }

    /// The latest completed scan, if any.
    public var lastScan: KeyspaceScanResult? {
        progress.withLock { $0.latestScan }
    }

    /// INFO + DBSIZE now, with the latest scan's figures; starts a background scan when the last one is older
    /// than `scanInterval` (pass `startScan: false` to only read).
    public func sample(startScan: Bool = true) throws -> CacheStats {
        // Only the sections the pane reads (Redis 7 takes several at once); older servers get the default set.
        let (info, totalKeys) = try serverFigures()
        let hits = info.keyspaceHits ?? 0
        let misses = info.keyspaceMisses ?? 0
        let (windowRate, scan) = progress.withLock { progress -> (Double?, KeyspaceScanResult?) in
            var windowRate: Double?
            if let previous = progress.previous {
                let deltaHits = hits - previous.hits, deltaMisses = misses - previous.misses
                if deltaHits >= 0, deltaMisses >= 0, deltaHits + deltaMisses > 0 {
                    windowRate = Double(deltaHits) / Double(deltaHits + deltaMisses)
                }
            }
            progress.previous = (hits, misses)
            return (windowRate, progress.latestScan)
        }
        if startScan { startBackgroundScanIfDue() }
        return CacheStats(
            sampledAt: Date(), totalKeys: totalKeys, matchKeys: scan?.matchKeys, scanAgeSeconds: scan?.age(),
            ttlSpread: scan?.ttlSpread, usedMemoryBytes: info.usedMemory, maxMemoryBytes: info.maxMemory,
            evictedKeys: info.evictedKeys, expiredKeys: info.expiredKeys, opsPerSecond: info.instantaneousOpsPerSec,
            serverHitRate: windowRate, serverHitRateLifetime: info.keyspaceHitRatio, service: counters?.snapshot,
            redisVersion: info.version)
    }

    /// `INFO` and `DBSIZE`: the server's, or the sum over a cluster's masters.
    private func serverFigures() throws -> (RedisInfo, Int) {
        let sections = ["server", "memory", "stats", "keyspace"]
        guard let single = redis as? RedisConnection else {
            return (RedisInfo.summed(try redis.infoByNode(sections: sections).map(\.info)), try redis.totalKeys())
        }
        let info: RedisInfo
        if let answered = try? single.info(sections: sections) { info = answered } else { info = try single.info() }
        return (info, try single.dbsize())
    }

    /// Runs a scan now on the calling thread (the CLI), and keeps it as the latest.
    @discardableResult
    public func scanNow() throws -> KeyspaceScanResult? {
        let result = try scanner.scan(scanRedis) { [self] in isRunning }
        if let result { progress.withLock { $0.latestScan = result } }
        return result
    }

    private var isRunning: Bool {
        progress.withLock { $0.running }
    }

    /// Stops a background scan at its next step.
    public func stop() {
        progress.withLock { $0.running = false }
    }

    private func startBackgroundScanIfDue() {
        let due = progress.withLock { progress in
            let due = progress.running && !progress.scanning
                && (progress.lastScanStart.map { Date().timeIntervalSince($0) >= scanInterval } ?? true)
            if due { progress.scanning = true; progress.lastScanStart = Date() }
            return due
        }
        guard due else { return }
        let thread = Thread { [self] in
            _ = try? scanNow()
            progress.withLock { $0.scanning = false }
        }
        thread.name = "rotation-cache-scan"
        thread.start()
    }
}
