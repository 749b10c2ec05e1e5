import Foundation
import Matching
import Postgres

/// What an import did, per store and in total, with every issue it skipped over.
public struct ImportSummary: Sendable, Codable, Equatable {
    public var filesRead = 0
    /// Listings (inventory) or release bodies (releases) read successfully.
    public var itemsProcessed = 0
    public var change = CatalogChange()
    /// Stores whose import changed something and was logged (`store_sync_log` and `store_sync_runs`).
    public var storesLogged: [String] = []
    public var issues: [ImportIssue] = []

    public init() {}
}

/// Imports Discogs JSON (inventory pages, single listings, release bodies) from files or from the API client into
/// the catalog. Each listing and each release body is its own unit: one that cannot be decoded or stored (see
/// `DiscogsDocumentLimits` and `StorageRules`) becomes an `ImportIssue` with its file, JSON path and reason, and the
/// rest is still imported. Database failures that are not an item's fault are thrown.
public struct DiscogsImporter: Sendable {
    public let catalog: ReleaseCatalog

    public init(catalog: ReleaseCatalog) { self.catalog = catalog }

    public init(connection: PostgresConnection) { self.init(catalog: ReleaseCatalog(connection: connection)) }

    // MARK: Inventory

    /// What one inventory page yielded, before it is logged.
    public struct PageOutcome: Sendable {
        public var pagination: DiscogsPagination?
        public var listingsProcessed = 0
        public var change = CatalogChange()
        /// Listings per store on this page (the seller's name, or the store the caller gave).
        public var listingsByStore: [String: Int] = [:]
        public var newReleasesByStore: [String: Int] = [:]
        public var issues: [ImportIssue] = []
    }

    /// Imports one inventory page (or single listing) held in `data`. `store`, when given, is the store of every
    /// listing; otherwise each listing's seller is.
    public func importInventoryPage(_ data: Data, source: String, store: String? = nil) throws -> PageOutcome {
        var outcome = PageOutcome()
        let document: InventoryDocument
        do {
            document = try InventoryDocument.decode(data, source: source)
        } catch {
            outcome.issues.append(error)
            return outcome
        }
        outcome.pagination = document.pagination
        var rowsByStore: [String: [(row: ListingRow, path: String)]] = [:]
        for slot in document.listings {
            switch slot.outcome {
            case .failure(let error):
                outcome.issues.append(ImportIssue(source: source, error))
            case .success(let listing):
                guard let owner = store ?? listing.sellerUsername, !owner.isEmpty else {
                    outcome.issues.append(ImportIssue(
                        source: source, path: DiscogsDecoding.path(DiscogsDecoding.path(slot.path, key: "seller"), key: "username"),
                        message: "the listing names no seller: give the store explicitly"))
                    continue
                }
                do {
                    try StorageRules.checkListing(listing.release, store: owner, at: slot.path)
                } catch {
                    outcome.issues.append(ImportIssue(source: source, error))
                    continue
                }
                rowsByStore[owner, default: []].append((ListingRow(listing: listing, store: owner), slot.path))
            }
        }
        for (owner, rows) in rowsByStore.sorted(by: { $0.key < $1.key }) {
            let (change, stored) = try upsertListings(rows, source: source, issues: &outcome.issues)
            outcome.change += change
            outcome.listingsProcessed += stored
            outcome.listingsByStore[owner, default: 0] += stored
            outcome.newReleasesByStore[owner, default: 0] += change.newReleases
        }
        return outcome
    }

    /// Upserts a page's listings of one store in one statement; when Postgres refuses a value (something
    /// `StorageRules` did not foresee), each listing is written alone so only the refused ones are reported.
    /// Returns the change and how many listings were stored.
    private func upsertListings(_ rows: [(row: ListingRow, path: String)], source: String,
                                issues: inout [ImportIssue]) throws -> (CatalogChange, Int) {
        do {
            return (try catalog.upsertListings(rows.map(\.row)), rows.count)
        } catch where rows.count > 1 && StorageRules.refusal(error) != nil {
            var change = CatalogChange()
            var stored = 0
            for row in rows {
                do {
                    change += try catalog.upsertListings([row.row])
                    stored += 1
                } catch {
                    guard let issue = ImportIssue(source: source, path: row.path, refusedWrite: error) else { throw error }
                    issues.append(issue)
                }
            }
            return (change, stored)
        } catch {
            guard let issue = ImportIssue(source: source, path: rows[0].path, refusedWrite: error) else { throw error }
            issues.append(issue)
            return (CatalogChange(), 0)
        }
    }

    /// Imports inventory files; every store whose import changed something has the import added to its
    /// cumulative `store_sync_log` row and recorded as a `store_sync_runs` row.
    public func importInventory(files: [URL], store: String? = nil) throws -> ImportSummary {
        var summary = ImportSummary()
        var listingsByStore: [String: Int] = [:]
        var changesByStore: [String: Int] = [:]
        for file in files {
            guard let data = read(file, into: &summary) else { continue }
            summary.filesRead += 1
            let outcome = try importInventoryPage(data, source: file.path, store: store)
            summary.itemsProcessed += outcome.listingsProcessed
            summary.change += outcome.change
            summary.issues += outcome.issues
            for (owner, count) in outcome.listingsByStore { listingsByStore[owner, default: 0] += count }
            for (owner, count) in outcome.newReleasesByStore { changesByStore[owner, default: 0] += count }
        }
        // A re-import that changed nothing is not logged, so importing twice leaves every table as it was.
        for (owner, newReleases) in changesByStore.sorted(by: { $0.key < $1.key }) where newReleases > 0 {
            try StoreSyncRun(store: owner, source: .import, listingsProcessed: listingsByStore[owner] ?? 0,
                             newReleasesFound: newReleases).record(on: catalog.connection)
            summary.storesLogged.append(owner)
        }
        return summary
    }

    // MARK: Releases

    /// Imports release bodies for `store`; logs the import when it changed something.
    public func importReleases(files: [URL], store: String) throws -> ImportSummary {
        var summary = ImportSummary()
        for file in files {
            guard let data = read(file, into: &summary) else { continue }
            summary.filesRead += 1
            do {
                summary.change += try importReleaseBody(data, source: file.path, store: store)
                summary.itemsProcessed += 1
            } catch let issue as ImportIssue {
                summary.issues.append(issue)
            }
        }
        if summary.change.changedAnything {
            try StoreSyncRun(store: store, source: .import, listingsProcessed: summary.itemsProcessed,
                             newReleasesFound: summary.change.newReleases).record(on: catalog.connection)
            summary.storesLogged.append(store)
        }
        return summary
    }

    /// Checks and stores one release body for `store` in its own transaction. A body that cannot be decoded or
    /// stored throws an `ImportIssue` (nothing of it is written); database failures that are not the body's fault
    /// are thrown as they are.
    public func importReleaseBody(_ data: Data, source: String, store: String) throws -> CatalogChange {
        let body = try ReleaseBody(data: data, source: source)
        do {
            return try catalog.upsertRelease(body, store: store)
        } catch {
            guard let issue = ImportIssue(source: source, refusedWrite: error) else { throw error }
            throw issue
        }
    }

    // MARK: Files

    /// The JSON files named by `paths`: files as given, directories expanded to their `*.json` files in name order.
    public static func jsonFiles(_ paths: [String]) throws -> [URL] {
        var files: [URL] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ImportIssue(source: path, path: "$", message: "no such file or directory")
            }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path)
                    .filter { $0.hasSuffix(".json") }.sorted()
                files += names.map { URL(fileURLWithPath: path).appendingPathComponent($0) }
            } else {
                files.append(URL(fileURLWithPath: path))
            }
        }
        return files
    }

    /// The file's bytes, or nil with an issue when it cannot be read or is over `DiscogsDocumentLimits`' size
    /// limit (checked before reading it).
    private func read(_ file: URL, into summary: inout ImportSummary) -> Data? {
        do {
            try DiscogsDocumentLimits.checkSize(of: file)
        } catch {
            summary.issues.append(ImportIssue(source: file.path, error))
            return nil
        }
        do {
            return try Data(contentsOf: file)
        } catch {
            summary.issues.append(ImportIssue(source: file.path, path: "$", message: "cannot read the file: \(error.localizedDescription)"))
            return nil
        }
    }
}
