import Foundation
import Matching
import Postgres

/// Why a value cannot be stored, and where it is in its JSON document (`$.tracklist[3].title`).
public struct StorageProblem: Error, Sendable, Equatable {
    public var path: String
    public var reason: String
}

/// What the catalog's columns can hold, checked on a decoded release body or listing before anything is written,
/// so one bad item is reported with its path and reason while the rest of its file, page or batch is stored.
/// The one home of these rules; the importers, the sync and the worker all go through `ReleaseBody` and
/// `ListingRow`, which apply them. (`DiscogsDocumentLimits` checks the document itself: size, nesting, UTF-8.)
public enum StorageRules {
    /// The longest string kept from a Discogs document, in UTF-8 bytes (64 KiB). Real titles and names are under
    /// 1 kB and release notes a few kB.
    public static let maxTextBytes = 64 << 10
    /// The most tracklist entries a release may have (the largest real box sets have about a thousand).
    public static let maxTracklistEntries = 5_000

    /// Text Postgres can store (`text` and `jsonb` refuse U+0000) within the length limit.
    public static func checkText(_ value: String?, at path: String) throws(StorageProblem) {
        guard let value else { return }
        if value.utf8.count > maxTextBytes {
            throw StorageProblem(path: path, reason: "the text is \(DiscogsDocumentLimits.describe(bytes: value.utf8.count)), "
                                 + "over the limit of \(DiscogsDocumentLimits.describe(bytes: maxTextBytes)) for one field")
        }
        if value.utf8.contains(0) {
            throw StorageProblem(path: path, reason: "the text contains a NUL character (\\u0000), which Postgres cannot store")
        }
    }

    /// A number for an `integer` (int4) column.
    public static func checkInt4(_ value: Int?, at path: String, column: String) throws(StorageProblem) {
        guard let value, !(Int(Int32.min)...Int(Int32.max)).contains(value) else { return }
        throw StorageProblem(path: path, reason: "\(value) is out of range for the \(column) column "
                             + "(integer, \(Int32.min) to \(Int32.max))")
    }

    /// Every key and string of a parsed JSON value (from `JSONSerialization`), for the `jsonb` columns that keep
    /// parts of a body as Discogs sent them.
    public static func checkJSON(_ value: Any, at path: String) throws(StorageProblem) {
        if let string = value as? String {
            try checkText(string, at: path)
        } else if let array = value as? [Any] {
            for (index, element) in array.enumerated() {
                try checkJSON(element, at: DiscogsDecoding.path(path, index: index))
            }
        } else if let object = value as? [String: Any] {
            for key in object.keys.sorted() {
                let child = DiscogsDecoding.path(path, key: key)
                try checkText(key, at: child)
                try checkJSON(object[key]!, at: child)
            }
        }
    }

    /// A release body: every string of the document (it is kept whole in `discogs_release_bodies.body` and in
    /// parts in `releases`), the year, and the size of the tracklist.
    static func checkRelease(_ release: DiscogsRelease, document: [String: Any]) throws(StorageProblem) {
        try checkJSON(document, at: "$")
        try checkInt4(release.year, at: "$.year", column: "releases.year")
        if release.tracklist.count > maxTracklistEntries {
            throw StorageProblem(path: "$.tracklist", reason: "the tracklist has \(release.tracklist.count) entries, "
                                 + "over the limit of \(maxTracklistEntries)")
        }
    }

    /// A listing's release summary (whose fields become the `releases` row and `processing_queue.release_data`),
    /// at `path` (the listing, `$.listings[3]` or `$`), and the store it goes to.
    static func checkListing(_ release: DiscogsListingRelease, store: String, at path: String) throws(StorageProblem) {
        let releasePath = DiscogsDecoding.path(path, key: "release")
        func field(_ key: String) -> String { DiscogsDecoding.path(releasePath, key: key) }
        try checkText(store, at: DiscogsDecoding.path(DiscogsDecoding.path(path, key: "seller"), key: "username"))
        try checkText(release.description, at: field("description"))
        try checkText(release.artist, at: field("artist"))
        try checkText(release.title, at: field("title"))
        try checkText(release.catalogNumber, at: field("catalog_number"))
        try checkText(release.format, at: field("format"))
        try checkText(release.thumbnail, at: field("thumbnail"))
        try checkInt4(release.year, at: field("year"), column: "releases.year")
    }
}

extension StorageRules {
    /// Why Postgres refused a write because of the item's own values (`PostgresError.refusesTheItem`); nil for any
    /// other failure, which is not the item's fault.
    static func refusal(_ error: any Error) -> String? {
        guard let error = error as? PostgresError, error.refusesTheItem else { return nil }
        return "the database refused it: \(error.message)"
    }
}

extension PostgresError {
    /// True when Postgres refused a write because of the values it was given (a data exception such as a NUL
    /// byte, a number out of range or invalid JSON, or a program limit such as a too deeply nested value), so the
    /// item is at fault and the connection and every other item are fine. Anything else (connection lost,
    /// permissions, a bug in our SQL) is not the item's fault and stops the run.
    var refusesTheItem: Bool {
        if kind == .invalidParameter { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("22") || sqlState.hasPrefix("54")
    }
}
