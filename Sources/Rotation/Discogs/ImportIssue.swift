import Foundation
import Matching

/// Something an importer could not take: which file (or URL), where in its JSON, and why. The rest of the input is
/// still imported; issues are collected and reported together.
public struct ImportIssue: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// The file path or request URL the JSON came from.
    public var source: String
    /// JSON path of the offending value (`$.listings[3].release.id`), `$` for the whole document.
    public var path: String
    public var message: String

    public init(source: String, path: String, message: String) {
        self.source = source; self.path = path; self.message = message
    }

    init(source: String, _ error: DiscogsDecodingError) {
        // DiscogsDecoding appends "(in file.json)" to messages of files it read itself; the source already says it.
        self.init(source: source, path: error.path, message: error.message)
    }

    init(source: String, _ problem: StorageProblem) {
        self.init(source: source, path: problem.path, message: problem.reason)
    }

    /// The issue for a write Postgres refused because of the item's own values (`PostgresError.refusesTheItem`),
    /// at `path`; nil for any other failure, which is not the item's fault and is thrown on.
    init?(source: String, path: String = "$", refusedWrite error: any Error) {
        guard let reason = StorageRules.refusal(error) else { return nil }
        self.init(source: source, path: path, message: reason)
    }

    public var description: String { "\(source): \(path): \(message)" }
}
