import Foundation
import LocalServers
import Postgres
import Redis
import Rotation

/// Issue 11's table: one review action end to end, a cache-stats sample, and clearing a store, on one Redis, on a
/// 3-master Redis Cluster (a replica each) and over TLS (Redis and Postgres), each shape started privately in this
/// run. Every figure is a ratio to the floor of the plain single-node shape measured in the same run (the bare
/// Postgres upsert + bare Redis SET; a bare DBSIZE; a bare DELETE + UNLINK of the same rows and keys), so the
/// ratios say what each deployment costs on top of what our code costs.
func runDeploymentBenchmarks() throws {
    print("deployment benchmarks: single node vs cluster vs TLS (private servers of each shape, this run)")
    let plain = try LocalServers.start()
    defer { plain.stop() }
    let single = try DeploymentBench(label: "single node", postgresURL: plain.postgresURL!, redisURL: plain.redisURL!)
    defer { single.tearDown() }
    let floors = try single.floors()
    print(String(format: "  floors (single node, plain): upsert + SET %.1f us; DBSIZE %.1f us; DELETE + UNLINK of a %d-track store %.2f ms",
                 floors.action * 1e6, floors.stats * 1e6, DeploymentBench.storeTracks, floors.clear * 1e3))

    var rows = [try single.measure(against: floors)]
    let cluster = try LocalServers.startRedisCluster()
    defer { cluster.stop() }
    let clustered = try DeploymentBench(label: "cluster (3 masters)", postgresURL: plain.postgresURL!, redisURL: cluster.url)
    defer { clustered.tearDown() }
    rows.append(try clustered.measure(against: floors))

    let tlsServers = try LocalServers.start(tls: LocalServers.TLSShape())
    defer { tlsServers.stop() }
    let tls = try DeploymentBench(label: "TLS (both tiers)", postgresURL: tlsServers.postgresURL!, redisURL: tlsServers.redisURL!)
    defer { tls.tearDown() }
    rows.append(try tls.measure(against: floors))

    print("  | deployment | approve end to end | cache stats (INFO + DBSIZE) | clear a store (\(DeploymentBench.storeTracks) tracks) |")
    print("  |---|---|---|---|")
    for row in rows {
        print(String(format: "  | %@ | %.1f us (%.2fx) | %.1f us (%.2fx) | %.2f ms (%.2fx) |", row.label,
                     row.action * 1e6, row.action / floors.action, row.stats * 1e6, row.stats / floors.stats,
                     row.clear * 1e3, row.clear / floors.clear))
    }
}

private struct DeploymentFigures {
    var label: String
    var action: Double
    var stats: Double
    var clear: Double
}

private final class DeploymentBench {
    static let actions = 300
    static let storeTracks = 2000
    let label: String
    let scratch: ScratchDatabase
    var db: PostgresConnection { scratch.db }
    let service: MatchService
    let redis: any RedisClient
    let actionsRunner: ReviewActions

    /// Opens the service as the programs do (`TierConnections`: the cluster detected from one node's URL).
    init(label: String, postgresURL: String, redisURL: String) throws {
        self.label = label
        scratch = try ScratchDatabase(adminURL: postgresURL, name: "rotation_deploy_\(getpid())_\(UInt32.random(in: 0...UInt32.max))")
        var settings = RotationSettings(environment: [:])
        settings.databaseURL = scratch.url
        settings.redisURL = redisURL
        service = try MatchService(settings: settings)
        guard let redis = service.redis else { throw RedisError.invalidConfiguration("the deployment benchmarks need REDIS_URL") }
        self.redis = redis
        actionsRunner = ReviewActions(service: service)
    }

    func tearDown() {
        _ = try? CacheClearer(redis: redis, database: nil, batchSize: 1000).clear(.allMatches)
        service.database.close()
        scratch.drop()
    }

    /// The raw floors, on this (plain, single-node) shape.
    func floors() throws -> (action: Double, stats: Double, clear: Double) {
        for i in 0..<20 { try upsert(release: 900_000_000 + Int64(i)); try redis.set("match:900000000:\(i)", "{}", expireSeconds: 60) }
        let action = median(try (0..<Self.actions).map { index in
            seconds {
                try? upsert(release: 800_000_000 + Int64(index))
                try? redis.set("match:800000000:\(index)", Self.value, expireSeconds: 86_400)
            }
        })
        let stats = median((0..<200).map { _ in seconds { _ = try? redis.totalKeys() } })
        try loadStore(first: 70_000_000)
        let keys = (0..<Self.storeTracks).map { "match:\(70_000_000 + $0 / 10):\($0 % 10)" }
        let clear = seconds {
            _ = try? db.query("DELETE FROM track_matches WHERE release_id >= 70000000 AND release_id < 71000000")
            for start in stride(from: 0, to: keys.count, by: 500) { _ = try? redis.unlink(Array(keys[start..<min(start + 500, keys.count)])) }
        }
        return (action, stats, clear)
    }

    func measure(against floors: (action: Double, stats: Double, clear: Double)) throws -> DeploymentFigures {
        try db.copyIn("COPY track_matches (release_id, track_index, platform, match_url, confidence, approved) FROM STDIN") { send in
            for i in 0..<Self.actions { try send("\(1 + i / 10)\t\(i % 10)\tyoutube\thttps://www.youtube.com/watch?v=d\(i)\t0.6\tf\n") }
        }
        let rows = try db.query("SELECT release_id, track_index, updated_at FROM track_matches WHERE release_id < 1000 ORDER BY 1, 2").rows
        for row in rows.prefix(10) {
            _ = try? service.getOrComputeMatch(TrackKey(releaseID: try row.decode("release_id"), trackIndex: try row.decode("track_index")))
        }
        var actionTimes: [Double] = []
        for row in rows {
            let key = TrackKey(releaseID: try row.decode("release_id"), trackIndex: try row.decode("track_index"))
            let updatedAt = try row.decode("updated_at", as: Date.self)
            actionTimes.append(seconds { _ = try actionsRunner.approve(key, seen: .updatedAt(updatedAt), reviewer: "bench") })
        }
        let sampler = CacheStatsSampler(redis: redis)
        _ = try sampler.sample(startScan: false)
        let statsTimes = (0..<200).map { _ in seconds { _ = try sampler.sample(startScan: false) } }
        sampler.stop()
        try loadStore(first: 60_000_000)
        try db.copyIn("COPY releases (discogs_id, store_username, title, artist, tracklist) FROM STDIN") { send in
            for r in 0..<(Self.storeTracks / 10) { try send("\(60_000_000 + r)\tdeploy-store\tRelease \(r)\tArtist\t[]\n") }
        }
        let clear = seconds { _ = try actionsRunner.clearStore("deploy-store", reviewer: "bench") }
        return DeploymentFigures(label: label, action: median(actionTimes), stats: median(statsTimes), clear: clear)
    }

    private func loadStore(first: Int64) throws {
        try db.copyIn("COPY track_matches (release_id, track_index, platform, match_url, confidence, approved) FROM STDIN") { send in
            for i in 0..<Self.storeTracks { try send("\(first + Int64(i / 10))\t\(i % 10)\tyoutube\thttps://youtu.be/s\(i)\t0.9\tt\n") }
        }
        let keys = (0..<Self.storeTracks).map { "match:\(first + Int64($0 / 10)):\($0 % 10)" }
        _ = try redis.pipeline(routedBy: keys, keys.map { ["SET", $0, Self.value, "EX", 3600] })
    }

    private func upsert(release: Int64) throws {
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved, verified_by)
            VALUES ($1, 0, 'youtube', 'https://youtu.be/x', 1, true, 'bench')
            ON CONFLICT (release_id, track_index) DO UPDATE SET approved = true, verified_by = 'bench', updated_at = now()
            """, release)
    }

    static let value = #"{"platform":"youtube","match_url":"u","confidence":1,"approved":true,"verified_at":"2024-01-01T00:00:00.000Z"}"#
}
