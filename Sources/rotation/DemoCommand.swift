import ArgumentParser
import Foundation
import LocalServers
import Rotation

/// `rotation demo`: the console on private servers filled with realistic data, with a worker draining the queue.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Open the console on a private demo database and cache with realistic data.",
        discussion: """
            Starts a private Postgres and Redis from the installed binaries, migrates, fills them with several stores, \
            hundreds of releases (non-Latin titles among them), matches across the confidence range with their \
            candidates, and a queue with work in it; runs a worker in the background so the queue pane moves; then \
            opens the console. On exit everything is stopped. With --keep the data lives in --dir and is used again \
            next time. With --cluster the cache is a private Redis Cluster (three masters with a replica each, \
            always thrown away on exit) instead of one Redis.
            """)

    @OptionGroup var console: ConsoleOptions

    @Flag(help: "Keep the data for next time (in --dir).")
    var keep = false

    @Option(help: ArgumentHelp("Where kept data lives (default: $XDG_DATA_HOME/rotation/demo).", valueName: "dir"))
    var dir: String?

    @Flag(help: "Use a private 3-master Redis Cluster (a replica each) as the cache instead of one Redis.")
    var cluster = false

    @Option(help: "Stores to create.")
    var stores = 6

    @Option(help: "Matched releases to create.")
    var releases = 400

    @Option(help: "Releases waiting in the queue for the worker.")
    var queued = 300

    @Option(help: "Releases the background worker matches per second (so the queue pane has something to show).")
    var pace = 2.0

    func run() throws {
        let directory = keep ? URL(fileURLWithPath: dir ?? Self.defaultDirectory()) : nil
        let servers = try LocalServers.start(directory: directory, keepData: keep) { printError("demo: \($0)") }
        defer { servers.stop() }
        var redisCluster: LocalRedisCluster?
        if cluster {
            printError("demo: starting a private Redis Cluster (3 masters, a replica each)…")
            redisCluster = try LocalServers.startRedisCluster()
        }
        defer { redisCluster?.stop() }
        var settings = RotationSettings()
        settings.databaseURL = servers.postgresURL
        settings.redisURL = redisCluster?.seedURLs ?? servers.redisURL
        settings.readOnly = false

        let db = try TierConnections.openPrimary(settings, purpose: "rotation demo")
        let runner = try MigrationRunner(connection: db)
        try runner.apply { printError("demo: migrating \($0.name)…") }
        let existing = try CatalogueCounts.releases(on: db)
        guard let redis = try TierConnections.openRedis(settings) else { throw ValidationError("the demo's Redis did not start") }
        let warmer = CacheWarmer(database: db, redis: redis, ttlSeconds: settings.cacheTTL,
                                 ttlJitterPercent: settings.cacheTTLJitterPercent)
        if existing == 0 {
            printError("demo: filling the database with \(releases) releases over \(stores) stores…")
            let report = try SyntheticDataSeeder(connection: db).seed(
                SeedRequest(stores: stores, releases: releases, tracksPerRelease: 10, queuedReleases: queued, seed: 7))
            printError("demo: \(report.trackMatches) matches, \(report.candidates) candidates, \(report.queueRows) queued releases")
            try warmer.run(.all)
        } else {
            printError("demo: using the kept data (\(existing) releases) in \(servers.directory.path)")
            // A cluster starts empty every time: fill it as the first run filled the kept one.
            if cluster { try warmer.run(.all) }
        }
        db.close()

        let worker = try startWorker(servers: servers, redisURL: settings.redisURL!)
        defer {
            worker.terminate()
            worker.waitUntilExit()
            servers.unwatch(name: "worker")
        }
        try ConsoleLauncher(settings: settings, options: console).run()
    }

    /// The worker runs as its own process, as it would in production, logging to the demo directory.
    private func startWorker(servers: LocalServers, redisURL: String) throws -> Process {
        let log = servers.directory.appendingPathComponent("worker.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil, attributes: [.posixPermissions: 0o600])
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        // This very program, found through /proc/self/exe: argv[0] may be relative or a name on the PATH.
        process.executableURL = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["worker", "--concurrency", "1", "--batch", "1", "--pace", String(pace)]
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = servers.postgresURL
        environment["REDIS_URL"] = redisURL
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
        try servers.watch(pid: process.processIdentifier, name: "worker")
        return process
    }

    static func defaultDirectory() -> String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_DATA_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share")
        return base.appendingPathComponent("rotation/demo").path
    }
}
