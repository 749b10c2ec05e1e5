import Foundation
import Postgres

/// What `rotation sync STORE` did.
public struct StoreSyncReport: Sendable, Codable, Equatable {
    public var store: String
    /// The page this run started from (above 1 when it resumed an interrupted sync).
    public var startedAtPage: Int
    public var pagesFetched = 0
    public var pages: Int?
    public var listingsProcessed = 0
    public var newReleasesFound = 0
    public var releaseBodiesFetched = 0
    public var issues: [ImportIssue] = []
}

/// Does what the web app's inventory loader does, from a terminal: fetches a store's inventory pages, imports and
/// queues releases new to the database, fetches the bodies of releases it has none for, and logs the sync. The
/// next page is saved after each page, so a sync that stopped (rate limit, network, Ctrl-C) resumes there.
public struct StoreSync: Sendable {
    public let connection: PostgresConnection
    public let client: DiscogsClient
    public var perPage = 100
    public var fetchReleaseBodies = true

    public init(connection: PostgresConnection, client: DiscogsClient) {
        self.connection = connection; self.client = client
    }

    /// Runs or resumes the sync of `store`; `restart` ignores an unfinished earlier run. `progress` receives one
    /// line per step. Throws when Discogs stays unreachable; running it again resumes.
    public func run(store: String, restart: Bool = false, progress: (String) -> Void = { _ in }) throws -> StoreSyncReport {
        let importer = DiscogsImporter(connection: connection)
        var report = try begin(store: store, restart: restart)
        if report.startedAtPage > 1 { progress("resuming \(store) at page \(report.startedAtPage)") }
        var page = report.startedAtPage
        while true {
            let (data, resource) = try client.inventoryPage(store: store, page: page, perPage: perPage)
            let outcome = try importer.importInventoryPage(data, source: resource, store: store)
            report.pagesFetched += 1
            report.listingsProcessed += outcome.listingsProcessed
            report.newReleasesFound += outcome.change.newReleases
            report.issues += outcome.issues
            let pages = outcome.pagination?.pages ?? page
            report.pages = pages
            try connection.query("""
                UPDATE discogs_sync_state SET next_page = $2, pages = $3, listings_processed = listings_processed + $4,
                  new_releases_found = new_releases_found + $5, updated_at = NOW()
                WHERE store_username = $1
                """, store, page + 1, pages, outcome.listingsProcessed, outcome.change.newReleases)
            progress("page \(page)/\(pages): \(outcome.listingsProcessed) listings, \(outcome.change.newReleases) new releases")
            // A page that decoded to nothing useful, or held no listings at all (a hostile or stale `pages` count far
            // beyond the inventory), ends the walk rather than asking for pages that cannot exist.
            let pageWasEmpty = outcome.listingsProcessed == 0 && outcome.issues.isEmpty
            if page >= pages || outcome.pagination == nil || pageWasEmpty { break }
            page += 1
        }
        if fetchReleaseBodies {
            let catalog = ReleaseCatalog(connection: connection)
            let missing = try catalog.releasesWithoutBody(store: store)
            for (index, id) in missing.enumerated() {
                do {
                    let data = try client.releaseBody(id: id)
                    _ = try importer.importReleaseBody(data, source: "/releases/\(id)", store: store)
                    report.releaseBodiesFetched += 1
                } catch let error as DiscogsClientError where error.isPermanent {
                    report.issues.append(ImportIssue(source: error.resource, path: "$", message: error.description))
                } catch let issue as ImportIssue {
                    report.issues.append(issue)
                }
                if (index + 1) % 25 == 0 || index + 1 == missing.count {
                    progress("release bodies: \(index + 1)/\(missing.count)")
                }
            }
        }
        let totals = try connection.query("""
            UPDATE discogs_sync_state SET completed_at = NOW(), updated_at = NOW() WHERE store_username = $1
            RETURNING listings_processed, new_releases_found
            """, store)
        let listings = try totals.first?.decode("listings_processed", as: Int.self) ?? report.listingsProcessed
        let found = try totals.first?.decode("new_releases_found", as: Int.self) ?? report.newReleasesFound
        try StoreSyncRun(store: store, source: .sync, listingsProcessed: listings, newReleasesFound: found).record(on: connection)
        return report
    }

    /// Starts a new run, or picks up an unfinished one.
    private func begin(store: String, restart: Bool) throws -> StoreSyncReport {
        let existing = try connection.query("""
            SELECT next_page FROM discogs_sync_state WHERE store_username = $1 AND completed_at IS NULL
            """, store).first
        if let existing, !restart {
            return StoreSyncReport(store: store, startedAtPage: try existing.decode("next_page"))
        }
        try connection.query("""
            INSERT INTO discogs_sync_state (store_username, next_page, listings_processed, new_releases_found)
            VALUES ($1, 1, 0, 0)
            ON CONFLICT (store_username) DO UPDATE SET next_page = 1, pages = NULL, listings_processed = 0,
              new_releases_found = 0, started_at = NOW(), updated_at = NOW(), completed_at = NULL
            """, store)
        return StoreSyncReport(store: store, startedAtPage: 1)
    }
}
