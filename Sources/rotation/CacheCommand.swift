import ArgumentParser
import Console
import Foundation
import Redis
import Rotation
import Terminal

/// `rotation cache stats|clear|repair`: the cache pane and the cache-only clears, from a shell. Never `KEYS`.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache", abstract: "Redis cache statistics, cache-only clears, pending repairs and warming.", subcommands: [Stats.self, Keys.self, Clear.self, Repair.self, Warm.self])

    /// One server or a cluster, connected now so that an unreachable Redis is the first thing said.
    static func redis(_ servers: ServerOptions) throws -> any RedisClient {
        guard let url = servers.settings.redisURL else {
            throw ValidationError("no cache: set REDIS_URL or pass --redis-url")
        }
        return try RedisDeployment.connect(url: url)
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keys, memory, evictions, ops/s, hit rate and TTL spread (INFO, DBSIZE and a throttled SCAN).")
        @OptionGroup var servers: ServerOptions
        @Flag(name: .customLong("no-scan"), help: "Skip the SCAN of match:* keys (only O(1) commands).") var noScan = false
        @Option(help: "Seconds over which the server hit rate is measured.") var window = 1.0
        @Flag(help: "Print machine-readable JSON.") var json = false

        func run() throws {
            try ReviewCLI.run(json: json) {
                let sampler = CacheStatsSampler(redis: try CacheCommand.redis(servers),
                                                alertThresholds: servers.settings.cacheAlertThresholds)
                _ = try sampler.sample(startScan: false)
                if !noScan { try sampler.scanNow() }
                if window > 0 { Thread.sleep(forTimeInterval: min(window, 60)) }
                let stats = try sampler.sample(startScan: false)
                if json { return try printJSON(stats) }
                func mb(_ bytes: Int?) -> String { bytes.map { String(format: "%.1f MB", Double($0) / 1_048_576) } ?? "?" }
                func percent(_ rate: Double?) -> String { rate.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a" }
                printLine("redis          \(ReviewCLI.safe(stats.redisVersion ?? "?"))")
                printLine("keys           \(stats.totalKeys.map(String.init) ?? "?") total, \(stats.matchKeys.map(String.init) ?? "not scanned") match:*"
                      + (stats.scanAgeSeconds.map { String(format: " (scan %.1f s old)", $0) } ?? ""))
                printLine("memory         \(mb(stats.usedMemoryBytes)) used / \(stats.maxMemoryBytes == 0 ? "no limit" : mb(stats.maxMemoryBytes))")
                printLine("evicted        \(stats.evictedKeys ?? 0) keys, expired \(stats.expiredKeys ?? 0)")
                printLine("ops/s          \(stats.opsPerSecond ?? 0)")
                printLine("hit rate       \(percent(stats.serverHitRate)) over \(window) s, \(percent(stats.serverHitRateLifetime)) since start")
                for line in Stats.fleetLines(stats.fleet) { printLine(line) }
                for limit in stats.limits { printLine("limited        \(ReviewCLI.safe(limit))") }
                if let ttl = stats.ttlSpread, ttl.sampled > 0 {
                    printLine("ttl (\(ttl.sampled) sampled) <1h \(ttl.underOneHour)  1-6h \(ttl.oneToSixHours)  6-12h \(ttl.sixToTwelveHours)  12-24h \(ttl.twelveToTwentyFourHours)  >24h \(ttl.overTwentyFourHours)  none \(ttl.persistent)")
                }
                for alert in stats.alerts { printLine("ALERT          \(alert.message)") }
            }
        }

        /// The fleet's hour of match lookups (`FleetLookups`), as the cache pane's "ours" shows it.
        static func fleetLines(_ fleet: FleetLookups?) -> [String] {
            guard let fleet else { return ["ours           unknown (the fleet's lookup counters could not be read)"] }
            let total = fleet.total
            guard total.lookups > 0 else {
                return ["ours           no match lookups counted in the last \(fleet.windowMinutes) min (the web app's are never counted)"]
            }
            let rate = fleet.hitRate.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a"
            let spark = String(fleet.minutes.map { minute in minute.hitRate.map(CellBuffer.sparklineCharacter) ?? "·" })
            return [
                "ours           \(rate) hit rate of \(total.hits + total.misses) match lookups in the last \(fleet.windowMinutes) min, "
                    + "every Rotation process (the web app's reads are not counted)",
                "ours/min       \(spark)  (oldest first; · no cache reads)",
                "lookups        \(total.lookups), mean " + (fleet.meanLookupMilliseconds.map { String(format: "%.1f ms", $0) } ?? "n/a")
                    + ", invalid values \(total.invalid) (" + (fleet.invalidRate.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a") + ")",
            ]
        }
    }

    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One page of match:* keys with store, TTL and value (the cache screen's list), by bounded SCAN.",
            discussion: """
            A page makes at most 50 SCAN calls of COUNT 200 (about 10,000 keys examined), so on a Redis where \
            match:* keys are rare it may list few keys or none; it ends with the --after cursor of the next page \
            and how much of the keyspace was examined so far.
            """)
        @OptionGroup var servers: ServerOptions
        @Option(help: "Continue after this cursor (printed by the previous page).") var after: String?
        @Option(help: "Stop a page once it has about this many keys.") var limit = 100
        @Flag(help: "Print machine-readable JSON.") var json = false

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
            if let after, ScanPosition(token: after) == nil {
                throw ValidationError("--after takes the cursor a previous page printed (CURSOR:EXAMINED)")
            }
        }

        func run() throws {
            try ReviewCLI.run(json: json) {
                let redis = try CacheCommand.redis(servers)
                let database = servers.settings.databaseURL == nil ? nil : try? servers.postgres()
                let page = try CacheKeyBrowser(redis: redis, database: database).page(after: after, limit: limit)
                if json { return try printJSON(KeysPage(page)) }
                for entry in page.items {
                    printLine(ReviewCLI.columns([
                        (entry.key, 24), (entry.store ?? "", 20),
                        (entry.ttlSeconds.map { "\($0)s" } ?? "no ttl", 8), (entry.drifted ? "drift" : "", 5),
                    ]) + " " + ReviewCLI.safe(entry.summary))
                }
                let walked = Clear.walked(page.progress)
                if let next = page.nextCursor {
                    let found = page.items.isEmpty ? "no match:* keys in this page" : "\(page.items.count) key(s)"
                    printLine("\(found); \(walked); more: rotation cache keys --after \(next)")
                } else {
                    printLine("\(page.items.count) key(s); \(walked); end of the keyspace")
                }
            }
        }

        /// The JSON shape of a page.
        struct KeysPage: Encodable {
            var keys: [CacheKeyEntry]
            var next: String?
            var progress: ScanProgress
            var scanCalls: Int
            init(_ page: CacheKeyPage) {
                keys = page.items
                next = page.nextCursor
                progress = page.progress
                scanCalls = page.scanCalls
            }
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unlink cache keys only (Postgres is untouched): key R T | release R | store S | all | drift.",
            discussion: """
            Wide clears walk the keyspace with SCAN (budgeted steps of 20 calls of COUNT 1000) and UNLINK in batches; \
            --dry-run counts and samples first. Progress goes to stderr. Ctrl-C (SIGINT) or SIGTERM stops between \
            batches: the report says how many keys were deleted of about how many, and the exit status is 130.
            """)
        @OptionGroup var servers: ServerOptions
        @Argument(help: "key, release, store, all or drift.") var target: String
        @Argument(help: "R T for key, R for release, S for store.") var values: [String] = []
        @Flag(help: "Do not ask for confirmation.") var yes = false
        @Flag(name: .customLong("dry-run"), help: "Count and sample what would go, change nothing.") var dryRun = false
        @Flag(help: "Print machine-readable JSON.") var json = false
        @Option(help: "Keys per UNLINK batch (a stop takes effect between batches).") var batch = 500

        func validate() throws {
            guard (1...100_000).contains(batch) else { throw ValidationError("--batch must be between 1 and 100000") }
        }

        func parsedTarget() throws -> CacheClearTarget {
            func count(_ n: Int, _ usage: String) throws {
                guard values.count == n else { throw ValidationError("usage: rotation cache clear \(usage)") }
            }
            switch target {
            case "key":
                try count(2, "key R T")
                guard let release = Int64(values[0]), let track = Int(values[1]), track >= 0 else {
                    throw ValidationError("key needs a release id and a track index")
                }
                return .key(TrackKey(releaseID: release, trackIndex: track))
            case "release":
                try count(1, "release R")
                guard let release = Int64(values[0]) else { throw ValidationError("release needs a release id") }
                return .release(release)
            case "store":
                try count(1, "store S")
                return .store(values[0])
            case "all":
                try count(0, "all")
                return .allMatches
            case "drift":
                try count(0, "drift")
                return .drift
            default:
                throw ValidationError("unknown target \(target): use key, release, store, all or drift")
            }
        }

        func run() throws {
            let target = try parsedTarget()
            try ReviewCLI.run(json: json) {
                let redis = try CacheCommand.redis(servers)
                let needsDatabase: Bool = {
                    switch target { case .release, .store, .drift: true; default: false }
                }()
                let clearer = CacheClearer(redis: redis, database: needsDatabase ? try servers.postgres() : nil,
                                           batchSize: batch)
                let progressLine = ProgressLine()
                // Ctrl-C stops the dry run and the clear between batches; at the confirmation it keeps its meaning.
                let plan = try InterruptStop.during("\nrotation: stopping the count…") { stop in
                    try clearer.fullDryRun(target, stop: stop) { counted in
                        if !json { progressLine.show("counting: " + Self.walked(counted.progress)) }
                    }
                }
                progressLine.end()
                guard plan.isComplete else {
                    if json { try printJSON(plan) } else {
                        printLine("stopped: counted \(plan.count) key\(plan.count == 1 ? "" : "s") so far (\(Self.walked(plan.progress))); nothing was deleted")
                    }
                    throw ExitCode(130)
                }
                if dryRun || plan.count == 0 {
                    if json { return try printJSON(plan) }
                    printLine("\(plan.count) key\(plan.count == 1 ? "" : "s") (\(ReviewCLI.safe(target.description))) would be unlinked\(plan.count > 0 ? ", for example:" : ".")")
                    for key in plan.sample { printLine("  \(ReviewCLI.safe(key))") }
                    return
                }
                if servers.settings.readOnly { throw ReviewError.readOnly }
                let wide: Bool = {
                    switch target { case .allMatches, .drift, .store: true; default: false }
                }()
                try ReviewCLI.confirm("Unlink about \(plan.count) cache keys (\(target.description))?",
                                      typed: wide ? "clear" : nil, yes: yes)
                let result = try InterruptStop.during("\nrotation: stopping after the batch in hand…") { stop in
                    try clearer.clear(target, stop: stop) { progress in
                        guard !json else { return }
                        progressLine.show("unlinked \(progress.unlinked) of about \(plan.count)"
                                          + (progress.walk.map { " · " + Self.walked($0) } ?? ""))
                    }
                }
                progressLine.end()
                if json { try printJSON(result) } else if result.stopped {
                    printLine("stopped: deleted \(Self.grouped(result.unlinked)) of about \(Self.grouped(plan.count)) key\(plan.count == 1 ? "" : "s"); the rest are still cached")
                } else {
                    printLine("unlinked \(result.unlinked) key\(result.unlinked == 1 ? "" : "s")")
                }
                if result.stopped { throw ExitCode(130) }
            }
        }

        /// "scanned 120,000 of about 2,100,000 keys".
        static func walked(_ progress: ScanProgress) -> String {
            progress.complete ? "scanned all \(grouped(progress.totalKeys)) keys"
                : "scanned about \(grouped(progress.examined)) of \(grouped(progress.totalKeys)) keys"
        }

        static func grouped(_ value: Int) -> String { DisplayFormat.exact(value) }
    }
}

extension CacheCommand {
    struct Repair: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the pending cache repairs now: unlink every key left stale while Redis was unreachable.",
            discussion: """
                A decision taken while Redis is down, paused or timing out commits to Postgres and queues its key in \
                cache_repairs. A running console or worker applies those repairs within seconds of Redis answering \
                again; this does it on demand. Prints how many keys were repaired and how many are still pending and \
                why; exits 1 when any remain.
                """)
        @OptionGroup var servers: ServerOptions
        @Flag(help: "Print machine-readable JSON.") var json = false

        func run() throws {
            try ReviewCLI.run(json: json) {
                if servers.settings.readOnly { throw ReviewError.readOnly }
                let queue = CacheRepairQueue(database: try servers.postgres())
                // Connects on first use, so an unreachable Redis still gives the report of what is pending.
                let redis = try TierConnections.openRedis(servers.settings)
                let report = queue.repairReport(using: redis)
                if json {
                    try printJSON(report)
                } else {
                    let pending = report.pending.map(String.init) ?? "an unknown number of"
                    printLine("repaired \(report.repaired) key\(report.repaired == 1 ? "" : "s"); \(pending) still pending")
                    for reason in report.reasons { printLine("  \(reason.keys) queued because: \(ReviewCLI.safe(reason.reason))") }
                    if let error = report.error { printError("rotation: cache repair stopped: \(ReviewCLI.safe(error))") }
                }
                if !report.complete { throw ExitCode(1) }
            }
        }
    }
}
