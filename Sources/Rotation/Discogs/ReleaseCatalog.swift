import Foundation
import Matching
import Postgres

/// What one write to the catalog changed.
public struct CatalogChange: Sendable, Equatable, Codable {
    /// Releases that were not in `releases` before.
    public var newReleases = 0
    /// Releases already known whose stored fields changed.
    public var updatedReleases = 0
    /// Rows added to `processing_queue` (a release the web app had already queued is not counted).
    public var enqueued = 0

    public init(newReleases: Int = 0, updatedReleases: Int = 0, enqueued: Int = 0) {
        self.newReleases = newReleases; self.updatedReleases = updatedReleases; self.enqueued = enqueued
    }

    public var changedAnything: Bool { newReleases + updatedReleases + enqueued > 0 }

    public static func += (lhs: inout CatalogChange, rhs: CatalogChange) {
        lhs.newReleases += rhs.newReleases
        lhs.updatedReleases += rhs.updatedReleases
        lhs.enqueued += rhs.enqueued
    }
}

/// The summary of a marketplace listing as it goes into `releases`.
struct ListingRow: Codable, Sendable {
    var discogs_id: Int64
    var store_username: String
    var title: String
    var artist: String
    var year: Int?
    var catno: String?
    var thumb: String?
    /// The listing's release object, for `processing_queue.release_data`.
    var release_data: DiscogsListingRelease

    init(listing: DiscogsListing, store: String) {
        let release = listing.release
        discogs_id = release.id
        store_username = store
        title = release.title ?? release.description ?? ""
        artist = release.artist ?? ""
        year = release.year
        catno = release.catalogNumber
        thumb = release.thumbnail
        release_data = release
    }
}

/// Writes imported Discogs data into the web app's `releases` and `processing_queue` (and the bodies into our
/// `discogs_release_bodies`), in the forms the web app uses. Every write is idempotent: importing the same data again changes nothing.
public struct ReleaseCatalog: Sendable {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) { self.connection = connection }

    /// Upserts the releases of some listings of `store`. A release new to the database is inserted and queued
    /// (with the web app's `ON CONFLICT (store_username, discogs_id) DO NOTHING`); a known one only gains fields it
    /// lacked, so a listing never overwrites what a full release body stored.
    func upsertListings(_ rows: [ListingRow]) throws -> CatalogChange {
        guard !rows.isEmpty else { return CatalogChange() }
        let json = try PostgresJSON(encoding: rows)
        let result = try connection.query("""
            WITH input AS (
              SELECT DISTINCT ON (discogs_id) *
              FROM jsonb_to_recordset($1::jsonb) AS x(discogs_id BIGINT, store_username TEXT, title TEXT, artist TEXT,
                                                      year INTEGER, catno TEXT, thumb TEXT, release_data JSONB)
              ORDER BY discogs_id
            ), upserted AS (
              INSERT INTO releases (discogs_id, store_username, title, artist, year, catno, thumb)
              SELECT discogs_id, store_username, title, artist, year, catno, thumb FROM input
              ON CONFLICT (discogs_id) DO UPDATE SET
                year = COALESCE(releases.year, EXCLUDED.year),
                catno = COALESCE(releases.catno, EXCLUDED.catno),
                thumb = COALESCE(releases.thumb, EXCLUDED.thumb),
                last_updated = NOW()
              WHERE (releases.year IS NULL AND EXCLUDED.year IS NOT NULL)
                 OR (releases.catno IS NULL AND EXCLUDED.catno IS NOT NULL)
                 OR (releases.thumb IS NULL AND EXCLUDED.thumb IS NOT NULL)
              RETURNING discogs_id, store_username, (xmax = 0) AS inserted
            ), \(Self.enqueueInsertedAndCount)
            """, json)
        return try change(from: result)
    }

    /// Upserts a full release body for `store`: all of `releases`' fields, and the body itself for the matcher. A
    /// release new to the database is queued; a known one keeps its store and is updated only where it differs.
    public func upsertRelease(_ body: ReleaseBody, store: String) throws -> CatalogChange {
        let release = body.release
        let label = release.labels.first
        let thumb = release.thumb.flatMap { $0.isEmpty ? nil : $0 }
        let releaseData = try DiscogsListingRelease(summarizing: release).releaseDataJSON
        return try connection.transaction { db in
            try db.query("""
                INSERT INTO discogs_release_bodies (discogs_id, body) VALUES ($1, $2::jsonb)
                ON CONFLICT (discogs_id) DO UPDATE SET body = EXCLUDED.body, fetched_at = NOW()
                WHERE discogs_release_bodies.body IS DISTINCT FROM EXCLUDED.body
                """, release.id, PostgresJSON(body.bodyJSON))
            let result = try db.query("""
                WITH input AS (SELECT $1::bigint AS discogs_id, $14::jsonb AS release_data),
                upserted AS (
                  INSERT INTO releases (discogs_id, store_username, title, artist, year, label, catno, thumb, genres,
                                        styles, tracklist, images, discogs_uri)
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11::jsonb, $12::jsonb, $13)
                  ON CONFLICT (discogs_id) DO UPDATE SET
                    title = EXCLUDED.title, artist = EXCLUDED.artist, year = EXCLUDED.year, label = EXCLUDED.label,
                    catno = EXCLUDED.catno, thumb = COALESCE(EXCLUDED.thumb, releases.thumb), genres = EXCLUDED.genres,
                    styles = EXCLUDED.styles, tracklist = EXCLUDED.tracklist, images = EXCLUDED.images,
                    discogs_uri = EXCLUDED.discogs_uri, last_updated = NOW()
                  WHERE (releases.title, releases.artist, releases.year, releases.label, releases.catno,
                         COALESCE(EXCLUDED.thumb, releases.thumb), releases.genres, releases.styles, releases.tracklist,
                         releases.images, releases.discogs_uri)
                    IS DISTINCT FROM
                        (EXCLUDED.title, EXCLUDED.artist, EXCLUDED.year, EXCLUDED.label, EXCLUDED.catno,
                         releases.thumb, EXCLUDED.genres, EXCLUDED.styles, EXCLUDED.tracklist,
                         EXCLUDED.images, EXCLUDED.discogs_uri)
                  RETURNING discogs_id, store_username, (xmax = 0) AS inserted
                ), \(Self.enqueueInsertedAndCount)
                """,
                release.id, store, release.title, release.artistDisplayName, release.year,
                label?.name, label?.catno, thumb, PostgresJSON(body.genresJSON), PostgresJSON(body.stylesJSON),
                PostgresJSON(body.tracklistJSON), PostgresJSON(body.imagesJSON), release.uri, PostgresJSON(releaseData))
            return try change(from: result)
        }
    }

    /// Discogs ids of `store`'s releases that have no stored body yet (imported from listings only).
    public func releasesWithoutBody(store: String, limit: Int = 10_000) throws -> [Int64] {
        try connection.query("""
            SELECT r.discogs_id FROM releases r
            WHERE r.store_username = $1
              AND NOT EXISTS (SELECT 1 FROM discogs_release_bodies b WHERE b.discogs_id = r.discogs_id)
            ORDER BY r.discogs_id LIMIT $2
            """, store, limit).column("discogs_id", as: Int64.self)
    }

    /// The end of both upserts, after CTEs `input (discogs_id, release_data, …)` and `upserted (discogs_id,
    /// store_username, inserted)`: queues the releases new to the database as the web app does, with their
    /// `release_data` and the table's default priority and max_retries, and counts what changed for `change(from:)`.
    private static let enqueueInsertedAndCount = """
        enqueued AS (
          INSERT INTO processing_queue (store_username, discogs_id, release_data)
          SELECT u.store_username, u.discogs_id, i.release_data
          FROM upserted u JOIN input i ON i.discogs_id = u.discogs_id
          WHERE u.inserted
          ON CONFLICT (store_username, discogs_id) DO NOTHING
          RETURNING 1
        )
        SELECT (SELECT count(*) FROM upserted WHERE inserted) AS inserted,
               (SELECT count(*) FROM upserted WHERE NOT inserted) AS updated,
               (SELECT count(*) FROM enqueued) AS enqueued
        """

    private func change(from result: PostgresResult) throws -> CatalogChange {
        guard let row = result.first else { return CatalogChange() }
        return CatalogChange(newReleases: try row.decode("inserted"), updatedReleases: try row.decode("updated"),
                             enqueued: try row.decode("enqueued"))
    }
}
