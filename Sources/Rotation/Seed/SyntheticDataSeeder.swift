import Foundation
import Postgres

/// Creates realistic synthetic data at scale with COPY: stores, releases (titles in several scripts), matches
/// with a spread of confidences and statuses (auto-approved, approved or flagged by people, pending, ambiguous),
/// candidates with evidence, unmatched tracks, and queue rows (completed, failed with messages, stuck, queued
/// with bodies a worker can match). Synthetic releases use Discogs ids from `firstReleaseID` up, far above real
/// ones; a new seed replaces the previous synthetic rows and never touches others.
public struct SyntheticDataSeeder: Sendable {
    public static let firstReleaseID: Int64 = 9_000_000_000
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) { self.connection = connection }

    /// Seeds `request` in one transaction. `progress` hears each stage; `rows` hears the rows sent so far of the
    /// table being loaded, every 5,000 releases and once at its end.
    public func seed(
        _ request: SeedRequest, progress: (String) -> Void = { _ in },
        rows: (_ table: String, _ sent: Int, _ total: Int) -> Void = { _, _, _ in }
    ) throws -> SeedReport {
        let clock = ContinuousClock()
        let started = clock.now
        var report = SeedReport()
        let first = Self.firstReleaseID
        let stores = (0..<request.stores).map(SyntheticCatalog.storeName)
        try connection.transaction { db in
            // A million rows with the review-count triggers take longer than an interactive statement may.
            try db.query("SET LOCAL statement_timeout = 0")
            // The change triggers would send one NOTIFY per row; switch them off for this transaction only (the
            // table owner may; re-enabled before commit, so nobody else ever sees them off) and announce once.
            // Other triggers (the review counts) stay on: they must see every row.
            var disabled: [(table: String, trigger: String)] = []
            for (table, trigger) in Self.notifyTriggers {
                let exists = try db.query("""
                    SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2 AND tgenabled <> 'D'
                    """, table, trigger).scalar(Int.self) > 0
                guard exists else { continue }
                do {
                    _ = try db.transaction {
                        try $0.query("ALTER TABLE \($0.quoteIdentifier(table)) DISABLE TRIGGER \($0.quoteIdentifier(trigger))")
                    }
                    disabled.append((table, trigger))
                } catch let error as PostgresError where error.kind == .insufficientPrivilege {
                    continue
                }
            }
            report.triggersSuppressed = !disabled.isEmpty
            progress("removing earlier synthetic rows")
            for table in ["track_matches", "match_candidates", "match_rejections"] {
                report.previousRowsRemoved += try db.query("DELETE FROM \(table) WHERE release_id >= $1", first).affectedRows
            }
            report.previousRowsRemoved += try db.query("DELETE FROM processing_queue WHERE discogs_id >= $1", first).affectedRows
            report.previousRowsRemoved += try db.query("DELETE FROM discogs_release_bodies WHERE discogs_id >= $1", first).affectedRows
            report.previousRowsRemoved += try db.query("DELETE FROM releases WHERE discogs_id >= $1", first).affectedRows
            for table in ["store_sync_log", "store_sync_runs"] {
                report.previousRowsRemoved += try db.query(
                    "DELETE FROM \(table) WHERE store_username = ANY($1::text[])", stores).affectedRows
            }

            let total = request.releases + request.queuedReleases
            let matchRows = request.releases * request.tracksPerRelease
            // A large load into tables that hold fewer rows builds their secondary indexes once, after the COPY,
            // rather than row by row (a trigram or confidence index takes random inserts all the way).
            var deferred: [DeferredIndex] = []
            for (table, count) in [("releases", total), ("track_matches", matchRows),
                                   ("match_candidates", matchRows * 4 / 10), ("processing_queue", total),
                                   ("pending_match_stores", matchRows)] {
                deferred += try DeferredIndex.dropForLoad(of: count, into: table, on: db)
            }
            report.indexesDeferred = deferred.count
            progress("releases: \(total)")
            report.releases = try db.copyIn("""
                COPY releases (discogs_id, store_username, title, artist, year, label, catno, genres, styles, tracklist,
                               discogs_uri, has_audio_matches) FROM STDIN
                """) { send in
                for index in 0..<total {
                    let release = SyntheticRelease(index: index, request: request, stores: stores)
                    try send(release.releaseLine(matched: index < request.releases))
                    if (index + 1) % 5_000 == 0 || index + 1 == total { rows("releases", index + 1, total) }
                }
            }
            progress("track_matches: \(matchRows)")
            report.trackMatches = try db.copyIn("""
                COPY track_matches (release_id, track_index, platform, match_url, confidence, approved, verified_by,
                                    verified_at, created_at, updated_at) FROM STDIN
                """) { send in
                for index in 0..<request.releases {
                    try SyntheticRelease(index: index, request: request, stores: stores).matchLines(send)
                    if (index + 1) % 5_000 == 0 || index + 1 == request.releases {
                        rows("track_matches", (index + 1) * request.tracksPerRelease, matchRows)
                    }
                }
            }
            progress("match_candidates")
            report.candidates = try db.copyIn("""
                COPY match_candidates (release_id, track_index, platform, match_url, title, confidence, evidence) FROM STDIN
                """) { send in
                for index in 0..<request.releases {
                    try SyntheticRelease(index: index, request: request, stores: stores).candidateLines(send)
                    if (index + 1) % 5_000 == 0 || index + 1 == request.releases {
                        rows("match_candidates (by track)", (index + 1) * request.tracksPerRelease, matchRows)
                    }
                }
            }
            progress("processing_queue and bodies: \(total)")
            report.queueRows = try db.copyIn("""
                COPY processing_queue (store_username, discogs_id, status, priority, queued_at, started_at, completed_at,
                                       retry_count, error_message, release_data) FROM STDIN
                """) { send in
                for index in 0..<total {
                    try send(SyntheticRelease(index: index, request: request, stores: stores).queueLine(matched: index < request.releases))
                }
            }
            report.releaseBodies = try db.copyIn("COPY discogs_release_bodies (discogs_id, body) FROM STDIN") { send in
                for index in request.releases..<total {
                    let release = SyntheticRelease(index: index, request: request, stores: stores)
                    try send("\(release.id)\t\(CopyText.escape(release.bodyJSON()))\n")
                }
            }
            let perStore = max(1, total / request.stores)
            let now = Date()
            for (index, store) in stores.enumerated() {
                try StoreSyncRun(store: store, source: .sync, listingsProcessed: perStore, newReleasesFound: perStore,
                                 audioMatchesCreated: perStore * request.tracksPerRelease * 6 / 10)
                    .record(on: db, finishedAt: now.addingTimeInterval(-3600 * Double(index % 48)))
            }
            report.stores = stores.count
            if !deferred.isEmpty {
                progress("building \(deferred.count) indexes")
                try db.query("SET LOCAL maintenance_work_mem = '256MB'")
                let indexStart = clock.now
                for index in deferred { try index.recreate(on: db) }
                report.indexSeconds = Self.seconds(clock.now - indexStart)
            }
            for (table, trigger) in disabled {
                try db.query("ALTER TABLE \(db.quoteIdentifier(table)) ENABLE TRIGGER \(db.quoteIdentifier(trigger))")
            }
            try db.query("""
                SELECT pg_notify('rotation_changes', json_build_object('table', 'track_matches', 'release_id', NULL,
                  'track_index', NULL, 'operation', 'SEED')::text)
                """)
        }
        progress("analyzing")
        for table in ["track_matches", "match_candidates", "releases", "processing_queue", "pending_match_stores"] {
            try connection.query("ANALYZE \(table)")
        }
        report.seconds = Self.seconds(clock.now - started)
        return report
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The per-row NOTIFY triggers of migration 0002.
    static let notifyTriggers = [("track_matches", "track_matches_notify"), ("processing_queue", "processing_queue_notify")]
}

