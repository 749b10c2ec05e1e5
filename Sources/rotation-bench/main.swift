import Foundation
import LocalServers

// Benchmarks print figures and ratios against the raw floor measured in the same run; they assert nothing.
// With DATABASE_URL / REDIS_URL unset they run on private servers started here.
// Usage: rotation-bench [clients] [service] [pipeline] [console] [adoption] [dump] [--scale N] [--compare-blocking-walk]
// (no group: all of them). The blocking walk (the web app's approach to cache stats) runs by default only on the
// private servers started here: on a shared Redis it would stall everyone for a second or more.
var argumentList = Array(CommandLine.arguments.dropFirst())
var scale = 1
if let index = argumentList.firstIndex(of: "--scale"), index + 1 < argumentList.count {
    scale = max(1, Int(argumentList[index + 1]) ?? 1)
    argumentList.removeSubrange(index...(index + 1))
}
var compareBlockingWalk = false
if let index = argumentList.firstIndex(of: "--compare-blocking-walk") {
    compareBlockingWalk = true
    argumentList.remove(at: index)
}
let arguments = Set(argumentList)
let environment = ProcessInfo.processInfo.environment
var servers: LocalServers?
let postgresURL: String
let redisURL: String
if let db = environment["DATABASE_URL"], let redis = environment["REDIS_URL"] {
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

do {
    if wanted("clients") { try runClientBenchmarks(postgresURL: postgresURL, redisURL: redisURL) }
    if wanted("service") { try runServiceBenchmarks(postgresURL: postgresURL, redisURL: redisURL, scale: scale,
                                                         compareBlockingWalk: compareBlockingWalk) }
    if wanted("pipeline") { try runPipelineBenchmarks(postgresURL: postgresURL, redisURL: redisURL) }
    if wanted("adoption") { try runAdoptionBenchmarks(postgresURL: postgresURL, scale: scale) }
    if wanted("dump") { try runDumpBenchmarks(postgresURL: postgresURL) }
    if wanted("console") { try runConsoleBenchmarks(postgresURL: postgresURL, redisURL: redisURL) }
} catch {
    FileHandle.standardError.write(Data("benchmark failed: \(error)\n".utf8))
    servers?.stop()
    exit(1)
}
