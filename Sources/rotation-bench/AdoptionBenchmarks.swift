import Foundation
import Postgres
import Rotation
import Synchronization

/// Adopting a deployed database (issue 8): `rotation migrate` over the web app's deployed shape holding 1M
/// `track_matches` rows (divided by `scale`) while the web app keeps writing, beside a plain migrate of an empty
/// database. The longest lock is measured as the web app sees it: the longest one of its writes (a review UPDATE
/// of a track match, an enqueue) took during the migration, against the longest before it started.
func runAdoptionBenchmarks(postgresURL: String, scale: Int) throws {
    let clock = ContinuousClock()
    let migrations = try Migration.configured()
    // The benchmark runs from a checkout: the fixture is found from this source file (Sources/rotation-bench/).
    let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let schema = try String(
        contentsOf: repositoryRoot.appendingPathComponent("Tests/Fixtures/webapp/schema-deployed.sql"), encoding: .utf8)
    let rows = 1_000_000 / max(1, scale)
    print("adoption benchmarks: \(rows) track_matches rows")

    let empty = try ScratchDatabase(adminURL: postgresURL, name: "rotation_bench_empty_\(getpid())", migrated: false)
    defer { empty.drop() }
    let emptyTime = try clock.measure { try MigrationRunner(connection: empty.db, migrations: migrations).apply() }

    let deployed = try ScratchDatabase(adminURL: postgresURL, name: "rotation_bench_deployed_\(getpid())", migrated: false)
    defer { deployed.drop() }
    try deployed.db.executeScript(schema)
    let seeding = try clock.measure {
        try deployed.db.query("""
            INSERT INTO releases (discogs_id, store_username, title, artist, tracklist)
            SELECT g, 'store' || (g % 50), 'Release ' || g, 'Artist', '[{"title":"A","position":"A1","type_":"track"}]'
            FROM generate_series(1, $1::integer) g
            """, rows / 10)
        try deployed.db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
            SELECT g / 10, g % 10, 'youtube', 'https://www.youtube.com/watch?v=' || lpad(g::text, 11, '0'),
                   (g % 100) / 100.0, g % 3 = 0
            FROM generate_series(10, $1::integer + 9) g
            """, rows)
        try deployed.db.query("""
            INSERT INTO processing_queue (discogs_id, store_username, release_data)
            SELECT g, 'store' || (g % 50), jsonb_build_object('id', g) FROM generate_series(1, $1::integer) g
            """, rows / 10)
        try deployed.db.query("ANALYZE")
    }
    print("  seeded the deployed shape in \(format(seeding))")

    let probe = try WebAppWriteProbe(url: deployed.url, releases: rows / 10)
    Thread.sleep(forTimeInterval: 2)
    let quiet = probe.takeLongest()
    let events = Mutex<[String]>([])
    let adoptTime = try clock.measure {
        try MigrationRunner(connection: deployed.db, migrations: migrations).apply(
            progress: { migration in probe.mark("\(String(format: "%04d", migration.version)) \(migration.name)") },
            events: { event in events.withLock { $0.append(event.description) } })
    }
    Thread.sleep(forTimeInterval: 0.5)
    let during = probe.takeLongest()
    let writes = probe.stop()

    print("  plain migrate of an empty database: \(format(emptyTime))")
    print("  adopting the deployed shape with \(rows) matches: \(format(adoptTime))"
          + String(format: " (%.1fx the empty migrate)", ratio(adoptTime, emptyTime)))
    for event in events.withLock({ $0 }) { print("    \(event)") }
    print("  the web app's writes meanwhile: \(writes) in all")
    print("    longest before the migration (the floor): \(format(quiet.duration))")
    print("    longest during the migration: \(format(during.duration)) during \(during.phase)"
          + String(format: " (%.1fx the floor)", ratio(during.duration, quiet.duration)))
}

private func ratio(_ a: Duration, _ b: Duration) -> Double {
    ratio(seconds(a), to: seconds(b))
}

private func format(_ duration: Duration) -> String {
    let ms = seconds(duration) * 1000
    return ms >= 1000 ? String(format: "%.2f s", ms / 1000) : String(format: "%.1f ms", ms)
}

/// The web app writing all along: its review UPDATE of a track match and an enqueue, one after the other, from a
/// thread of its own; remembers the longest write and the migration phase it fell in.
private final class WebAppWriteProbe: Sendable {
    struct Longest { var duration: Duration = .zero; var phase = "before the migration" }
    private let state = Mutex((longest: Longest(), phase: "before the migration", writes: 0, stopped: false))
    private let done = DispatchSemaphore(value: 0)

    init(url: String, releases: Int) throws {
        let db = try PostgresConnection(PostgresConfiguration(url, statementTimeout: nil))
        let thread = Thread { [self] in
            defer { db.close(); done.signal() }
            let clock = ContinuousClock()
            var n = 0
            while !state.withLock({ $0.stopped }) {
                n += 1
                let release = Int64(1 + n % max(1, releases))
                let phase = state.withLock { $0.phase }  // a write is charged to the phase it started in
                let started = clock.now
                do {
                    try db.query("""
                        UPDATE track_matches SET approved = true, verified_by = 'web-admin', verified_at = NOW()
                        WHERE release_id = $1 AND track_index = 0
                        """, release)
                    try db.query("""
                        INSERT INTO processing_queue (discogs_id, store_username, priority, release_data)
                        VALUES ($1, 'probe', 1, '{}') ON CONFLICT (store_username, discogs_id) DO NOTHING
                        """, Int64(n))
                } catch {
                    FileHandle.standardError.write(Data("probe write failed: \(error)\n".utf8))
                }
                let took = clock.now - started
                state.withLock { s in
                    s.writes += 1
                    if took > s.longest.duration { s.longest = Longest(duration: took, phase: phase) }
                }
                Thread.sleep(forTimeInterval: 0.002)
            }
        }
        thread.start()
    }

    func mark(_ phase: String) { state.withLock { $0.phase = "migration " + phase } }

    /// The longest write since the last call.
    func takeLongest() -> Longest {
        state.withLock { s in
            defer { s.longest = Longest(phase: s.phase) }
            return s.longest
        }
    }

    /// Stops the probe; returns how many writes it made.
    func stop() -> Int {
        state.withLock { $0.stopped = true }
        done.wait()
        return state.withLock { $0.writes }
    }
}
