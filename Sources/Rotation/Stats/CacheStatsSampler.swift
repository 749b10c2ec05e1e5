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
    private let alertThresholds: CacheAlertThresholds
    /// Minimum seconds between the starts of two background scans.
    public let scanInterval: TimeInterval
    /// Minimum seconds between two reads of the fleet's counters (a sample in between shows the last read).
    public let fleetReadInterval: TimeInterval

    private struct Progress {
        /// The server's hit and miss counters at the previous sample.
        var previous: (hits: Int, misses: Int)?
        var latestScan: KeyspaceScanResult?
        var scanning = false
        var lastScanStart: Date?
        var running = true
        /// The server refused SCAN to this user: no more background scans (each would be refused the same way).
        var scanRefused = false
        /// Keyspace hits and misses our own reads of the fleet's counters added since `previous`: taken out of the
        /// server-wide rate, which is about everyone else's reads.
        var ownKeyspaceReads = (hits: 0, misses: 0)
        /// The latest read of the fleet's counters, its note, and when it was made (`fleetReadInterval`).
        var fleetRead: (at: Date, fleet: FleetLookups?, note: String?)?
    }

    private let progress = Mutex(Progress())

    public init(
        redis: any RedisClient, counters: MatchCacheCounters? = nil, scanner: KeyspaceScanner = KeyspaceScanner(),
        scanInterval: TimeInterval = 60, alertThresholds: CacheAlertThresholds = .defaults, fleetReadInterval: TimeInterval = 5
    ) {
        self.alertThresholds = alertThresholds
        self.fleetReadInterval = fleetReadInterval
        self.redis = redis
        self.scanRedis = redis.independentClient()
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
        var limits: [String] = []
        let (info, totalKeys) = try serverFigures(limits: &limits)
        let hits = info.keyspaceHits ?? 0
        let misses = info.keyspaceMisses ?? 0
        let (windowRate, scan, scanRefused) = progress.withLock { progress -> (Double?, KeyspaceScanResult?, Bool) in
            var windowRate: Double?
            if let previous = progress.previous {
                let deltaHits = hits - previous.hits - progress.ownKeyspaceReads.hits
                let deltaMisses = misses - previous.misses - progress.ownKeyspaceReads.misses
                if deltaHits >= 0, deltaMisses >= 0, deltaHits + deltaMisses > 0 {
                    windowRate = Double(deltaHits) / Double(deltaHits + deltaMisses)
                }
            }
            if info.keyspaceHits != nil { progress.previous = (hits, misses) }
            progress.ownKeyspaceReads = (0, 0)
            return (windowRate, progress.latestScan, progress.scanRefused)
        }
        if scanRefused { limits.append(Self.scanRefusedNote) }
        if startScan { startBackgroundScanIfDue() }
        let fleet = fleetLookups(limits: &limits)
        var stats = CacheStats(
            sampledAt: Date(), totalKeys: totalKeys, matchKeys: scan?.matchKeys, scanAgeSeconds: scan?.age(),
            ttlSpread: scan?.ttlSpread, usedMemoryBytes: info.usedMemory, maxMemoryBytes: info.maxMemory,
            evictedKeys: info.evictedKeys, expiredKeys: info.expiredKeys, opsPerSecond: info.instantaneousOpsPerSec,
            serverHitRate: windowRate, serverHitRateLifetime: info.keyspaceHitRatio, service: counters?.snapshot,
            redisVersion: info.version, limits: limits)
        stats.fleet = fleet
        stats.alerts = alertThresholds.alerts(fleet: fleet, usedMemoryBytes: info.usedMemory, maxMemoryBytes: info.maxMemory)
        return stats
    }

    /// The fleet's last hour of lookups (`FleetLookups.reading`), read at most every `fleetReadInterval`; nil, with a
    /// note, when this user may not read them. A server that cannot be reached has already thrown from `INFO`.
    private func fleetLookups(limits: inout [String]) -> FleetLookups? {
        let now = Date()
        if let last = progress.withLock({ $0.fleetRead }), now.timeIntervalSince(last.at) < fleetReadInterval {
            if let note = last.note { limits.append(note) }
            return last.fleet
        }
        var fleet: FleetLookups?
        var note: String?
        do {
            let reading = try FleetLookups.reading(from: redis, now: now)
            fleet = reading.fleet
            progress.withLock { progress in
                progress.ownKeyspaceReads.hits += reading.keyspaceHits
                progress.ownKeyspaceReads.misses += reading.keyspaceMisses
            }
        } catch let error as RedisError where error.isCommandRefused {
            note = "HMGET refused to this user: the fleet's hit rate is unknown"
        } catch {
            note = "the fleet's lookup counters could not be read: \(error)"
        }
        progress.withLock { $0.fleetRead = (now, fleet, note) }
        if let note { limits.append(note) }
        return fleet
    }

    /// `INFO` and `DBSIZE`: the server's, or the sum over a cluster's masters. A command the server refuses to this
    /// user leaves its figures unknown and says so in `limits`; a server that cannot be reached throws.
    private func serverFigures(limits: inout [String]) throws -> (RedisInfo, Int?) {
        let sections = ["server", "memory", "stats", "keyspace"]
        var info = RedisInfo(parsing: "")
        do {
            info = RedisInfo.summed(try redis.infoByNode(sections: sections).map(\.info))
        } catch let error as RedisError where error.isCommandRefused {
            limits.append("INFO refused to this user: memory, evictions, ops/s, hit rate and version unknown")
        }
        do {
            return (info, try redis.totalKeys())
        } catch let error as RedisError where error.isCommandRefused {
            limits.append("DBSIZE refused to this user: the key count is unknown")
            return (info, nil)
        }
    }

    static let scanRefusedNote = "SCAN refused to this user: match:* count and TTL spread unknown"

    /// Whether the server refused SCAN to this user (the key browser and whole-cache clears need it).
    public var scanRefused: Bool { progress.withLock { $0.scanRefused } }

    /// Runs a scan now on the calling thread (the CLI), and keeps it as the latest.
    @discardableResult
    public func scanNow() throws -> KeyspaceScanResult? {
        let result: KeyspaceScanResult?
        do {
            result = try scanner.scan(scanRedis) { [self] in isRunning }
        } catch let error as RedisError where error.isCommandRefused {
            progress.withLock { $0.scanRefused = true }
            return nil
        }
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
            let due = progress.running && !progress.scanning && !progress.scanRefused
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
