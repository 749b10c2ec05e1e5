import Foundation
import Matching

/// The text sent to a search API for one track, and its normalized form, the cache's key.
public struct SearchQuery: Sendable, Hashable, Codable {
    /// As sent: "Artist - Title".
    public var text: String
    /// Case, accents, width and punctuation folded, spaces collapsed: two spellings of one query share a cache
    /// entry.
    public var normalized: String
    /// The Discogs release whose track the query was built for; nil for a query a person typed. The search
    /// ledger counts queries per release by it (`rotation search stats`).
    public var releaseID: Int64?

    public init(_ text: String, releaseID: Int64? = nil) {
        self.text = text
        self.normalized = Self.normalize(text)
        self.releaseID = releaseID
    }

    /// The query for the track at `trackIndex` of `release`: the track's own artists when it credits any (the
    /// tracks of a compilation), else the release's artists (none for "Various"), then the track title. Nil for a
    /// heading, an index out of range or an empty title.
    public init?(release: DiscogsRelease, trackIndex: Int) {
        guard release.tracklist.indices.contains(trackIndex) else { return nil }
        let track = release.tracklist[trackIndex]
        guard track.isMatchable else { return nil }
        let title = track.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { return nil }
        let credits = track.artists.isEmpty ? (release.isVariousArtists ? [] : release.artists) : track.artists
        let artists = credits.map(\.cleanName).filter { !$0.isEmpty }.joined(separator: " ")
        self.init(artists.isEmpty ? title : "\(artists) - \(title)", releaseID: release.id)
    }

    static func normalize(_ text: String) -> String {
        // Compatibility decomposition folds widths and ligatures and splits off accents; the Latin-style accents
        // (U+0300-036F) are dropped, other marks (kana voicing, Indic vowel signs) change the word and stay.
        var words: [String] = []
        var word = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            if (0x300...0x36F).contains(scalar.value) { continue }
            if CharacterSet.alphanumerics.contains(scalar) {
                word.append(scalar)
            } else if !word.isEmpty {
                words.append(String(word)); word = String.UnicodeScalarView()
            }
        }
        if !word.isEmpty { words.append(String(word)) }
        return words.joined(separator: " ")
    }
}
