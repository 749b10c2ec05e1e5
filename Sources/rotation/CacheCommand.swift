import ArgumentParser
import Foundation
import Redis
import Rotation

/// `rotation cache stats|clear|repair`: the cache pane and the cache-only clears, from a shell. Never `KEYS`.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache", abstract: "Redis cache statistics, cache-only clears and pending repairs.", subcommands: [Stats.self, Clear.self, Repair.self])

    static func redis(_ servers: ServerOptions) throws -> RedisConnection {
        guard let url = servers.settings.redisURL else {
            throw ValidationError("no cache: set REDIS_URL or pass --redis-url")
        }
        return try RedisConnection.connect(try RedisConfiguration(url: url))
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
                let sampler = CacheStatsSampler(redis: try CacheCommand.redis(servers))
                _ = try sampler.sample(startScan: false)
                if !noScan { try sampler.scanNow() }
                if window > 0 { Thread.sleep(forTimeInterval: min(window, 60)) }
                let stats = try sampler.sample(startScan: false)
                if json { return try printJSON(stats) }
                func mb(_ bytes: Int?) -> String { bytes.map { String(format: "%.1f MB", Double($0) / 1_048_576) } ?? "?" }
                func percent(_ rate: Double?) -> String { rate.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a" }
                print("redis          \(ReviewCLI.safe(stats.redisVersion ?? "?"))")
                print("keys           \(stats.totalKeys) total, \(stats.matchKeys.map(String.init) ?? "not scanned") match:*"
                      + (stats.scanAgeSeconds.map { String(format: " (scan %.1f s old)", $0) } ?? ""))
                print("memory         \(mb(stats.usedMemoryBytes)) used / \(stats.maxMemoryBytes == 0 ? "no limit" : mb(stats.maxMemoryBytes))")
                print("evicted        \(stats.evictedKeys ?? 0) keys, expired \(stats.expiredKeys ?? 0)")
                print("ops/s          \(stats.opsPerSecond ?? 0)")
                print("hit rate       \(percent(stats.serverHitRate)) over \(window) s, \(percent(stats.serverHitRateLifetime)) since start")
                if let ttl = stats.ttlSpread, ttl.sampled > 0 {
                    print("ttl (\(ttl.sampled) sampled) <1h \(ttl.underOneHour)  1-6h \(ttl.oneToSixHours)  6-12h \(ttl.sixToTwelveHours)  12-24h \(ttl.twelveToTwentyFourHours)  >24h \(ttl.overTwentyFourHours)  none \(ttl.persistent)")
                }
            }
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unlink cache keys only (Postgres is untouched): key R T | release R | store S | all | drift.",
            discussion: "Wide clears walk the keyspace with SCAN and UNLINK in batches; --dry-run counts and samples first.")
        @OptionGroup var servers: ServerOptions
        @Argument(help: "key, release, store, all or drift.") var target: String
        @Argument(help: "R T for key, R for release, S for store.") var values: [String] = []
        @Flag(help: "Do not ask for confirmation.") var yes = false
        @Flag(name: .customLong("dry-run"), help: "Count and sample what would go, change nothing.") var dryRun = false
        @Flag(help: "Print machine-readable JSON.") var json = false

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
                let clearer = CacheClearer(redis: redis, database: needsDatabase ? try servers.postgres() : nil)
                let plan = try clearer.dryRun(target)
                if dryRun || plan.count == 0 {
                    if json { return try printJSON(plan) }
                    print("\(plan.count) key\(plan.count == 1 ? "" : "s") (\(ReviewCLI.safe(target.description))) would be unlinked\(plan.count > 0 ? ", for example:" : ".")")
                    for key in plan.sample { print("  \(ReviewCLI.safe(key))") }
                    return
                }
                if servers.settings.readOnly { throw ReviewError.readOnly }
                let wide: Bool = {
                    switch target { case .allMatches, .drift, .store: true; default: false }
                }()
                try ReviewCLI.confirm("Unlink about \(plan.count) cache keys (\(target.description))?",
                                      typed: wide ? "clear" : nil, yes: yes)
                let result = try clearer.clear(target) { progress in
                    guard !json, isatty(STDERR_FILENO) == 1 else { return }
                    FileHandle.standardError.write(Data("\rscanned \(progress.scanned), unlinked \(progress.unlinked)".utf8))
                }
                if !json, isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\n".utf8)) }
                if json { return try printJSON(result) }
                print("unlinked \(result.unlinked) key\(result.unlinked == 1 ? "" : "s")")
            }
        }
    }

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
                let redis = try servers.settings.redisURL.map { try RedisConnection(url: $0) }
                let report = queue.repairReport(using: redis)
                if json {
                    try printJSON(report)
                } else {
                    let pending = report.pending.map(String.init) ?? "an unknown number of"
                    print("repaired \(report.repaired) key\(report.repaired == 1 ? "" : "s"); \(pending) still pending")
                    for reason in report.reasons { print("  \(reason.keys) queued because: \(ReviewCLI.safe(reason.reason))") }
                    if let error = report.error { printError("rotation: cache repair stopped: \(ReviewCLI.safe(error))") }
                }
                if !report.complete { throw ExitCode(1) }
            }
        }
    }
}
