import Foundation
import Postgres
import Rotation
import TmuxDriver

/// Issue 13, 10M rows: `rotation-bench scale [--rows N]` (not part of the default run: a 10M seed takes minutes and
/// several GB). It seeds two scratch databases with `SyntheticDataSeeder`, one with 10k `track_matches` rows (the
/// floor) and one with N (10M by default), timing the large seed, then times each of the console's reads on both in
/// alternating rounds (the machine's noise falls on both alike) and prints the ratio N/10k: at most 1.15x for the
/// pending pages, flat for the stores list and the live panes. The real `rotation review` under tmux is measured on
/// both too: first paint against the process start floor of the same run (at most 2x) and resident memory after
/// every screen (under 30 MB).
func runScaleBenchmarks(postgresURL: String, redisURL: String, rows: Int) throws {
    print("== Scale (issue 13): 10k vs \(rows.formatted()) track_matches rows ==")
    let small = try ScaleDatabase(postgresURL: postgresURL, name: "rotation_scale_10k_\(getpid())")
    defer { small.drop() }
    let large = try ScaleDatabase(postgresURL: postgresURL, name: "rotation_scale_large_\(getpid())")
    defer { large.drop() }
    let trigram = try large.db.query("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'").scalar(Int.self) > 0
    print("  Postgres \(large.db.serverVersion), pg_trgm \(trigram ? "installed" : "NOT installed: text search scans")")
    let smallSeed = try small.seed(rows: 10_000, label: "10k")
    let largeSeed = try large.seed(rows: rows, label: rows.formatted())
    IssueFigures.record("`rotation seed` of \(rows.formatted()) track_matches (and candidates, releases, queue rows; COPY, indexes after)",
                        measured: String(format: "%.0f s, %.0f rows/s", largeSeed.seconds, largeSeed.rowsPerSecond),
                        floor: String(format: "10k: %.1f s, %.0f rows/s", smallSeed.seconds, smallSeed.rowsPerSecond),
                        ratio: ratioText(ratio(smallSeed.rowsPerSecond, to: largeSeed.rowsPerSecond)) + " the time per row",
                        goal: "minutes at 10M")

    let smallReads = try small.reads(), largeReads = try large.reads()
    for (_, read) in smallReads + largeReads { for _ in 0..<3 { try read() } }  // warm plans and caches
    print("  -- reads at \(rows.formatted()) rows against the same read at 10k (medians of \(ScaleDatabase.rounds) alternating rounds) --")
    for ((name, goal), (smallRead, largeRead)) in zip(ScaleDatabase.readNames, zip(smallReads.map(\.1), largeReads.map(\.1))) {
        let comparison = compare(rounds: ScaleDatabase.rounds, ours: { try largeRead() }, floor: { try smallRead() })
        consoleLine(name, String(format: "%8.1f us vs %8.1f us at 10k -> %.2fx  (goal %@)", comparison.ours * 1e6,
                                 comparison.floor * 1e6, comparison.ratio, goal))
        IssueFigures.record("\(name) at \(rows.formatted()) rows vs 10k", measured: String(format: "%.0f µs", comparison.ours * 1e6),
                            floor: String(format: "%.0f µs", comparison.floor * 1e6), ratio: ratioText(comparison.ratio), goal: goal)
    }
    let queries = ReviewQueries(database: large.db)
    print("  plan at \(rows.formatted()) rows, pending page filtered by an absent text:\n"
          + (try queries.pendingPlan(PendingFilter(search: "quuxly"))))
    let store = try queries.stores(limit: 1).items.first?.store ?? ""
    print("  plan at \(rows.formatted()) rows, pending page filtered by one store:\n"
          + (try queries.pendingPlan(PendingFilter(store: store))))
    ScaleConsole.measure(url: small.url, redisURL: redisURL, db: small.db, label: "10k")
    ScaleConsole.measure(url: large.url, redisURL: redisURL, db: large.db, label: rows.formatted())
    print("")
}

/// A scratch database of the scale benchmarks, migrated, seeded and dropped at the end.
private final class ScaleDatabase {
    static let rounds = 101
    /// Each read and its goal, in the order of `reads()`.
    static let readNames: [(String, String)] = [
        ("pending, first page", "<= 1.15x"), ("pending, deep page (1000 in)", "<= 1.15x"),
        ("pending, one store", "<= 1.15x"), ("pending, text common (velvet)", "<= 1.15x"),
        ("pending, text absent", "<= 1.15x"), ("pending, text: one row's video id", "<= 1.15x"),
        ("stores list", "flat"), ("releases of a store", "flat"),
        ("live pane: queue statistics", "flat"), ("live pane: health round trip", "flat"),
    ]
    let scratch: ScratchDatabase
    var name: String { scratch.name }
    var url: String { scratch.url }
    var db: PostgresConnection { scratch.db }

    init(postgresURL: String, name: String) throws {
        scratch = try ScratchDatabase(adminURL: postgresURL, name: name)
    }

    func drop() { scratch.drop() }

    @discardableResult
    func seed(rows: Int, label: String) throws -> SeedReport {
        FileHandle.standardError.write(Data("scale: seeding \(label) track_matches rows…\n".utf8))
        let request = SeedRequest(stores: 20, releases: max(1, rows / 10), tracksPerRelease: 10, queuedReleases: 1000, seed: 1)
        let report = try SyntheticDataSeeder(connection: db).seed(request)
        consoleLine("seed \(label) rows", String(format: "%.1f s, %.0f rows/s in all, %.0f track_matches/s (%ld matches, %ld candidates, "
            + "%ld releases and queue rows; %ld indexes built after the load in %.1f s)", report.seconds, report.rowsPerSecond,
            Double(report.trackMatches) / max(report.seconds, 1e-9), report.trackMatches, report.candidates, report.releases,
            report.indexesDeferred, report.indexSeconds))
        let size = try db.query("SELECT pg_size_pretty(pg_database_size(current_database()))").scalar(String.self)
        consoleLine("  database size", size)
        // What autovacuum does to a loaded table soon after (insert-triggered since Postgres 13), done now: the
        // statistics and the visibility map index-only scans read.
        try db.query("VACUUM (ANALYZE)")
        return report
    }

    /// The console's reads on this database, in the order of `readNames`.
    func reads() throws -> [(String, () throws -> Void)] {
        let queries = ReviewQueries(database: db)
        let store = try queries.stores(limit: 1).items.first?.store ?? ""
        var cursor: String?
        for _ in 0..<20 { cursor = try queries.pending(after: cursor, limit: 50).nextCursor }
        // One pending row's video id: a text only that row's URL holds.
        let oneURL = try db.query("""
            SELECT match_url FROM track_matches WHERE approved = false AND match_url LIKE '%watch?v=%'
            ORDER BY release_id DESC LIMIT 1
            """).first?.decode("match_url", as: String.self) ?? ""
        let videoID = String(oneURL.split(separator: "=").last ?? "")
        let queue = ProcessingQueue(connection: db)
        let deep = cursor
        let db = self.db
        return [
            ("pending, first page", { _ = try queries.pending(limit: 50) }),
            ("pending, deep page", { _ = try queries.pending(after: deep, limit: 50) }),
            ("pending, one store", { _ = try queries.pending(PendingFilter(store: store), limit: 50) }),
            ("pending, text common", { _ = try queries.pending(PendingFilter(search: "velvet"), limit: 50) }),
            ("pending, text absent", { _ = try queries.pending(PendingFilter(search: "quuxly"), limit: 50) }),
            ("pending, text one row", { _ = try queries.pending(PendingFilter(search: videoID), limit: 50) }),
            ("stores list", { _ = try queries.stores(limit: 50) }),
            ("releases of a store", { _ = try queries.releases(of: store, limit: 50) }),
            ("queue statistics", { _ = try queue.statistics() }),
            ("health round trip", { _ = try db.query("SELECT 1") }),
        ]
    }
}

/// The real console under tmux on the scratch database.
private enum ScaleConsole {
    static func measure(url: String, redisURL: String, db: PostgresConnection, label: String) {
        guard let rotation = consoleRotationExecutable(), TmuxSession.isInstalled else {
            consoleLine("console at \(label) rows", "not measured: needs tmux and the `rotation` executable beside this one")
            return
        }
        guard let target = try? ConsoleFirstScreen(db: db) else {
            consoleLine("console at \(label) rows", "not measured: no store with releases")
            return
        }
        print("  -- the console under tmux at \(label) rows --")
        consoleTmuxBenchmarks(rotation: rotation, postgresURL: url, redisURL: redisURL, target: target, memoryBudgetMB: 30,
                              figureLabel: "at \(label) rows")
    }
}
