import Foundation
import Postgres
import Rotation

/// The shared Discogs fixtures as the pipeline tests use them, and table snapshots for "nothing changed" checks.
enum ImportFixtures {
    static var directory: URL { TestDatabase.fixturesDirectory }
    static var inventoryDirectory: URL { directory.appendingPathComponent("inventory") }
    static var listingsDirectory: URL { directory.appendingPathComponent("listings") }
    static var releasesDirectory: URL { directory.appendingPathComponent("releases") }

    static func files(in directory: URL) throws -> [URL] {
        try DiscogsImporter.jsonFiles([directory.path])
    }

    /// The release ids the inventory and listing files name, read independently of the code under test.
    static func listedReleaseIDs() throws -> Set<Int64> {
        var ids: Set<Int64> = []
        for file in try files(in: inventoryDirectory) + files(in: listingsDirectory) {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
            let listings = (object["listings"] as? [[String: Any]]) ?? [object]
            for listing in listings {
                let release = listing["release"] as! [String: Any]
                ids.insert((release["id"] as! NSNumber).int64Value)
            }
        }
        return ids
    }

    static func releaseIDs() throws -> [Int64] {
        try files(in: releasesDirectory).map { Int64($0.deletingPathExtension().lastPathComponent)! }.sorted()
    }

    static func releaseData(_ id: Int64) throws -> Data {
        try Data(contentsOf: releasesDirectory.appendingPathComponent("\(id).json"))
    }

    /// Every row of the tables an import writes, as text, in a stable order.
    static func snapshot(_ db: PostgresConnection) throws -> [String: String] {
        var tables: [String: String] = [:]
        for (table, order) in [("releases", "discogs_id"), ("processing_queue", "id"), ("store_sync_log", "id"),
                               ("discogs_release_bodies", "discogs_id"), ("track_matches", "id"),
                               ("match_candidates", "id")] {
            tables[table] = try db.query("SELECT COALESCE(string_agg(t::text, E'\\n' ORDER BY \(order)), '') FROM \(table) t")
                .scalar(String.self)
        }
        return tables
    }
}
