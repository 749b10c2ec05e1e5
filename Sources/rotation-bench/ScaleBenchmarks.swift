import Foundation
import Postgres
import Rotation
import TmuxDriver

/// Issue 13, 10M rows: `rotation-bench scale [--rows N]` (not part of the default run: a 10M seed takes minutes and
/// several GB). In a scratch database it seeds 10k `track_matches` rows with `SyntheticDataSeeder`, measures the
/// console's reads, seeds N rows (10M by default) in their place, times that seed and measures again. Every read is
/// printed with its ratio to the same read at 10k (the floor: the goal is at most 1.15x for pending pages, flat for
/// the stores list and the live panes). The real `rotation review` under tmux is measured at both sizes too: first
/// paint against the process start floor (at most 2x) and resident memory after every screen (under 30 MB).
func runScaleBenchmarks(postgresURL: String, redisURL: String, rows: Int) throws {
    print("== Scale (issue 13): 10k vs \(rows.formatted()) track_matches rows ==")
    let admin = try PostgresConnection(url: postgresURL)
    defer { admin.close() }
    let name = "rotation_scale_\(getpid())"
    try admin.query("CREATE DATABASE \(admin.quoteIdentifier(name))")
    defer { _ = try? admin.query("DROP DATABASE IF EXISTS \(admin.quoteIdentifier(name)) WITH (FORCE)") }
    guard var components = URLComponents(string: postgresURL) else {
        throw PostgresError(.connectionFailed, message: "the scale benchmarks need DATABASE_URL in URL form")
    }
    components.path = "/" + name
    let url = components.string!
    let db = try PostgresConnection(PostgresConfiguration(url, statementTimeout: nil))
    defer { db.close() }
    try MigrationRunner(connection: db, directory: nil).apply()
    let trigram = try db.query("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'").scalar(Int.self) > 0
    print("  Postgres \(db.serverVersion), pg_trgm \(trigram ? "installed" : "NOT installed: text search scans")")

    let small = try ScaleFigures.seedAndMeasure(db, rows: 10_000, label: "10k")
    ScaleConsole.measure(url: url, redisURL: redisURL, db: db, label: "10k")
    let large = try ScaleFigures.seedAndMeasure(db, rows: rows, label: rows.formatted())
    ScaleConsole.measure(url: url, redisURL: redisURL, db: db, label: rows.formatted())

    print("  -- reads at \(rows.formatted()) rows as a ratio to the same read at 10k (median of \(ScaleFigures.rounds)) --")
    for (name, budget) in ScaleFigures.names {
        let a = small.reads[name] ?? 0, b = large.reads[name] ?? 0
        consoleLine(name, String(format: "%8.1f us vs %8.1f us at 10k -> %.2fx  (goal %@)", b * 1e6, a * 1e6,
                                 ratio(b, to: a), budget))
    }
    if let plan = large.plans["text, absent"] { print("  plan of the pending page filtered by an absent text:\n\(plan)") }
    if let plan = large.plans["text, URL of one row"] { print("  plan of the pending page filtered by one row's URL:\n\(plan)") }
    print("")
}

/// The console's reads, timed at one size.
private struct ScaleFigures {
    static let rounds = 101
    /// Each read and its goal.
    static let names: [(String, String)] = [
        ("pending, first page", "<= 1.15x"), ("pending, deep page (1000 in)", "<= 1.15x"),
        ("pending, one store", "<= 1.15x"), ("pending, text common", "<= 1.15x"),
        ("pending, text absent", "<= 1.15x"), ("pending, text URL of one row", "<= 1.15x"),
        ("stores list", "flat"), ("releases of a store", "flat"),
        ("live pane: queue statistics", "flat"), ("live pane: health round trip", "flat"),
    ]
    var reads: [String: Double] = [:]
    var plans: [String: String] = [:]

    static func seedAndMeasure(_ db: PostgresConnection, rows: Int, label: String) throws -> ScaleFigures {
        FileHandle.standardError.write(Data("scale: seeding \(label) track_matches rows…\n".utf8))
        let request = SeedRequest(stores: 20, releases: max(1, rows / 10), tracksPerRelease: 10, queuedReleases: 1000, seed: 1)
        let report = try SyntheticDataSeeder(connection: db).seed(request)
        consoleLine("seed \(label) rows", String(format: "%.1f s, %.0f rows/s in all (%ld matches, %ld candidates, %ld releases; "
            + "%ld indexes built after the load in %.1f s)", report.seconds, report.rowsPerSecond, report.trackMatches,
            report.candidates, report.releases, report.indexesDeferred, report.indexSeconds))

        let queries = ReviewQueries(database: db)
        var figures = ScaleFigures()
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
        let reads: [(String, () throws -> Void)] = [
            ("pending, first page", { _ = try queries.pending(limit: 50) }),
            ("pending, deep page (1000 in)", { _ = try queries.pending(after: cursor, limit: 50) }),
            ("pending, one store", { _ = try queries.pending(PendingFilter(store: store), limit: 50) }),
            ("pending, text common", { _ = try queries.pending(PendingFilter(search: "velvet"), limit: 50) }),
            ("pending, text absent", { _ = try queries.pending(PendingFilter(search: "quuxly"), limit: 50) }),
            ("pending, text URL of one row", { _ = try queries.pending(PendingFilter(search: videoID), limit: 50) }),
            ("stores list", { _ = try queries.stores(limit: 50) }),
            ("releases of a store", { _ = try queries.releases(of: store, limit: 50) }),
            ("live pane: queue statistics", { _ = try queue.statistics() }),
            ("live pane: health round trip", { _ = try db.query("SELECT 1") }),
        ]
        for (_, read) in reads { for _ in 0..<3 { try read() } }  // warm plans and caches
        var times: [String: [Double]] = [:]
        for _ in 0..<rounds {
            for (name, read) in reads { times[name, default: []].append(seconds { try read() }) }
        }
        for (name, values) in times { figures.reads[name] = median(values) }
        figures.plans["text, absent"] = try queries.pendingPlan(PendingFilter(search: "quuxly"))
        figures.plans["text, URL of one row"] = try queries.pendingPlan(PendingFilter(search: videoID))
        return figures
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
        consoleTmuxBenchmarks(rotation: rotation, postgresURL: url, redisURL: redisURL, target: target, memoryBudgetMB: 30)
    }
}
