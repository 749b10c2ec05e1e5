import Foundation
import Matching
import Postgres

/// The one write path of matched releases, inside the caller's transaction: their candidates (`match_candidates`,
/// replaced), their matches by the policy (`track_matches`, only rows the matcher owns), `releases.has_audio_matches`
/// and the matches created per store (`store_sync_runs`). The worker calls it with its queue updates;
/// `rotation search track --store` with one track's search (`PreparedRelease.restricted(to:)`).
enum MatchedReleaseWriter {
    /// Writes `kept` on `db` (in a transaction the caller holds) and returns the `track_matches` rows written and
    /// the matches inserted per store (`storeByRelease`; a release without a store counts none). `beforeMatches`
    /// runs after the releases' advisory locks and before the match insert: the worker's queue updates go there, so
    /// every writer takes the release locks before the contended counters (no lock-order deadlock).
    static func write(_ kept: [PreparedRelease], storeByRelease: [Int64: String], on db: PostgresConnection,
                      beforeMatches: () throws -> Void = {}) throws -> (written: [TrackMatch], created: [String: Int]) {
        let releaseIDs = kept.map(\.release.id).sorted()
        // Writers of the same release (queued for two stores, or by the web app) take turns.
        try db.query("""
            SELECT pg_advisory_xact_lock(ids.rid) FROM (SELECT unnest($1::bigint[]) AS rid ORDER BY 1) ids
            """, releaseIDs)
        // A whole release's candidates are replaced; a release restricted to one track (`onlyTrack`) replaces that track's.
        let whole = kept.filter { $0.onlyTrack == nil }.map(\.release.id)
        if !whole.isEmpty {
            try db.query("DELETE FROM match_candidates WHERE release_id = ANY($1::bigint[])", whole)
        }
        let tracks = kept.compactMap { release in release.onlyTrack.map { (release.release.id, $0) } }
        if !tracks.isEmpty {
            try db.query("""
                DELETE FROM match_candidates c USING unnest($1::bigint[], $2::integer[]) AS t(rid, idx)
                WHERE c.release_id = t.rid AND c.track_index = t.idx
                """, tracks.map(\.0), tracks.map(\.1))
        }
        // COPY is the cheapest way in for ~10 candidates per track; this transaction holds the releases'
        // locks and deleted their old candidates, so there is nothing to conflict with.
        if kept.contains(where: { !$0.candidateRows.isEmpty }) {
            try db.copyIn("""
                COPY match_candidates (release_id, track_index, platform, match_url, title, confidence, evidence)
                FROM STDIN
                """) { send in
                for release in kept {
                    var lines = CopyLine(capacity: 512 * release.candidateRows.count)
                    for row in release.candidateRows { row.appendCopyLine(to: &lines) }
                    try send(lines.text)
                }
            }
        }
        let matchRows = kept.flatMap(\.matchRows).sorted { ($0.release_id, $0.track_index) < ($1.release_id, $1.track_index) }
        // Uncontended writes first: the match insert below takes locks other workers wait for (the
        // per-store counters of the review-count triggers, the store's sync log row) until commit.
        let releasesWithMatches = Array(Set(matchRows.map(\.release_id)))
        try db.query("""
            UPDATE releases r SET has_audio_matches = m.has_matches
            FROM (SELECT ids.rid, ids.rid = ANY($2::bigint[])
                           OR EXISTS (SELECT 1 FROM track_matches t WHERE t.release_id = ids.rid) AS has_matches
                  FROM unnest($1::bigint[]) AS ids(rid)) m
            WHERE r.discogs_id = m.rid AND r.has_audio_matches IS DISTINCT FROM m.has_matches
            """, releaseIDs, releasesWithMatches)
        try beforeMatches()
        var written: [TrackMatch] = []
        var created: [String: Int] = [:]
        if !matchRows.isEmpty {
            // Only rows the matcher owns are written (MatcherOwnership): a track without a row, or one whose
            // row is still as the matcher left it. A decision by anyone else moved updated_at and is kept.
            let result = try db.query("""
                WITH written AS (
                  INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved,
                                             verified_by, verified_at, updated_at)
                  SELECT release_id, track_index, platform, match_url, confidence, approved, verified_by, NOW(), NOW()
                  FROM jsonb_to_recordset($1::jsonb) AS x(release_id BIGINT, track_index INTEGER, platform TEXT,
                       match_url TEXT, confidence REAL, approved BOOLEAN, verified_by TEXT)
                  ORDER BY release_id, track_index
                  ON CONFLICT (release_id, track_index) DO UPDATE SET
                    platform = EXCLUDED.platform, match_url = EXCLUDED.match_url, confidence = EXCLUDED.confidence,
                    approved = EXCLUDED.approved, verified_by = EXCLUDED.verified_by,
                    verified_at = EXCLUDED.verified_at, updated_at = NOW()
                  WHERE \(MatcherOwnership.ownedCondition(table: "track_matches"))
                    AND (track_matches.platform, track_matches.match_url, track_matches.confidence,
                         track_matches.approved, track_matches.verified_by)
                        IS DISTINCT FROM (EXCLUDED.platform, EXCLUDED.match_url, EXCLUDED.confidence,
                         EXCLUDED.approved, EXCLUDED.verified_by)
                  RETURNING \(TrackMatch.columns), (xmax = 0) AS inserted
                ), \(MatcherOwnership.recordWritten(from: "written"))
                SELECT * FROM written
                """, PostgresJSON("[" + matchRows.map(\.json).joined(separator: ",") + "]"))
            for row in result.rows {
                let match = try TrackMatch(row: row)
                written.append(match)
                if try row.decode("inserted", as: Bool.self), let store = storeByRelease[match.releaseID] {
                    created[store, default: 0] += 1
                }
            }
        }
        for (store, count) in created.sorted(by: { $0.key < $1.key }) {
            try StoreSyncRun(store: store, source: .worker, audioMatchesCreated: count).record(on: db)
        }
        return (written, created)
    }
}
