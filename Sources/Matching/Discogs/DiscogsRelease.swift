import Foundation

/// A `GET /releases/{id}` body: only the fields Rotation uses, decoded tolerantly
/// (missing optional fields are nil or empty, numbers given as strings are accepted, unknown fields are ignored).
public struct DiscogsRelease: Codable, Sendable, Hashable {
    public var id: Int64
    public var title: String
    public var artists: [DiscogsArtistCredit]
    public var extraArtists: [DiscogsArtistCredit]
    public var year: Int?
    public var labels: [DiscogsLabelCredit]
    public var genres: [String]
    public var styles: [String]
    public var tracklist: [DiscogsTrack]
    public var videos: [DiscogsVideo]
    public var images: [DiscogsImage]
    public var uri: String?
    public var thumb: String?
    /// The release's formats (`formats[]`: "Vinyl", "CD"...) with their descriptions ("LP", "Album", "Mixed").
    public var formats: [DiscogsFormat]

    public init(
        id: Int64, title: String, artists: [DiscogsArtistCredit] = [], extraArtists: [DiscogsArtistCredit] = [],
        year: Int? = nil, labels: [DiscogsLabelCredit] = [], genres: [String] = [], styles: [String] = [],
        tracklist: [DiscogsTrack] = [], videos: [DiscogsVideo] = [], images: [DiscogsImage] = [],
        uri: String? = nil, thumb: String? = nil, formats: [DiscogsFormat] = []
    ) {
        self.id = id; self.title = title; self.artists = artists; self.extraArtists = extraArtists; self.year = year
        self.labels = labels; self.genres = genres; self.styles = styles; self.tracklist = tracklist
        self.videos = videos; self.images = images; self.uri = uri; self.thumb = thumb
        self.formats = formats
    }

    enum CodingKeys: String, CodingKey {
        case id, title, artists, extraartists, year, labels, genres, styles, tracklist, videos, images, uri, thumb
        case formats
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.requiredID(.id)
        title = c.lenientString(.title) ?? ""
        artists = try c.array(DiscogsArtistCredit.self, .artists)
        extraArtists = c.lenientArray(DiscogsArtistCredit.self, .extraartists)
        year = try c.lenientInt(.year).flatMap { $0 > 0 ? $0 : nil }
        labels = c.lenientArray(DiscogsLabelCredit.self, .labels)
        genres = c.lenientArray(String.self, .genres)
        styles = c.lenientArray(String.self, .styles)
        tracklist = try c.array(DiscogsTrack.self, .tracklist)
        videos = try c.array(DiscogsVideo.self, .videos)
        images = c.lenientArray(DiscogsImage.self, .images)
        uri = c.lenientString(.uri)
        thumb = c.lenientString(.thumb)
        formats = c.lenientArray(DiscogsFormat.self, .formats)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(artists, forKey: .artists)
        try c.encode(extraArtists, forKey: .extraartists)
        try c.encodeIfPresent(year, forKey: .year)
        try c.encode(labels, forKey: .labels)
        try c.encode(genres, forKey: .genres)
        try c.encode(styles, forKey: .styles)
        try c.encode(tracklist, forKey: .tracklist)
        try c.encode(videos, forKey: .videos)
        try c.encode(images, forKey: .images)
        try c.encodeIfPresent(uri, forKey: .uri)
        try c.encodeIfPresent(thumb, forKey: .thumb)
        if !formats.isEmpty { try c.encode(formats, forKey: .formats) }
    }

    /// The release artists as Discogs displays them ("A & B", "Various").
    public var artistDisplayName: String { DiscogsArtistCredit.displayName(artists) }

    /// True for compilations credited to "Various" (per-track artists carry the real credit).
    public var isVariousArtists: Bool {
        artists.contains { DiscogsArtistCredit.isVarious($0.name) }
    }
}

/// One artist credit (`name`, `anv` = the name as printed on this release, `join` = the text joining it to the next).
public struct DiscogsArtistCredit: Codable, Sendable, Hashable {
    public var name: String
    public var anv: String?
    public var join: String?
    public var role: String?
    public var id: Int64?

    public init(name: String, anv: String? = nil, join: String? = nil, role: String? = nil, id: Int64? = nil) {
        self.name = name; self.anv = anv; self.join = join; self.role = role; self.id = id
    }

    enum CodingKeys: String, CodingKey { case name, anv, join, role, id }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = c.lenientString(.name) ?? ""
        anv = c.lenientString(.anv).flatMap { $0.isEmpty ? nil : $0 }
        join = c.lenientString(.join).flatMap { $0.isEmpty ? nil : $0 }
        role = c.lenientString(.role).flatMap { $0.isEmpty ? nil : $0 }
        id = try c.lenientInt(.id).map(Int64.init)
    }

    /// The name without Discogs' disambiguation suffix ("Wool (4)" -> "Wool") and with a trailing article moved to
    /// the front ("Persuader, The" -> "The Persuader").
    public var cleanName: String { Self.clean(name) }

    static func clean(_ raw: String) -> String {
        var name = TextNormalizer.trimmingWhitespace(raw)
        // Discogs disambiguates equal names with a numeric suffix: "Wool (4)".
        if name.hasSuffix(")"), let open = name.lastIndex(of: "(") {
            let digits = name[name.index(after: open)..<name.index(before: name.endIndex)]
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                name = TextNormalizer.trimmingWhitespace(String(name[..<open]))
            }
        }
        // Only a name holding a comma can end with ", The": the rest skip building the eleven suffixes.
        if name.utf8.contains(UInt8(ascii: ",")) {
            for article in ["The", "A", "An", "Les", "Le", "La", "Die", "Der", "Das", "Los", "El"] {
                let suffix = ", \(article)"
                if name.hasSuffix(suffix) { name = article + " " + name.dropLast(suffix.count); break }
            }
        }
        return name
    }

    static func isVarious(_ name: String) -> Bool {
        let lowered = clean(name).lowercased()
        return lowered == "various" || lowered == "various artists"
    }

    static func displayName(_ credits: [DiscogsArtistCredit]) -> String {
        var out = ""
        for (index, credit) in credits.enumerated() {
            out += credit.anv ?? credit.cleanName
            if index < credits.count - 1 {
                let join = credit.join ?? ","
                out += join == "," ? ", " : " \(join) "
            }
        }
        return out
    }
}

public struct DiscogsLabelCredit: Codable, Sendable, Hashable {
    public var name: String
    public var catno: String?

    public init(name: String, catno: String? = nil) { self.name = name; self.catno = catno }

    enum CodingKeys: String, CodingKey { case name, catno }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = c.lenientString(.name) ?? ""
        catno = c.lenientString(.catno)
    }
}

/// One of a release's `formats`: its name ("Vinyl", "CD") and descriptions ("LP", "Album", "Mixed").
public struct DiscogsFormat: Codable, Sendable, Hashable {
    public var name: String
    public var descriptions: [String]

    public init(name: String, descriptions: [String] = []) { self.name = name; self.descriptions = descriptions }

    enum CodingKeys: String, CodingKey { case name, descriptions }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = c.lenientString(.name) ?? ""
        descriptions = c.lenientArray(String.self, .descriptions)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        if !descriptions.isEmpty { try c.encode(descriptions, forKey: .descriptions) }
    }
}

/// One entry of a release's `tracklist`. Its `track_index` is its position in that array (headings included).
///
/// Matching rules: `heading` entries are never matched. An `index` entry (a suite or medley with `sub_tracks`) is
/// matched as one recording: its title and duration (or the sum of its sub-track durations) describe the whole
/// piece, because `track_matches` has one row per tracklist entry and a sub-track has no `track_index` of its own.
/// A video of a single sub-track is therefore not a match for the entry (its duration disagrees, and the matcher's
/// `part_of_track` signal keeps it from auto-approval).
public struct DiscogsTrack: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable { case track, heading, index }

    public var position: String
    public var type: Kind
    public var title: String
    public var duration: String
    public var artists: [DiscogsArtistCredit]
    public var extraArtists: [DiscogsArtistCredit]
    public var subTracks: [DiscogsTrack]

    public init(
        position: String = "", type: Kind = .track, title: String, duration: String = "",
        artists: [DiscogsArtistCredit] = [], extraArtists: [DiscogsArtistCredit] = [], subTracks: [DiscogsTrack] = []
    ) {
        self.position = position; self.type = type; self.title = title; self.duration = duration
        self.artists = artists; self.extraArtists = extraArtists; self.subTracks = subTracks
    }

    enum CodingKeys: String, CodingKey {
        case position, type_, title, duration, artists, extraartists, sub_tracks
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        position = c.lenientString(.position) ?? ""
        // Older bodies have no `type_`; an unknown value is treated as a plain track.
        type = c.lenientString(.type_).flatMap { Kind(rawValue: $0.lowercased()) } ?? .track
        title = c.lenientString(.title) ?? ""
        duration = c.lenientString(.duration) ?? ""
        artists = c.lenientArray(DiscogsArtistCredit.self, .artists)
        extraArtists = c.lenientArray(DiscogsArtistCredit.self, .extraartists)
        subTracks = c.lenientArray(DiscogsTrack.self, .sub_tracks)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(position, forKey: .position)
        try c.encode(type.rawValue, forKey: .type_)
        try c.encode(title, forKey: .title)
        try c.encode(duration, forKey: .duration)
        if !artists.isEmpty { try c.encode(artists, forKey: .artists) }
        if !extraArtists.isEmpty { try c.encode(extraArtists, forKey: .extraartists) }
        if !subTracks.isEmpty { try c.encode(subTracks, forKey: .sub_tracks) }
    }

    /// Whether the matcher proposes recordings for this entry (everything but headings).
    public var isMatchable: Bool { type != .heading }

    /// The entry's length in seconds: its own duration, else for an index entry the sum of its sub-tracks when all
    /// of them have one; nil when unknown.
    public var durationSeconds: Int? {
        if let own = TrackDuration.seconds(from: duration) { return own }
        guard type == .index, !subTracks.isEmpty else { return nil }
        var total = 0
        for sub in subTracks {
            guard let seconds = TrackDuration.seconds(from: sub.duration) else { return nil }
            total += seconds
        }
        return total
    }
}

/// A video Discogs lists for a release (`videos[]`): `uri` is usually a YouTube watch URL, `duration` in seconds.
public struct DiscogsVideo: Codable, Sendable, Hashable {
    public var uri: String
    public var title: String
    public var duration: Int?
    public var description: String?
    public var embed: Bool?

    public init(uri: String, title: String, duration: Int? = nil, description: String? = nil, embed: Bool? = nil) {
        self.uri = uri; self.title = title; self.duration = duration; self.description = description; self.embed = embed
    }

    enum CodingKeys: String, CodingKey { case uri, title, duration, description, embed }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let uri = c.lenientString(.uri), !uri.isEmpty else {
            throw DecodingError.keyNotFound(
                CodingKeys.uri, .init(codingPath: c.codingPath, debugDescription: "video without uri"))
        }
        self.uri = uri
        title = c.lenientString(.title) ?? ""
        duration = try c.lenientInt(.duration).flatMap { $0 > 0 ? $0 : nil }
        description = c.lenientString(.description)
        embed = c.lenientBool(.embed)
    }
}

public struct DiscogsImage: Codable, Sendable, Hashable {
    public var type: String?
    public var uri: String?
    public var uri150: String?
    public var width: Int?
    public var height: Int?

    public init(type: String? = nil, uri: String? = nil, uri150: String? = nil, width: Int? = nil, height: Int? = nil) {
        self.type = type; self.uri = uri; self.uri150 = uri150; self.width = width; self.height = height
    }

    enum CodingKeys: String, CodingKey { case type, uri, uri150, width, height }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = c.lenientString(.type)
        uri = c.lenientString(.uri)
        uri150 = c.lenientString(.uri150)
        width = try c.lenientInt(.width)
        height = try c.lenientInt(.height)
    }
}
