import Foundation
import Postgres
import Redis
import Rotation

/// The match service's benchmarks (issue 3): each prints its figures and the ratio against the floor measured in
/// the same run on the same servers. `scale` divides the data sizes (1 = the issue's sizes: 1M rows, 1M keys).
/// Runs in a scratch database it creates and drops, and in Redis database 15, which must be empty (it is emptied
/// again with SCAN + UNLINK at the end).
func runServiceBenchmarks(postgresURL: String, redisURL: String, scale: Int, compareBlockingWalk: Bool) throws {
    let bench = try ServiceBench(postgresURL: postgresURL, redisURL: redisURL, scale: max(1, scale))
    defer { bench.tearDown() }
    try bench.reviewAction()
    try bench.pendingPages()
    try bench.cacheStats(compareBlockingWalk: compareBlockingWalk)
    try bench.storeClear()
}

private final class ServiceBench {
    let scale: Int
    let scratch: ScratchDatabase
    var db: PostgresConnection { scratch.db }
    let redis: RedisConnection
    let service: MatchService
    let actions: ReviewActions
    let clock = ContinuousClock()

    init(postgresURL: String, redisURL: String, scale: Int) throws {
        self.scale = scale
        scratch = try ScratchDatabase(adminURL: postgresURL, name: "rotation_bench_\(getpid())")
        var configuration = try RedisConfiguration(url: redisURL)
        configuration.database = 15
        configuration.commandTimeout = .seconds(60)  // the one-call walk of 1M keys takes seconds
        redis = try RedisConnection.connect(configuration)
        guard try redis.dbsize() == 0 else {
            throw RedisError.server("Redis database 15 is not empty: the service benchmarks need it to themselves")
        }
        service = MatchService(database: try PostgresConnection(url: scratch.url), redis: redis, cacheTTL: 86_400)
        actions = ReviewActions(service: service)
        print("service benchmarks (scale 1/\(scale)), Postgres \(db.serverVersion)")
    }

    func tearDown() {
        _ = try? CacheClearer(redis: redis, database: nil, batchSize: 1000).clear(.allMatches)
        service.database.close()
        scratch.drop()
    }

    // MARK: Measuring

    func time(_ body: () throws -> Void) rethrows -> Double {
        let start = clock.now
        try body()
        return seconds(clock.now - start)
    }

    func micros(_ seconds: Double) -> String { String(format: "%.1f us", seconds * 1e6) }
    func millis(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1e3) }

    // MARK: Loading

    /// Loads `count` matches starting at release `firstRelease` with COPY (10 tracks per release, about 60%
    /// pending). The notify trigger is off while loading: a million notifications would only measure the queue.
    func copyMatches(count: Int, firstRelease: Int64) throws {
        try db.query("ALTER TABLE track_matches DISABLE TRIGGER track_matches_notify")
        defer { _ = try? db.query("ALTER TABLE track_matches ENABLE TRIGGER track_matches_notify") }
        var generator = SystemRandomNumberGenerator()
        try db.copyIn("COPY track_matches (release_id, track_index, platform, match_url, confidence, approved) FROM STDIN") { send in
            for i in 0..<count {
                let confidence = Double.random(in: 0.5..<1, using: &generator)
                let release = firstRelease + Int64(i / 10)
                try send("\(release)\t\(i % 10)\tyoutube\thttps://www.youtube.com/watch?v=b\(release)t\(i % 10)\t\(String(format: "%.4f", confidence))\t\(confidence >= 0.8 ? "t" : "f")\n")
            }
        }
        try db.query("ANALYZE track_matches")
    }

    // MARK: 1. One review action vs the floor

    func reviewAction() throws {
        let n = max(200, 2000 / scale)
        try copyMatches(count: n * 2, firstRelease: 1)
        let rows = try db.query("""
            SELECT id, release_id, track_index, platform, match_url, confidence, approved, verified_by, verified_at,
                   created_at, updated_at FROM track_matches ORDER BY release_id, track_index LIMIT $1
            """, n).rows
        var seen: [(TrackKey, Date?)] = []
        for row in rows {
            seen.append((TrackKey(releaseID: try row.decode("release_id"), trackIndex: try row.decode("track_index")),
                         try row.decode("updated_at", as: Date?.self)))
        }
        // Warm both paths (connections, plans) before measuring.
        for i in 0..<20 {
            try floorUpsert(release: 900_000_000 + Int64(i))
            try redis.set("match:900000000:\(i)", "{}", expireSeconds: 86_400)
        }
        var floor: [Double] = []
        var ours: [Double] = []
        for (index, (key, updatedAt)) in seen.enumerated() {
            // Interleaved, so that both see the same server conditions.
            floor.append(try time {
                try floorUpsert(release: 800_000_000 + Int64(index))
                try redis.set("match:800000000:\(index)", #"{"platform":"youtube","match_url":"u","confidence":1,"approved":true,"verified_at":"2024-01-01T00:00:00.000Z"}"#, expireSeconds: 86_400)
            })
            ours.append(try time {
                try actions.approve(key, seen: updatedAt.map { .updatedAt($0) } ?? .none, reviewer: "bench")
            })
        }
        let ratio = median(ours) / median(floor)
        print("approve end to end: median \(micros(median(ours))) vs floor (bare upsert + bare SET) \(micros(median(floor))) -> \(String(format: "%.2fx", ratio)) (budget 1.5x), \(n) actions")
    }

    private func floorUpsert(release: Int64) throws {
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved, verified_by)
            VALUES ($1, 0, 'youtube', 'https://youtu.be/x', 1, true, 'bench')
            ON CONFLICT (release_id, track_index) DO UPDATE SET approved = true, verified_by = 'bench', updated_at = now()
            """, release)
    }

    // MARK: 2. A page of 50 pending rows at 10k and at 1M rows

    func pendingPages() throws {
        try db.query("TRUNCATE track_matches")
        let small = 10_000 / min(scale, 10)
        let large = 1_000_000 / scale
        let queries = ReviewQueries(database: db)
        try copyMatches(count: small, firstRelease: 10_000_000)
        let atSmall = try pageCost(queries)
        try copyMatches(count: large - small, firstRelease: 20_000_000)
        let atLarge = try pageCost(queries)
        print("pending page of 50: at \(small) rows first \(micros(atSmall.first)), deep \(micros(atSmall.deep)), filtered \(micros(atSmall.filtered)); at \(large) rows first \(micros(atLarge.first)), deep \(micros(atLarge.deep)), filtered \(micros(atLarge.filtered)) -> \(String(format: "%.2fx", atLarge.first / atSmall.first)) first, \(String(format: "%.2fx", atLarge.deep / atSmall.deep)) deep (budget 1.3x)")
        let stores = try time { _ = try queries.stores() }
        print("stores list page at \(large) rows: \(micros(stores)) (trigger-maintained counters)")
    }

    private func pageCost(_ queries: ReviewQueries) throws -> (first: Double, deep: Double, filtered: Double) {
        var cursor: String?
        for _ in 0..<20 { cursor = try queries.pending(after: cursor, limit: 50).nextCursor }  // a page 1000 rows in
        let filter = PendingFilter(minConfidence: 0.6, maxConfidence: 0.7, platform: "youtube")
        var first: [Double] = [], deep: [Double] = [], filtered: [Double] = []
        for _ in 0..<200 {
            first.append(try time { _ = try queries.pending(limit: 50) })
            deep.append(try time { _ = try queries.pending(after: cursor, limit: 50) })
            filtered.append(try time { _ = try queries.pending(filter, limit: 50) })
        }
        return (median(first), median(deep), median(filtered))
    }

    // MARK: 3. Cache stats at 1M keys vs the web app's blocking walk

    func cacheStats(compareBlockingWalk: Bool) throws {
        let keys = 1_000_000 / scale
        let value = #"{"platform":"youtube","match_url":"https://www.youtube.com/watch?v=x","confidence":0.9,"approved":true,"verified_at":"2024-01-01T00:00:00.000Z"}"#
        for start in stride(from: 0, to: keys, by: 5000) {
            let replies = try redis.pipeline((start..<min(start + 5000, keys)).map { i in
                ["SET", "match:\(30_000_000 + i / 10):\(i % 10)", value, "EX", 86_400 - i % 3600]
            })
            if let failure = replies.first(where: { $0.errorMessage != nil }) { throw RedisError.server(failure.errorMessage!) }
        }
        // SLOWLOG records every command slower than 1 ms while ours run.
        let previousThreshold = try? redis.command("CONFIG", "GET", "slowlog-log-slower-than").array?.last?.string
        let slowlogAvailable = (try? redis.command("CONFIG", "SET", "slowlog-log-slower-than", "1000")) != nil
        _ = try? redis.command("SLOWLOG", "RESET")
        let sampler = CacheStatsSampler(redis: redis, counters: service.counters)
        let sample = try time { _ = try sampler.sample(startScan: false) }
        var scan: KeyspaceScanResult?
        let scanTime = try time { scan = try sampler.scanNow() }
        let slow = slowlogAvailable ? (try redis.command("SLOWLOG", "GET", "128").array ?? []) : []
        if let previousThreshold { _ = try? redis.command("CONFIG", "SET", "slowlog-log-slower-than", previousThreshold) }
        let calls = scan?.calls ?? 0
        print("cache stats at \(keys) keys: INFO + DBSIZE \(micros(sample)); background SCAN \(millis(scanTime)) in \(calls) calls (\(micros(scanTime / Double(max(calls, 1)))) per call incl. TTL sample and pauses), \(scan?.matchKeys ?? 0) match:* keys")
        let slowNames = slow.compactMap { entry -> String? in
            guard let fields = entry.array, fields.count > 3, let micros = fields[2].int else { return nil }
            return "\(fields[3].array?.first?.string ?? "?") \(micros) us"
        }
        print("  commands over 1 ms while ours ran: \(slowlogAvailable ? String(slow.count) : "n/a (CONFIG refused)")\(slowNames.isEmpty ? "" : " (\(slowNames.prefix(5).joined(separator: ", ")))")")
        // The web app walks the keyspace in one blocking call (its KEYS with the match:* pattern). This project never
        // sends KEYS, so the same walk is timed as one SCAN whose COUNT covers every key: the server does the same
        // work, blocking everyone for its whole length. Only on servers the benchmark started itself, unless asked.
        guard compareBlockingWalk else {
            print("  (pass --compare-blocking-walk to time the web app's one-call walk of the keyspace beside it)")
            return
        }
        let total = try redis.dbsize()
        let walk = try time { _ = try redis.command("SCAN", "0", "MATCH", "match:*", "COUNT", total + 1) }
        print("  the web app's approach, one blocking walk of all \(total) keys (what its KEYS call costs): \(millis(walk)) in one call " +
              "(\(String(format: "%.0fx", walk / max(sample, 1e-9))) our INFO + DBSIZE)")
    }

    // MARK: 4. Clearing a store with 10k tracks

    func storeClear() throws {
        let tracks = 10_000 / min(scale, 10)
        let releases = tracks / 10
        try db.copyIn("COPY releases (discogs_id, store_username, title, artist, tracklist) FROM STDIN") { send in
            let tracklist = "[" + (0..<10).map { #"{"type_":"track","title":"T\#($0)"}"# }.joined(separator: ",") + "]"
            for r in 0..<releases { try send("\(50_000_000 + r)\tbench-store\tRelease \(r)\tArtist\t\(tracklist)\n") }
        }
        try copyMatches(count: tracks, firstRelease: 50_000_000)
        for start in stride(from: 0, to: tracks, by: 5000) {
            _ = try redis.pipeline((start..<min(start + 5000, tracks)).map { i in
                ["SET", "match:\(50_000_000 + i / 10):\(i % 10)", "{}", "EX", 3600]
            })
        }
        var outcome: ReviewOutcome?
        let elapsed = try time { outcome = try actions.clearStore("bench-store", reviewer: "bench") }
        let left = try redis.exists((0..<min(tracks, 1000)).map { "match:\(50_000_000 + $0 / 10):\($0 % 10)" })
        print("clear store with \(tracks) tracks: \(millis(elapsed)) (\(outcome?.rowsAffected ?? 0) rows deleted and logged, keys unlinked in batches of 500; \(left) of the first 1000 keys left)")
    }
}
