import Foundation
import Matching
import Postgres
import Redis
import Rotation

/// The matching pipeline's figures: import throughput (listings and release bodies), seed time for 1M
/// `track_matches` rows, the matcher alone, and worker throughput (matching plus every write, two workers on this
/// machine; target >= 300 releases/s) as a share of its write floor measured in the same run (the same rows written
/// by the same workers from releases matched in advance; goal >= 50 %). Runs in a database of its own, dropped at
/// the end.
func runPipelineBenchmarks(postgresURL: String, redisURL: String) throws {
    let clock = ContinuousClock()
    func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = clock.now
        let value = try body()
        return (value, seconds(clock.now - start))
    }

    let admin = try PostgresConnection(url: postgresURL)
    let name = "rotation_bench_pipeline_\(getpid())"
    try admin.query("DROP DATABASE IF EXISTS \(admin.quoteIdentifier(name))")
    try admin.query("CREATE DATABASE \(admin.quoteIdentifier(name))")
    defer {
        _ = try? admin.query("DROP DATABASE IF EXISTS \(admin.quoteIdentifier(name)) WITH (FORCE)")
        admin.close()
    }
    guard var components = URLComponents(string: postgresURL) else { throw PostgresError(.connectionFailed, message: "need a URL") }
    components.path = "/" + name
    let url = components.string!
    let db = try PostgresConnection(url: url)
    try MigrationRunner(connection: db).apply()
    print("pipeline benchmarks (database \(name))")

    // Import: synthetic inventory pages of 100 listings in the current schema, then release bodies.
    let pages = 100
    var pageData: [Data] = []
    for page in 0..<pages {
        var listings: [[String: Any]] = []
        for item in 0..<100 {
            let id = 8_000_000_000 + page * 100 + item
            listings.append([
                "id": id, "status": "For Sale", "price": ["currency": "EUR", "value": 12.5],
                "seller": ["username": "bench-store-\(page % 5)"],
                "release": ["id": id, "description": "Artist \(id) - Title \(id) (LP)", "artist": "Artist \(id)",
                            "title": "Title \(id)", "year": 1990 + item % 30, "catalog_number": "BEN-\(id)",
                            "format": "LP", "thumbnail": ""],
            ])
        }
        pageData.append(try JSONSerialization.data(withJSONObject: [
            "pagination": ["page": page + 1, "pages": pages, "per_page": 100, "items": pages * 100], "listings": listings]))
    }
    let importer = DiscogsImporter(connection: db)
    let (listingsImported, importSeconds) = try time {
        try pageData.enumerated().reduce(0) { $0 + (try importer.importInventoryPage($1.element, source: "page \($1.offset + 1)").listingsProcessed) }
    }
    print(String(format: "  import inventory: %d listings in %.2f s = %.0f listings/s", listingsImported, importSeconds,
                 Double(listingsImported) / importSeconds))
    let (_, reimportSeconds) = try time {
        for (index, data) in pageData.enumerated() { _ = try importer.importInventoryPage(data, source: "page \(index + 1)") }
    }
    print(String(format: "  re-import (no change): %.0f listings/s", Double(listingsImported) / reimportSeconds))

    // The benchmark runs from a checkout: the fixtures are found from this source file (Sources/rotation-bench/).
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/discogs/releases")
    if let names = try? FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter({ $0.hasSuffix(".json") }), !names.isEmpty {
        var bodies: [Data] = []
        for copy in 0..<10 {
            for file in names {
                var object = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent(file))) as! [String: Any]
                object["id"] = 8_500_000_000 + copy * 100_000_000 + ((object["id"] as? Int) ?? 0)
                bodies.append(try JSONSerialization.data(withJSONObject: object))
            }
        }
        let catalog = ReleaseCatalog(connection: db)
        let (_, bodySeconds) = try time {
            for (index, data) in bodies.enumerated() {
                _ = try catalog.upsertRelease(try ReleaseBody(data: data, source: "body \(index)"), store: "bench-store-0")
            }
        }
        print(String(format: "  import release bodies: %d in %.2f s = %.0f releases/s", bodies.count, bodySeconds,
                     Double(bodies.count) / bodySeconds))
    }
    try db.query("DELETE FROM processing_queue")

    // Seed: 1M track_matches (100k releases x 10 tracks) with COPY.
    let seeder = SyntheticDataSeeder(connection: db)
    let seed = try seeder.seed(SeedRequest(stores: 20, releases: 100_000, tracksPerRelease: 10, queuedReleases: 0))
    print(String(format: "  seed: %d track_matches, %d candidates, %d releases in %.1f s (%.0f track_matches/s; target < 60 s)",
                 seed.trackMatches, seed.candidates, seed.releases, seed.seconds, Double(seed.trackMatches) / seed.seconds))

    // The matcher alone, on synthetic bodies (CPU only).
    let queued = 6000
    _ = try seeder.seed(SeedRequest(stores: 10, releases: 0, tracksPerRelease: 10, queuedReleases: queued, seed: 7))
    let bodyTexts = try db.query("SELECT body::text AS body FROM discogs_release_bodies WHERE discogs_id >= 9000000000 LIMIT 1000")
        .column("body", as: String.self)
    let releases = try bodyTexts.map { try DiscogsDecoding.decode(DiscogsRelease.self, from: Data($0.utf8)) }
    let matcher = TrackMatcher()
    let (matchedTracks, matchSeconds) = time { releases.reduce(0) { $0 + matcher.match($1).tracks.count } }
    print(String(format: "  matcher alone: %.0f releases/s (%d tracks, %.1f µs per track), one core",
                 Double(releases.count) / matchSeconds, matchedTracks, 1e6 * matchSeconds / Double(matchedTracks)))
    let matcherSecondsPerTrack = matchSeconds / Double(max(1, matchedTracks))

    // Workers: claim, match, write candidates and matches, queue, has_audio_matches, sync log, cache.
    // Batch 5 is AUDIO_MATCHING_BATCH_SIZE's default; the last run stores even the candidates scored 0.
    // The write floor: the same workers on the same queue write the same rows with the same statements, but take
    // each release's candidates and matches from a matching done beforehand (MatchesInAdvance), so the ratio of the
    // two is what matching costs the worker.
    func runWorkers(concurrency: Int, batch: Int, allCandidates: Bool,
                    inAdvance: MatchesInAdvance?) throws -> (report: WorkerReport, seconds: Double) {
        try db.query("""
            UPDATE processing_queue SET status = 'queued', started_at = NULL, completed_at = NULL, leased_by = NULL,
              lease_expires_at = NULL WHERE discogs_id >= 9000000000
            """)
        try db.query("DELETE FROM track_matches WHERE release_id >= 9000000000")
        try db.query("DELETE FROM match_candidates WHERE release_id >= 9000000000")
        let stop = StopSignal()
        var configuration = WorkerConfiguration(batchSize: batch)
        if allCandidates { configuration.candidateFloor = -1 }
        configuration.matchesInAdvance = inAdvance
        var workers: [ReleaseMatchingWorker] = []
        for index in 0..<concurrency {
            workers.append(ReleaseMatchingWorker(
                id: "bench-\(index)", connection: try PostgresConnection(url: url),
                configuration: configuration,
                cache: MatchCacheWriter(redis: try RedisConnection(url: redisURL), ttlSeconds: 600), stop: stop))
        }
        return try time { try WorkerPool(workers: workers, stop: stop).run(once: true) }
    }
    let queuedBodies = try db.query("SELECT body::text AS body FROM discogs_release_bodies WHERE discogs_id >= 9000000000")
        .column("body", as: String.self)
    let inAdvance = MatchesInAdvance(
        try queuedBodies.map { try DiscogsDecoding.decode(DiscogsRelease.self, from: Data($0.utf8)) },
        configuration: WorkerConfiguration())
    for (concurrency, batch, allCandidates) in [(2, 50, false), (2, 5, false), (2, 50, true)] {
        let (report, workerSeconds) = try runWorkers(
            concurrency: concurrency, batch: batch, allCandidates: allCandidates, inAdvance: nil)
        let rate = Double(report.completed) / workerSeconds
        let label = "worker x\(concurrency), batch \(batch)" + (allCandidates ? ", all candidates" : "")
        print("  \(label): " + String(format: "%d releases (%d tracks, %d matches, %d candidates) in %.2f s = %.0f releases/s (target >= 300)",
                     report.completed, report.tracks, report.autoApproved + report.pending, report.candidates, workerSeconds, rate))
        // The floor is prepared with the default candidate floor only: every candidate of 6000 releases, evidence
        // included, would hold several hundred MB.
        guard !allCandidates else { continue }
        let (floor, floorSeconds) = try runWorkers(
            concurrency: concurrency, batch: batch, allCandidates: false, inAdvance: inAdvance)
        let floorRate = Double(floor.completed) / floorSeconds
        print("  \(label), write floor (matched in advance): " + String(format: "%d releases (%d matches, %d candidates) in %.2f s = %.0f releases/s; worker = %.0f %% of the floor (goal >= 50 %%)",
                     floor.completed, floor.autoApproved + floor.pending, floor.candidates, floorSeconds, floorRate,
                     100 * rate / floorRate))
        IssueFigures.record("\(label): matching and every write vs the same writes of releases matched in advance",
                            measured: String(format: "%.0f releases/s", rate), floor: String(format: "%.0f releases/s", floorRate),
                            ratio: String(format: "%.0f %% of the floor", 100 * rate / floorRate),
                            goal: batch == 50 ? ">= 50 % of the floor; >= 300 releases/s" : ">= 50 % of the floor")
        if batch == 50 {
            // The write floor per track: wall time of the two workers writing, over the tracks they wrote.
            let floorPerTrack = floorSeconds / Double(max(1, floor.tracks))
            IssueFigures.record("matcher alone, one core, per track vs the write floor per track (worker x2, batch 50)",
                                measured: String(format: "%.0f µs", matcherSecondsPerTrack * 1e6),
                                floor: String(format: "%.0f µs", floorPerTrack * 1e6),
                                ratio: ratioText(ratio(matcherSecondsPerTrack, to: floorPerTrack)),
                                goal: "the worker at >= 50 % of its floor needs <= 1x")
        }
    }

    // The cache keys the workers wrote belong to synthetic releases only: remove exactly those.
    let redis = try RedisConnection(url: redisURL)
    let keys = try db.query("SELECT 'match:' || release_id || ':' || track_index AS key FROM track_matches WHERE release_id >= 9000000000")
        .column("key", as: String.self)
    for start in stride(from: 0, to: keys.count, by: 1000) {
        try redis.unlink(Array(keys[start..<min(keys.count, start + 1000)]))
    }
}
