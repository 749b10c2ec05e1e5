import Foundation

/// Who published an upload, as far as the upload itself says: YouTube's auto-generated "art tracks" (a description
/// opening "Provided to YouTube by LABEL", then "Title · Artist · Artist", then the album), an "Artist - Topic"
/// channel (where YouTube files official audio), or a channel's plain name (a label's channel). Read once per video.
struct UploaderIdentity: Sendable, Hashable {
    /// The performers an official source names, compact (`TextNormalizer.compact`): the art track's artists, or the
    /// Topic channel's artist. Empty when the upload says nothing official.
    var officialArtists: [String] = []
    /// Where `officialArtists` come from, as the evidence says it.
    var officialSource = ""
    /// The album an art track names, as written (nil when none).
    var officialAlbum: String?
    /// The channel's name, compact; empty when unknown (the release's own Discogs videos carry none).
    var channelCompact = ""

    /// Only the first lines of a description are read: an art track's block is at the top.
    static let readLength = 1_000

    init(_ candidate: CandidateVideo) {
        let channel = (candidate.channel ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        channelCompact = TextNormalizer.compact(channel)
        if let art = Self.artTrack(in: candidate.description ?? "") {
            officialArtists = art.artists.map(TextNormalizer.compact).filter { !$0.isEmpty }
            officialAlbum = art.album
            officialSource = "\"Provided to YouTube by\" names " + art.artists.joined(separator: ", ")
        } else if let artist = Self.topicArtist(channel) {
            officialArtists = [TextNormalizer.compact(artist)].filter { !$0.isEmpty }
            officialSource = "the \"\(channel)\" channel is \(artist)'s"
        }
    }

    /// "Artist - Topic" → "Artist".
    static func topicArtist(_ channel: String) -> String? {
        for suffix in [" - Topic", " – Topic"] where channel.hasSuffix(suffix) {
            let artist = channel.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            return artist.isEmpty ? nil : artist
        }
        return nil
    }

    /// The scalars `Character.isNewline` holds: LF, VT, FF, CR, NEL, LINE and PARAGRAPH SEPARATOR.
    private static func isNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// The block YouTube writes under an art track: "Provided to YouTube by X", a blank line, "Title · A · B", a
    /// blank line, the album. Nil when the description does not open that way.
    static func artTrack(in description: String) -> (title: String, artists: [String], album: String?)? {
        // Only text holding the phrase's bytes can hold it (its letters have no other canonical form): most
        // descriptions are turned away on their bytes, without Foundation's search.
        guard TokenMatch.contains(description, "Provided to YouTube by ") else { return nil }
        // A text of `readLength` bytes or fewer has that many characters or fewer: no need to count its graphemes.
        let head = description.utf8.count <= readLength ? description[...] : description.prefix(readLength)
        guard let start = head.range(of: "Provided to YouTube by ") else { return nil }
        // Cut at the newline scalars, as `split(whereSeparator: \.isNewline)` cuts at newline characters: every one
        // of them is a character of its own (and "\r\n" leaves an empty piece between its scalars, dropped).
        let lines = head[start.upperBound...].unicodeScalars.split(whereSeparator: Self.isNewline)
            .map { TextNormalizer.trimmingWhitespace(String(Substring($0))) }.filter { !$0.isEmpty }
        guard lines.count >= 2 else { return nil }
        let parts = lines[1].components(separatedBy: " · ").map(TextNormalizer.trimmingWhitespace)
        guard parts.count >= 2, !parts[0].isEmpty else { return nil }
        let artists = parts.dropFirst().filter { !$0.isEmpty }
        guard !artists.isEmpty else { return nil }
        let album = lines.count >= 3 && !lines[2].hasPrefix("℗") ? lines[2] : nil
        return (parts[0], Array(artists), album)
    }
}
