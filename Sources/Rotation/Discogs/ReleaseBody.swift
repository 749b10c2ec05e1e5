import Foundation
import Matching

/// A `GET /releases/{id}` body prepared for `releases` and `discogs_release_bodies`: the typed fields the web app
/// reads, and the JSON arrays exactly as Discogs sent them.
public struct ReleaseBody: Sendable {
    public let release: DiscogsRelease
    /// The whole body, kept for the matcher (videos) and for re-matching without asking Discogs again.
    public let bodyJSON: String
    let tracklistJSON: String
    let imagesJSON: String
    let genresJSON: String
    let stylesJSON: String

    /// Decodes and checks a body: an empty tracklist is refused (there is nothing to match), and so is anything
    /// the database cannot hold (`StorageRules`), with its JSON path.
    public init(data: Data, source: String) throws(ImportIssue) {
        do {
            release = try DiscogsDecoding.decode(DiscogsRelease.self, from: data)
        } catch {
            throw ImportIssue(source: source, error)
        }
        guard !release.tracklist.isEmpty else {
            throw ImportIssue(source: source, path: "$.tracklist", message: "the release has an empty tracklist: nothing to match")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ImportIssue(source: source, path: "$", message: "the body is not a JSON object")
        }
        do {
            try StorageRules.checkRelease(release, document: object)
        } catch {
            throw ImportIssue(source: source, error)
        }
        func json(_ key: String) -> String {
            guard let value = object[key], !(value is NSNull),
                  let encoded = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
            else { return "[]" }
            return String(decoding: encoded, as: UTF8.self)
        }
        tracklistJSON = json("tracklist")
        imagesJSON = json("images")
        genresJSON = json("genres")
        stylesJSON = json("styles")
        bodyJSON = String(decoding: data, as: UTF8.self)
    }
}
