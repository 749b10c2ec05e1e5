import Foundation
import LocalServers

// Benchmarks print figures and ratios against the raw floor measured in the same run; they assert nothing.
// With DATABASE_URL / REDIS_URL unset they run on private servers started here.
let arguments = Set(CommandLine.arguments.dropFirst())
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
    postgresURL = started.postgresURL!
    redisURL = started.redisURL!
}
defer { servers?.stop() }

func wanted(_ group: String) -> Bool { arguments.isEmpty || arguments.contains(group) }

do {
    if wanted("clients") { try runClientBenchmarks(postgresURL: postgresURL, redisURL: redisURL) }
} catch {
    FileHandle.standardError.write(Data("benchmark failed: \(error)\n".utf8))
    servers?.stop()
    exit(1)
}
