import Foundation
import LocalServers
import Matching
import Postgres
import Rotation

/// The worker with search (issue 10) against the repository's YouTube stand-in on loopback: releases per second
/// with every track searched (the 20 fixture releases without their Discogs videos; cold: each query goes to the
/// API, warm: the search cache answers), as a ratio to the worker without search on the same releases with their
/// videos in the same run, and the share of the worker's time spent in the API's calls. One worker; each figure is
/// the median of `rounds` runs.
func runSearchBenchmarks(postgresURL: String, rounds: Int = 3) throws {
    let scratch = try ScratchDatabase(adminURL: postgresURL, name: "rotation_bench_search_\(getpid())")
    defer { scratch.drop() }
    let db = scratch.db
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let releasesDirectory = root.appendingPathComponent("Tests/Fixtures/discogs/releases")
    let key = "bench-key"
    let fake = try LocalFakeYouTube.start(fixtures: root.appendingPathComponent("Tests/Fixtures/search"), key: key)
    defer { fake.stop() }
    print("search benchmarks (database \(scratch.name), YouTube stand-in at \(fake.url.absoluteString); shared machine, noisy: compare ratios, not seconds)")

    let files = try FileManager.default.contentsOfDirectory(at: releasesDirectory, includingPropertiesForKeys: nil)
        .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
    var withVideos: [(Int64, String)] = []
    var withoutVideos: [(Int64, String)] = []
    for file in files {
        var body = try BenchJSON.object(Data(contentsOf: file))
        let id = (body["id"] as? NSNumber)?.int64Value ?? 0
        withVideos.append((id, String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)))
        body["videos"] = []
        withoutVideos.append((id, String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)))
    }

    func prepare(_ bodies: [(Int64, String)], clearSearchCache: Bool) throws {
        for table in ["discogs_release_bodies", "processing_queue", "match_candidates", "track_matches", "matcher_owned_matches"]
            + (clearSearchCache ? ["search_results", "search_quota_days"] : []) {
            try db.query("DELETE FROM \(table)")
        }
        for (id, body) in bodies {
            try db.query("INSERT INTO discogs_release_bodies (discogs_id, body) VALUES ($1, $2)", id, PostgresJSON(body))
            try db.query("INSERT INTO processing_queue (store_username, discogs_id) VALUES ('bench-search', $1)", id)
        }
    }

    func run(search: Bool) throws -> (seconds: Double, report: WorkerReport) {
        var configuration = WorkerConfiguration(batchSize: 50)
        if search {
            configuration.search = YouTubeSearchConfiguration(baseURL: fake.url, apiKey: key, dailyQuota: 100_000_000)
        }
        let worker = ReleaseMatchingWorker(id: "bench-search", connection: try PostgresConnection(url: scratch.url),
                                           configuration: configuration)
        let start = ContinuousClock.now
        let report = try worker.drain()
        return ((ContinuousClock.now - start) / .seconds(1), report)
    }

    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    var plain: [Double] = [], cold: [Double] = [], warm: [Double] = [], apiShare: [Double] = []
    var searched = 0, releases = 0
    for _ in 0..<rounds {
        try prepare(withVideos, clearSearchCache: true)
        plain.append(try run(search: false).seconds)
        try prepare(withoutVideos, clearSearchCache: true)
        let coldRun = try run(search: true)
        cold.append(coldRun.seconds)
        apiShare.append(coldRun.report.searchAPISeconds / coldRun.seconds)
        searched = coldRun.report.searchedTracks
        releases = coldRun.report.completed
        try prepare(withoutVideos, clearSearchCache: false)
        warm.append(try run(search: true).seconds)
    }
    let floor = Double(releases) / median(plain)
    for (label, seconds) in [("no search, Discogs videos (the floor)", median(plain)),
                             ("search, cold (every query to the API)", median(cold)),
                             ("search, warm (the search cache answers)", median(warm))] {
        let rate = Double(releases) / seconds
        print(String(format: "  %@: %d releases in %.3f s = %.1f releases/s = %.3fx the floor", label, releases, seconds, rate, rate / floor))
    }
    print(String(format: "  cold: %d tracks searched, %.0f %% of the worker's time in the API's calls (with their quota reservations)",
                 searched, median(apiShare) * 100))
}

/// JSON objects for the benchmark's edits of fixture bodies.
private enum BenchJSON {
    static func object(_ data: Data) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw PostgresError(.connectionFailed, message: "not a JSON object")
        }
        return object
    }
}
