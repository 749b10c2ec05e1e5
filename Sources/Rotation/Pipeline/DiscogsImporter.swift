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
/// the catalog. A bad file or listing becomes an `ImportIssue` and the rest is still imported; database failures
/// are thrown.
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
        var rowsByStore: [String: [ListingRow]] = [:]
        for slot in document.listings {
            switch slot.outcome {
            case .failure(let error):
                outcome.issues.append(ImportIssue(source: source, error))
            case .success(let listing):
                guard let owner = store ?? listing.sellerUsername, !owner.isEmpty else {
                    outcome.issues.append(ImportIssue(
                        source: source, path: slot.path == "$" ? "seller.username" : "\(slot.path).seller.username",
                        message: "the listing names no seller: give the store explicitly"))
                    continue
                }
                rowsByStore[owner, default: []].append(ListingRow(listing: listing, store: owner))
            }
        }
        for (owner, rows) in rowsByStore.sorted(by: { $0.key < $1.key }) {
            let change = try catalog.upsertListings(rows)
            outcome.change += change
            outcome.listingsProcessed += rows.count
            outcome.listingsByStore[owner, default: 0] += rows.count
            outcome.newReleasesByStore[owner, default: 0] += change.newReleases
        }
        return outcome
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
                let body = try ReleaseBody(data: data, source: file.path)
                summary.change += try catalog.upsertRelease(body, store: store)
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

    private func read(_ file: URL, into summary: inout ImportSummary) -> Data? {
        do {
            return try Data(contentsOf: file)
        } catch {
            summary.issues.append(ImportIssue(source: file.path, path: "$", message: "cannot read the file: \(error.localizedDescription)"))
            return nil
        }
    }
}
