import Foundation
import Matching
import Postgres

/// Reads what calibration needs from Postgres: people's decisions on the matcher's proposals (`match_reviews`) and
/// the confidences still pending (`track_matches`). The rules for which decisions count are here, once:
///
/// - approve counts as *approved*; replace and reject with a replacement as *replaced*; reject as *rejected*.
///   Needs review, clear (single, release, store) and confidence normalization say nothing about whether the
///   proposal was right and are left out.
/// - A decision that was undone is left out (the reviewer took it back); the undo itself is not a verdict.
/// - Only decisions on a proposal count: a row whose URL a person supplied (by replace) is not the matcher's, so a
///   later decision on it is left out.
/// - Each (track, URL) counts once, with its latest standing decision: a proposal approved and later rejected
///   counts as rejected.
/// - The confidence is the row's before the decision (`row_before`), read by `StoredConfidence` (0-100 values too).
public struct CalibrationLog: Sendable {
    public let database: PostgresConnection

    public init(database: PostgresConnection) {
        self.database = database
    }

    /// The counting decisions logged at or after `since` (all without it).
    public func decisions(since: Date? = nil) throws -> [CalibrationDecision] {
        let rows = try database.query("""
            SELECT DISTINCT ON (r.release_id, r.track_index, r.row_before->>'match_url')
                   r.action, r.row_before->>'confidence' AS confidence
            FROM match_reviews r
            WHERE r.action IN ('approve', 'replace', 'reject_replace', 'reject')
              AND r.release_id IS NOT NULL AND r.track_index IS NOT NULL
              AND jsonb_typeof(r.row_before->'confidence') = 'number'
              AND ($1::timestamptz IS NULL OR r.created_at >= $1::timestamptz)
              AND NOT EXISTS (SELECT 1 FROM match_reviews u WHERE u.undoes = r.id)
              AND NOT EXISTS (
                SELECT 1 FROM match_reviews p
                WHERE p.release_id = r.release_id AND p.track_index = r.track_index AND p.id < r.id
                  AND p.action IN ('replace', 'reject_replace')
                  AND p.row_after->>'match_url' = r.row_before->>'match_url')
            ORDER BY r.release_id, r.track_index, r.row_before->>'match_url', r.id DESC
            """, since).rows
        return try rows.compactMap { row in
            let confidence = StoredConfidence(stored: try row.decode("confidence", as: Double.self)).value
            guard confidence.isFinite else { return nil }
            switch try row.decode("action", as: String.self) {
            case ReviewAction.approve.rawValue: return CalibrationDecision(confidence: confidence, verdict: .approved)
            case ReviewAction.reject.rawValue: return CalibrationDecision(confidence: confidence, verdict: .rejected)
            default: return CalibrationDecision(confidence: confidence, verdict: .replaced)
            }
        }
    }

    /// How many tracks are pending now at each confidence (read in [0, 1]). Grouped by the stored value in the
    /// query (over the partial index of unapproved rows), so the answer is as long as the number of distinct
    /// confidences, not of rows.
    public func pendingConfidences() throws -> [Double: Int] {
        let rows = try database.query("""
            SELECT confidence, count(*) AS tracks FROM track_matches WHERE approved = false GROUP BY confidence
            """).rows
        var pending: [Double: Int] = [:]
        for row in rows {
            let value = StoredConfidence(stored: try row.decode("confidence", as: Double.self)).value
            pending[value, default: 0] += try row.decode("tracks", as: Int.self)
        }
        return pending
    }

    /// The report for decisions since `since`, against `settings`.
    public func report(since: Date? = nil, settings: CalibrationSettings) throws -> CalibrationReport {
        CalibrationReport(decisions: try decisions(since: since), pending: try pendingConfidences(),
                          settings: settings)
    }
}
