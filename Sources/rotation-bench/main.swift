import Foundation
import LocalServers

// Benchmarks print figures and ratios against the raw floor measured in the same run; they assert nothing.
// With DATABASE_URL / REDIS_URL unset they run on private servers started here.
// Usage: rotation-bench [clients] [service] [pipeline] [console] [adoption] [dump] [deployments] [--scale N]
// [--compare-blocking-walk] (no group: all of them), or rotation-bench scale [--rows N] (only when named). The
// blocking walk (the web app's approach to cache stats) runs by default only on the private servers started here: on
// a shared Redis it would stall everyone for a second or more.
// `rotation-bench matcher-profile [--repeat N] [--json FILE] DIR...` matches release files only (MatcherProfile.swift).
// `rotation-bench issue13 [--rows N]` runs every group with a figure of issue 13 (pipeline, dump, scale) and ends with
// their table: each figure with its floor from the same run (IssueFigures.swift).
var argumentList = Array(CommandLine.arguments.dropFirst())
var scale = 1
if let index = argumentList.firstIndex(of: "--scale"), index + 1 < argumentList.count {
    scale = max(1, Int(argumentList[index + 1]) ?? 1)
    argumentList.removeSubrange(index...(index + 1))
}
// The scale group (issue 13) runs only when named: `scale [--rows N]`, 10M rows by default.
var scaleRows = 10_000_000
if let index = argumentList.firstIndex(of: "--rows"), index + 1 < argumentList.count {
    scaleRows = max(20_000, Int(argumentList[index + 1]) ?? scaleRows)
    argumentList.removeSubrange(index...(index + 1))
}
var compareBlockingWalk = false
if let index = argumentList.firstIndex(of: "--compare-blocking-walk") {
    compareBlockingWalk = true
    argumentList.remove(at: index)
}
let arguments = Set(argumentList)
// The matcher alone on release files, for callgrind: needs no servers, so it runs before any start.
if argumentList.first == "matcher-profile" {
    do { try runMatcherProfile(Array(argumentList.dropFirst())) } catch {
        FileHandle.standardError.write(Data("matcher profile failed: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
let environment = ProcessInfo.processInfo.environment
var servers: LocalServers?
let postgresURL: String
let redisURL: String
if arguments == ["deployments"] {
    postgresURL = ""  // the deployment group starts servers of each shape itself
    redisURL = ""
} else if let db = environment["DATABASE_URL"], let redis = environment["REDIS_URL"] {
    postgresURL = db
    redisURL = redis
} else {
    FileHandle.standardError.write(Data("starting private Postgres and Redis…\n".utf8))
    let started = try LocalServers.start()
    servers = started
    compareBlockingWalk = true
    postgresURL = started.postgresURL!
    redisURL = started.redisURL!
}
defer { servers?.stop() }

func wanted(_ group: String) -> Bool { arguments.isEmpty || arguments.contains(group) }

/// The 1-minute load average, to print beside figures from a shared machine.
func consoleLoadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
}

do {
    if wanted("clients") { try runClientBenchmarks(postgresURL: postgresURL, redisURL: redisURL) }
    if wanted("service") { try runServiceBenchmarks(postgresURL: postgresURL, redisURL: redisURL, scale: scale,
                                                         compareBlockingWalk: compareBlockingWalk) }
    if wanted("pipeline") { try runPipelineBenchmarks(postgresURL: postgresURL, redisURL: redisURL) }
    if wanted("adoption") { try runAdoptionBenchmarks(postgresURL: postgresURL, scale: scale) }
    if wanted("dump") { try runDumpBenchmarks(postgresURL: postgresURL) }
    if wanted("search") { try runSearchBenchmarks(postgresURL: postgresURL) }
    if wanted("console") { try runConsoleBenchmarks(postgresURL: postgresURL, redisURL: redisURL) }
    // Starts its own servers of each shape (single node, cluster, TLS): the URLs above are not used.
    if wanted("deployments") { try runDeploymentBenchmarks() }
    if arguments.contains("scale") { try runScaleBenchmarks(postgresURL: postgresURL, redisURL: redisURL, rows: scaleRows) }
    if arguments.contains("issue13") {
        let started = Date()
        try runPipelineBenchmarks(postgresURL: postgresURL, redisURL: redisURL)
        try runDumpBenchmarks(postgresURL: postgresURL)
        try runScaleBenchmarks(postgresURL: postgresURL, redisURL: redisURL, rows: scaleRows)
        print("== Issue 13: every figure with its floor, one run (\(Int(Date().timeIntervalSince(started))) s, "
              + "load average at the end \(consoleLoadAverage()) ==")
        print(IssueFigures.table())
    }
} catch {
    FileHandle.standardError.write(Data("benchmark failed: \(error)\n".utf8))
    servers?.stop()
    exit(1)
}
