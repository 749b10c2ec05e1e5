import CHiredis
import CLibpq
import Foundation
import Postgres
import Redis

/// Our Postgres and Redis clients against raw libpq and hiredis calls on the same servers, in one run.
/// Rounds alternate between the two so that drift in the machine's load hits both alike; the median round counts.
func runClientBenchmarks(postgresURL: String, redisURL: String, iterations: Int = 4000, rounds: Int = 15) throws {
    print("== Client overhead (our wrapper vs the raw C library), \(iterations) calls × \(rounds) rounds ==")

    // Postgres: a parameterized SELECT and an upsert.
    let db = try PostgresConnection(url: postgresURL)
    try db.query("CREATE TABLE IF NOT EXISTS bench_upsert (k INT PRIMARY KEY, v TEXT, n INT DEFAULT 0)")
    let raw = try RawPostgres(url: postgresURL)
    let select = compare(rounds: rounds,
        ours: { for i in 0..<iterations { _ = try db.query("SELECT $1::int + 1", i).scalar(Int.self) } },
        floor: { for i in 0..<iterations { raw.exec("SELECT $1::int + 1", [String(i)]) } })
    report("postgres SELECT $1", select, iterations: iterations)
    let upsertSQL = "INSERT INTO bench_upsert (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, n = bench_upsert.n + 1"
    let upsert = compare(rounds: rounds,
        ours: { for i in 0..<iterations { try db.query(upsertSQL, i % 500, "value \(i)") } },
        floor: { for i in 0..<iterations { raw.exec(upsertSQL, [String(i % 500), "value \(i)"]) } })
    report("postgres upsert", upsert, iterations: iterations)
    try db.query("DROP TABLE bench_upsert")

    // Redis: SET with a TTL and GET.
    let redis = try RedisConnection(url: redisURL)
    let rawRedis = try RawRedis(configuration: RedisConfiguration(url: redisURL))
    let set = compare(rounds: rounds,
        ours: { for i in 0..<iterations { try redis.set("bench:\(i % 500)", "{\"v\":\(i)}", expireSeconds: 60) } },
        floor: { for i in 0..<iterations { rawRedis.command(["SET", "bench:\(i % 500)", "{\"v\":\(i)}", "EX", "60"]) } })
    report("redis SET EX", set, iterations: iterations)
    let get = compare(rounds: rounds,
        ours: { for i in 0..<iterations { _ = try redis.get("bench:\(i % 500)") } },
        floor: { for i in 0..<iterations { rawRedis.command(["GET", "bench:\(i % 500)"]) } })
    report("redis GET", get, iterations: iterations)
    try redis.unlink((0..<500).map { "bench:\($0)" })
    print("")
}

func report(_ name: String, _ comparison: Comparison, iterations: Int) {
    let oursMicros = comparison.ours / Double(iterations) * 1e6
    let floorMicros = comparison.floor / Double(iterations) * 1e6
    print(String(format: "  %@ ours %8.1f µs/call   raw %8.1f µs/call   overhead %+6.1f %%   ratio %.3f",
                 name.padding(toLength: 20, withPad: " ", startingAt: 0) as NSString, oursMicros, floorMicros, comparison.overheadPercent, comparison.ratio))
}

/// libpq called directly, the floor our Postgres client is measured against.
final class RawPostgres {
    let connection: OpaquePointer

    init(url: String) throws {
        guard let conn = PQconnectdb(url), PQstatus(conn) == CONNECTION_OK else {
            throw PostgresError(.connectionFailed, message: "raw libpq connection failed")
        }
        connection = conn
    }

    deinit { PQfinish(connection) }

    func exec(_ sql: String, _ parameters: [String]) {
        let copies = parameters.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let values = copies.map { UnsafePointer($0) }
        let result = values.withUnsafeBufferPointer {
            PQexecParams(connection, sql, Int32(parameters.count), nil, $0.baseAddress, nil, nil, 0)
        }
        if let result {
            if PQntuples(result) > 0 { _ = PQgetvalue(result, 0, 0) }
            PQclear(result)
        }
    }
}

/// hiredis called directly, the floor our Redis client is measured against.
final class RawRedis {
    let context: UnsafeMutablePointer<redisContext>

    init(configuration: RedisConfiguration) throws {
        guard case .tcp(let host, let port) = configuration.endpoint,
              let context = redisConnect(host, Int32(port)), context.pointee.err == 0 else {
            throw RedisError.connectionRefused("raw hiredis connection failed")
        }
        self.context = context
        if let password = configuration.password { command(["AUTH", password]) }
        command(["SELECT", String(configuration.database)])
    }

    deinit { redisFree(context) }

    func command(_ arguments: [String]) {
        let copies = arguments.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let lengths = arguments.map { $0.utf8.count }
        var pointers = copies.map { UnsafePointer($0) }
        let reply = pointers.withUnsafeMutableBufferPointer { argv in
            lengths.withUnsafeBufferPointer { argvlen in
                redisCommandArgv(context, Int32(arguments.count), argv.baseAddress, argvlen.baseAddress)
            }
        }
        if let reply { freeReplyObject(reply) }
    }
}
