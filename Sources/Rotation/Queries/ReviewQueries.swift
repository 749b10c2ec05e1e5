import Foundation
import Postgres

/// The review lists that the console's screens and the CLI (`stores list`, `releases show`, `matches list`) read,
/// all keyset-paginated over indexes, so a page costs the same at 1M matches as at 10k:
/// stores and releases read the trigger-maintained counters (migration 0005); the pending list walks the partial
/// index on unapproved matches in (confidence, release, track) order, filtered by store the side table of migration
/// 0018 in the same order, and its text filter the trigram indexes.
public struct ReviewQueries: Sendable {
    public let database: PostgresConnection

    public init(database: PostgresConnection) {
        self.database = database
    }

    // MARK: Stores

    /// Stores by name, with pending and unmatched counts.
    public func stores(after cursor: String? = nil, limit: Int = 50) throws -> QueryPage<StoreSummary> {
        let limit = max(1, min(limit, 1000))
        let after = try cursor.map { try QueryCursor.decode($0, fields: 1)[0] }
        let rows = try database.query("""
            SELECT store_username, release_count, track_count, matched_count, pending_count
            FROM store_review_counts
            WHERE ($1::text IS NULL OR store_username > $1::text) AND (release_count > 0 OR matched_count > 0)
            ORDER BY store_username LIMIT $2
            """, after, limit + 1).rows
        let items = try rows.prefix(limit).map { row in
            let tracks = try row.decode("track_count", as: Int.self)
            let matched = try row.decode("matched_count", as: Int.self)
            return StoreSummary(
                store: try row.decode("store_username", as: String.self), releaseCount: try row.decode("release_count", as: Int.self),
                trackCount: tracks, matchedCount: matched, pendingCount: try row.decode("pending_count", as: Int.self),
                unmatchedCount: max(0, tracks - matched))
        }
        return QueryPage(items: items, nextCursor: rows.count > limit ? items.last.map { QueryCursor.encode([$0.store]) } : nil)
    }

    // MARK: Releases

    /// A store's releases, most pending first or oldest first.
    public func releases(
        of store: String, order: ReleaseOrder = .mostPending, after cursor: String? = nil, limit: Int = 50
    ) throws -> QueryPage<ReleaseSummary> {
        let limit = max(1, min(limit, 1000))
        let fields = try cursor.map { try QueryCursor.decode($0, fields: 2) }
        let select = """
            SELECT c.release_id, c.store_username, c.release_created_at, c.track_count, c.matched_count, c.pending_count,
                   r.title, r.artist, r.catno, r.year
            FROM release_review_counts c LEFT JOIN releases r ON r.discogs_id = c.release_id
            WHERE c.store_username = $1
            """
        let rows: [PostgresRow]
        switch order {
        case .mostPending:
            let pending = try fields.map { try integer($0[0]) }
            let release = try fields.map { try integer($0[1]) }
            rows = try database.query("""
                \(select) AND ($2::integer IS NULL OR (c.pending_count < $2::integer)
                                OR (c.pending_count = $2::integer AND c.release_id > $3::bigint))
                ORDER BY c.pending_count DESC, c.release_id LIMIT $4
                """, store, pending.map(Int.init), release, limit + 1).rows
        case .oldest:
            let created = fields.map { $0[0] }
            let release = try fields.map { try integer($0[1]) }
            rows = try database.query("""
                \(select) AND ($2::timestamptz IS NULL OR (c.release_created_at, c.release_id) > ($2::timestamptz, $3::bigint))
                ORDER BY c.release_created_at, c.release_id LIMIT $4
                """, store, created, release, limit + 1).rows
        }
        let items = try rows.prefix(limit).map(Self.releaseSummary)
        var next: String?
        if rows.count > limit, let last = items.last {
            switch order {
            case .mostPending: next = QueryCursor.encode([String(last.pendingCount), String(last.releaseID)])
            case .oldest: next = QueryCursor.encode([last.createdAt.map(PostgresTimestamp.format) ?? "", String(last.releaseID)])
            }
        }
        return QueryPage(items: items, nextCursor: next)
    }

    private func integer(_ text: String) throws -> Int64 {
        guard let value = Int64(text) else { throw QueryError.badCursor }
        return value
    }

    static func releaseSummary(_ row: PostgresRow) throws -> ReleaseSummary {
        let tracks = try row.decode("track_count", as: Int?.self) ?? 0
        let matched = try row.decode("matched_count", as: Int?.self) ?? 0
        return ReleaseSummary(
            releaseID: try row.decode("release_id", as: Int64.self), store: try row.decode("store_username", as: String?.self),
            title: try row.decode("title", as: String?.self), artist: try row.decode("artist", as: String?.self),
            catno: try row.decode("catno", as: String?.self), year: try row.decode("year", as: Int?.self), createdAt: try row.decode("release_created_at", as: Date?.self),
            trackCount: tracks, matchedCount: matched, pendingCount: try row.decode("pending_count", as: Int?.self) ?? 0,
            unmatchedCount: max(0, tracks - matched))
    }

    // MARK: One release

    /// Every tracklist entry of a release with its match, status, candidates (best first) and rejected URLs, from
    /// `releases.tracklist`, else (empty or NULL there) from the stored Discogs body, with `titleSource` saying
    /// which. Matches whose track is not in the tracklist (or whose release has no row) are listed too.
    public func release(_ releaseID: Int64) throws -> ReleaseDetail {
        let summary = try database.query("""
            SELECT c.release_id, coalesce(r.store_username, c.store_username) AS store_username, c.release_created_at,
                   c.track_count, c.matched_count, c.pending_count, r.title, r.artist, r.catno, r.year
            FROM release_review_counts c LEFT JOIN releases r ON r.discogs_id = c.release_id
            WHERE c.release_id = $1
            """, releaseID).first.map(Self.releaseSummary)
        // The web app's upsert of a release may rewrite its tracklist to [] (or leave it NULL): the titles then
        // come from the Discogs body we stored, and the detail says so.
        let entries = try database.query("""
            WITH chosen AS (
              SELECT \(TrackTitleSource.sourceSQL) AS source, \(TrackTitleSource.tracklistSQL) AS tracklist
              FROM (SELECT $1::bigint AS id) k
                   LEFT JOIN releases r ON r.discogs_id = k.id
                   LEFT JOIN discogs_release_bodies b ON b.discogs_id = k.id
            )
            SELECT c.source, (e.n - 1)::integer AS track_index, e.value->>'position' AS position,
                   e.value->>'title' AS title, e.value->>'duration' AS duration,
                   coalesce(e.value->>'type_', 'track') AS kind
            FROM chosen c CROSS JOIN LATERAL jsonb_array_elements(c.tracklist) WITH ORDINALITY AS e(value, n)
            ORDER BY e.n
            """, releaseID).rows
        let titleSource = try entries.first.flatMap { try $0.decode("source", as: String?.self) }
            .flatMap(TrackTitleSource.init(rawValue:))
        let matches = try database.query(
            "SELECT \(TrackMatch.columns) FROM track_matches WHERE release_id = $1", releaseID
        ).rows.map(TrackMatch.init(row:))
        let candidates = try database.query("""
            SELECT track_index, platform, match_url, title, confidence, evidence::text AS evidence
            FROM match_candidates WHERE release_id = $1 ORDER BY track_index, confidence DESC, match_url
            """, releaseID).rows
        let rejections = try database.query(
            "SELECT track_index, match_url FROM match_rejections WHERE release_id = $1 ORDER BY at", releaseID
        ).rows

        var rejectedByTrack: [Int: [String]] = [:]
        for row in rejections {
            rejectedByTrack[try row.decode("track_index", as: Int.self), default: []].append(try row.decode("match_url", as: String.self))
        }
        var candidatesByTrack: [Int: [CandidateRow]] = [:]
        for row in candidates {
            let track = try row.decode("track_index", as: Int.self)
            let url = try row.decode("match_url", as: String.self)
            candidatesByTrack[track, default: []].append(CandidateRow(
                platform: try row.decode("platform", as: String.self), url: url, title: try row.decode("title", as: String?.self),
                confidence: try row.decode("confidence", as: Double.self), evidence: JSONValue.parse(row["evidence"]),
                rejected: rejectedByTrack[track]?.contains(url) ?? false))
        }
        var matchByTrack = Dictionary(matches.map { ($0.trackIndex, $0) }, uniquingKeysWith: { a, _ in a })
        var tracks: [TrackReviewRow] = []
        for entry in entries {
            let index = try entry.decode("track_index", as: Int.self)
            let kind = try entry.decode("kind", as: String.self)
            let match = matchByTrack.removeValue(forKey: index)
            let status: TrackStatus = ["heading", "index"].contains(kind) ? .heading
                : match.map { $0.approved ? .approved : .pending } ?? .unmatched
            tracks.append(TrackReviewRow(
                key: TrackKey(releaseID: releaseID, trackIndex: index), position: try entry.decode("position", as: String?.self),
                title: try entry.decode("title", as: String?.self), duration: try entry.decode("duration", as: String?.self),
                status: status, match: match, candidates: candidatesByTrack[index] ?? [],
                rejectedURLs: rejectedByTrack[index] ?? []))
        }
        for match in matchByTrack.values.sorted(by: { $0.trackIndex < $1.trackIndex }) {
            tracks.append(TrackReviewRow(
                key: match.key, position: nil, title: nil, duration: nil, status: match.approved ? .approved : .pending,
                match: match, candidates: candidatesByTrack[match.trackIndex] ?? [],
                rejectedURLs: rejectedByTrack[match.trackIndex] ?? []))
        }
        return ReleaseDetail(release: summary, tracks: tracks, titleSource: titleSource)
    }

    // MARK: Pending across stores

    /// Unapproved matches, lowest confidence first, filtered. Only the filters given become predicates, so the
    /// planner sees a plain range scan of the partial index; a rare search text is found through the trigram
    /// indexes of migration 0011 (a common one by that range scan, which soon finds a page of it). Confidence filters apply `StoredConfidence`'s rule (87
    /// passes `--max 0.9`); the order is the column's, so rows still stored on the 0-100 scale come after the others
    /// until `normalize-confidence` rewrites them (ordering by the read value would sort every pending row).
    public func pending(_ filter: PendingFilter = PendingFilter(), after cursor: String? = nil, limit: Int = 50) throws
        -> QueryPage<PendingMatchRow>
    {
        let limit = max(1, min(limit, 1000))
        let statement = try pendingStatement(filter, after: cursor, limit: limit)
        let rows = try database.query(statement.sql, parameters: statement.parameters).rows
        let items = try rows.prefix(limit).map { row in
            PendingMatchRow(match: try TrackMatch(row: row), store: try row.decode("store_username", as: String?.self),
                            releaseTitle: try row.decode("title", as: String?.self), artist: try row.decode("artist", as: String?.self))
        }
        var next: String?
        if rows.count > limit, let last = rows.prefix(limit).last, let match = items.last?.match {
            // The confidence as the server prints it, so that the REAL comparison resumes exactly after it.
            next = QueryCursor.encode([last["confidence_text"] ?? String(match.confidence), String(match.releaseID), String(match.trackIndex)])
        }
        return QueryPage(items: items, nextCursor: next)
    }

    /// The plan Postgres chooses for `pending(filter, after:, limit:)` (`EXPLAIN`, one line per node), for the
    /// benchmarks and the tests that check which index a page uses.
    public func pendingPlan(_ filter: PendingFilter = PendingFilter(), after cursor: String? = nil, limit: Int = 50) throws
        -> String
    {
        let statement = try pendingStatement(filter, after: cursor, limit: max(1, min(limit, 1000)))
        return try database.query("EXPLAIN " + statement.sql, parameters: statement.parameters).rows
            .map { $0["QUERY PLAN"] ?? "" }.joined(separator: "\n")
    }

    /// The one statement behind `pending` and `pendingPlan`: it fetches `limit + 1` rows (the extra one says whether
    /// a next page exists).
    private func pendingStatement(_ filter: PendingFilter, after cursor: String?, limit: Int) throws
        -> (sql: String, parameters: [any PostgresEncodable])
    {
        // Filtered by store (and at most by what the side table holds: confidence bounds, release, cursor), the
        // page walks pending_match_stores' index (migration 0018: the store's pending rows in the list's order)
        // for its keys alone, then reads only the rows it shows: 50 index entries at any size, where walking the
        // pending index and asking each row's store would read 20 rows for one of a store among 20.
        let byStorePages = filter.store != nil && filter.platform == nil && (filter.search ?? "").isEmpty
        let keys = byStorePages ? "p" : "m"
        var conditions = byStorePages ? [] : ["m.approved = false"]
        var parameters: [any PostgresEncodable] = []
        func bind(_ value: any PostgresEncodable) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        if let min = filter.minConfidence {
            guard (0...1).contains(min) else { throw QueryError.invalidFilter("--min must be between 0 and 1") }
            conditions.append(StoredConfidence.sqlAtLeast("\(keys).confidence", "\(bind(min))::real"))
        }
        if let max = filter.maxConfidence {
            guard (0...1).contains(max) else { throw QueryError.invalidFilter("--max must be between 0 and 1") }
            conditions.append(StoredConfidence.sqlAtMost("\(keys).confidence", "\(bind(max))::real"))
        }
        if let platform = filter.platform { conditions.append("m.platform = \(bind(platform))") }
        if let release = filter.releaseID { conditions.append("\(keys).release_id = \(bind(release))") }
        if let store = filter.store {
            // Without the side table (a platform or a text filter too), the store is asked of releases_store_idx
            // (store, discogs_id: an index-only lookup), not of the releases row the page shows.
            conditions.append(byStorePages ? "p.store_username = \(bind(store))" : """
                EXISTS (SELECT 1 FROM releases rs WHERE rs.discogs_id = m.release_id AND rs.store_username = \(bind(store)))
                """)
        }
        // The text filter: title or artist (trigram indexes on releases), or URL (a trigram index on pending rows,
        // migration 0011). An OR across the two tables would leave the planner no index for either side, so each
        // side is its own branch of a UNION, and the planner picks per branch: the trigram index for a rare text,
        // the confidence index with a filter for a common one.
        var searchPattern: String?
        if let search = filter.search, !search.isEmpty {
            searchPattern = bind("%" + search.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%")
        }
        if let cursor {
            let fields = try QueryCursor.decode(cursor, fields: 3)
            guard Double(fields[0]) != nil, let release = Int64(fields[1]), let track = Int(fields[2]) else {
                throw QueryError.badCursor
            }
            conditions.append("(\(keys).confidence, \(keys).release_id, \(keys).track_index) > "
                + "(\(bind(fields[0]))::real, \(bind(release))::bigint, \(bind(track))::integer)")
        }
        let limitParameter = bind(limit + 1)
        let shown = """
            m.id, m.release_id, m.track_index, m.platform, m.match_url, m.confidence, m.approved, m.verified_by,
            m.verified_at, m.created_at, m.updated_at, m.confidence::text AS confidence_text,
            r.store_username, r.title, r.artist
            """
        func page(_ extra: String?) -> String {
            """
            SELECT \(shown)
            FROM track_matches m LEFT JOIN releases r ON r.discogs_id = m.release_id
            WHERE \((conditions + (extra.map { [$0] } ?? [])).joined(separator: " AND "))
            ORDER BY m.confidence, m.release_id, m.track_index
            LIMIT \(limitParameter)
            """
        }
        if byStorePages {
            let sql = """
                SELECT \(shown)
                FROM (SELECT p.release_id, p.track_index FROM pending_match_stores p
                      WHERE \(conditions.joined(separator: " AND "))
                      ORDER BY p.confidence, p.release_id, p.track_index
                      LIMIT \(limitParameter)) page
                JOIN track_matches m ON m.release_id = page.release_id AND m.track_index = page.track_index
                LEFT JOIN releases r ON r.discogs_id = m.release_id
                ORDER BY m.confidence, m.release_id, m.track_index
                """
            return (sql, parameters)
        }
        let sql = searchPattern.map { p in
            """
            (\(page("(r.title ILIKE \(p) OR r.artist ILIKE \(p))")))
            UNION
            (\(page("m.match_url ILIKE \(p)")))
            ORDER BY confidence, release_id, track_index
            LIMIT \(limitParameter)
            """
        } ?? page(nil)
        return (sql, parameters)
    }
}
