import Foundation
import Postgres

/// Computes `ReviewStatsReport` from the decision log (`match_reviews`), `track_matches` and `releases`, with
/// parameterized SQL only. Days are UTC calendar days; the last one ends at `asOf`.
///
/// - Decisions: every logged decision (approve, reject, reject with a replacement, replace, needs review, clear,
///   clear a release or a store, undo) by its reviewer label; confidence normalizations are a rewrite, not a
///   judgement, and are not counted.
/// - Time to decision: for each match a person decided while it waited for review (`row_before.approved` false),
///   the first decision on that stored row (`row_before.id`) minus when it was stored (`row_before.created_at`).
/// - Pending by store: reconstructed, since nothing records past counts (see `pendingEvents`).
/// - Rejections: the log has no reason field (`match_reviews.note` is never written, and the web app writes no
///   log), so rejections are counted per reviewer and per store.
public struct ReviewStatistics: Sendable {
    public static let defaultDays = 14
    /// The longest window asked for (a year and a day).
    public static let maximumDays = 366

    let database: PostgresConnection

    public init(database: PostgresConnection) {
        self.database = database
    }

    public func report(days requested: Int = defaultDays, asOf: Date = Date()) throws -> ReviewStatsReport {
        let days = min(max(1, requested), Self.maximumDays)
        let window = Self.window(days: days, asOf: asOf)
        return ReviewStatsReport(days: days, since: window.since, asOf: asOf, dayLabels: window.labels,
                                 reviewers: try decisions(window), timeToDecision: try timeToDecision(window),
                                 pendingByStore: try pendingByStore(window), rejections: try rejections(window))
    }

    struct Window {
        var days: Int
        var since: Date
        var asOf: Date
        var labels: [String]
    }

    static func window(days: Int, asOf: Date) -> Window {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.startOfDay(for: asOf)
        let since = calendar.date(byAdding: .day, value: -(days - 1), to: today)!
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        let labels = (0..<days).map { formatter.string(from: calendar.date(byAdding: .day, value: $0, to: since)!) }
        return Window(days: days, since: since, asOf: asOf, labels: labels)
    }

    /// The day index (0-based from `since`) of a time in the window: `floor((t - since) / 1 day)`.
    private static let dayOfCreatedAt = "floor(extract(epoch FROM r.created_at - $1::timestamptz) / 86400)::integer"

    // MARK: Decisions per reviewer per day

    private func decisions(_ window: Window) throws -> [ReviewerDecisions] {
        let rows = try database.query("""
            SELECT r.reviewer, \(Self.dayOfCreatedAt) AS day, count(*) AS decisions
            FROM match_reviews r
            WHERE r.created_at >= $1 AND r.created_at <= $2 AND r.action <> 'normalize_confidence'
            GROUP BY 1, 2
            """, window.since, window.asOf).rows
        var perReviewer: [String: [Int]] = [:]
        for row in rows {
            let day: Int = try row.decode("day")
            guard (0..<window.days).contains(day) else { continue }
            perReviewer[try row.decode("reviewer"), default: Array(repeating: 0, count: window.days)][day] += try row.decode("decisions", as: Int.self)
        }
        return perReviewer.map { ReviewerDecisions(reviewer: $0.key, perDay: $0.value) }
            .sorted { $0.total != $1.total ? $0.total > $1.total : $0.reviewer < $1.reviewer }
    }

    // MARK: Time to decision

    private func timeToDecision(_ window: Window) throws -> TimeToDecision {
        let row = try database.query("""
            WITH first_decisions AS (
              SELECT DISTINCT ON (r.row_before->>'id') r.created_at,
                     extract(epoch FROM r.created_at - (r.row_before->>'created_at')::timestamptz) AS waited
              FROM match_reviews r
              WHERE r.track_index IS NOT NULL AND r.created_at <= $2
                AND r.action IN ('approve', 'reject', 'reject_replace', 'replace', 'clear')
                AND jsonb_typeof(r.row_before) = 'object' AND r.row_before->>'created_at' IS NOT NULL
                AND r.row_before->>'id' IS NOT NULL AND (r.row_before->>'approved')::boolean = false
              ORDER BY r.row_before->>'id', r.created_at, r.id
            )
            SELECT count(*) AS decisions, percentile_cont(0.5) WITHIN GROUP (ORDER BY waited) AS median
            FROM first_decisions WHERE created_at >= $1
            """, window.since, window.asOf).first
        return TimeToDecision(decisions: try row?.decode("decisions") ?? 0,
                              medianSeconds: try row?.decode("median", as: Double?.self))
    }

    // MARK: Pending by store over time

    /// Nothing records how many matches were pending on a past day, so the series is rebuilt from when matches
    /// were stored and decided. Per track, the log's entries in order (a bulk clear and its undo count once for
    /// each of their rows) give the intervals during which the track was pending:
    ///
    /// - from when the row was stored (`row_before.created_at`) to the first decision that found it pending;
    /// - from a decision that left it pending (needs review, an undo) to the track's next decision, or to now;
    /// - a pending row in `track_matches` stored after the track's last decision (or never decided): from when it
    ///   was stored to now.
    ///
    /// Each interval adds one at its start and removes one at its end; summed per store up to each day's end they
    /// give the count then. What is not logged is not seen: the web app's approvals move no count until a
    /// decision here touches the track, and a row the matcher stored and re-stored counts from its first storing.
    static let pendingEvents = """
        WITH log AS (
          SELECT r.id, r.created_at, r.release_id, r.track_index, r.row_before, r.row_after
          FROM match_reviews r WHERE r.track_index IS NOT NULL AND r.created_at <= $2
          UNION ALL
          SELECT r.id, r.created_at, (e->>'release_id')::bigint, (e->>'track_index')::integer, e, NULL::jsonb
          FROM match_reviews r CROSS JOIN LATERAL jsonb_array_elements(r.row_before) e
          WHERE r.track_index IS NULL AND jsonb_typeof(r.row_before) = 'array' AND r.created_at <= $2
          UNION ALL
          SELECT r.id, r.created_at, (e->>'release_id')::bigint, (e->>'track_index')::integer, NULL::jsonb, e
          FROM match_reviews r CROSS JOIN LATERAL jsonb_array_elements(r.row_after) e
          WHERE r.track_index IS NULL AND jsonb_typeof(r.row_after) = 'array' AND r.created_at <= $2
        ), ordered AS (
          SELECT l.*, lag(l.created_at) OVER w AS previous_at, lag(l.row_after) OVER w AS previous_after,
                 lead(l.created_at) OVER w AS next_at
          FROM log l WINDOW w AS (PARTITION BY l.release_id, l.track_index ORDER BY l.created_at, l.id)
        ), intervals AS (
          SELECT release_id, (row_before->>'created_at')::timestamptz AS since, created_at AS until
          FROM ordered
          WHERE jsonb_typeof(row_before) = 'object' AND (row_before->>'approved')::boolean = false
            AND row_before->>'created_at' IS NOT NULL AND (previous_at IS NULL OR previous_after IS NULL)
          UNION ALL
          SELECT release_id, created_at, next_at
          FROM ordered WHERE jsonb_typeof(row_after) = 'object' AND (row_after->>'approved')::boolean = false
          UNION ALL
          SELECT m.release_id, m.created_at, NULL
          FROM track_matches m
          WHERE NOT m.approved AND m.created_at <= $2
            AND NOT EXISTS (SELECT 1 FROM log l WHERE l.release_id = m.release_id AND l.track_index = m.track_index
                              AND l.created_at >= m.created_at)
        ), events AS (
          SELECT release_id, since AS at, 1 AS delta FROM intervals WHERE since IS NOT NULL
          UNION ALL
          SELECT release_id, until, -1 FROM intervals WHERE since IS NOT NULL AND until IS NOT NULL AND until >= since
        )
        SELECT s.store_username AS store,
               greatest(0, ceil(extract(epoch FROM e.at - $1::timestamptz) / 86400)::integer - 1) AS day,
               sum(e.delta) AS delta
        FROM events e LEFT JOIN releases s ON s.discogs_id = e.release_id
        WHERE e.at <= $2
        GROUP BY 1, 2
        """

    private func pendingByStore(_ window: Window) throws -> [StorePendingSeries] {
        // Day i counts the intervals started at or before its end and not ended by then; an event before the
        // window falls in day 0, so each day's figure is the running sum.
        var deltas: [String?: [Int]] = [:]
        for row in try database.query(Self.pendingEvents, window.since, window.asOf).rows {
            let day = min(try row.decode("day", as: Int.self), window.days - 1)
            deltas[try row.decode("store", as: String?.self), default: Array(repeating: 0, count: window.days)][day] +=
                try row.decode("delta", as: Int.self)
        }
        return deltas.compactMap { store, perDay -> StorePendingSeries? in
            var running = 0
            let series = perDay.map { running += $0; return running }
            return series.allSatisfy({ $0 == 0 }) ? nil : StorePendingSeries(store: store, perDay: series)
        }
        .sorted { $0.now != $1.now ? $0.now > $1.now : ($0.store ?? "") < ($1.store ?? "") }
    }

    // MARK: Rejections

    private func rejections(_ window: Window) throws -> RejectionCounts {
        let rows = try database.query("""
            SELECT r.reviewer, coalesce(r.store_username, s.store_username) AS store, r.action, count(*) AS rejections
            FROM match_reviews r LEFT JOIN releases s ON s.discogs_id = r.release_id
            WHERE r.action IN ('reject', 'reject_replace') AND r.created_at >= $1 AND r.created_at <= $2
            GROUP BY 1, 2, 3
            """, window.since, window.asOf).rows
        var total = 0, replaced = 0
        var byReviewer: [String: Int] = [:]
        var byStore: [String?: Int] = [:]
        for row in rows {
            let count: Int = try row.decode("rejections")
            total += count
            if try row.decode("action", as: String.self) == "reject_replace" { replaced += count }
            byReviewer[try row.decode("reviewer"), default: 0] += count
            byStore[try row.decode("store", as: String?.self), default: 0] += count
        }
        let ranked = { (a: NamedCount, b: NamedCount) in a.count != b.count ? a.count > b.count : (a.name ?? "") < (b.name ?? "") }
        return RejectionCounts(total: total, withReplacement: replaced,
                               byReviewer: byReviewer.map { NamedCount($0.key, $0.value) }.sorted(by: ranked),
                               byStore: byStore.map { NamedCount($0.key, $0.value) }.sorted(by: ranked))
    }
}
