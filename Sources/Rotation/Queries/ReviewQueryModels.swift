import Foundation

/// A store with its review workload (from the trigger-maintained counters).
public struct StoreSummary: Codable, Sendable, Equatable {
    public var store: String
    public var releaseCount: Int
    public var trackCount: Int
    public var matchedCount: Int
    public var pendingCount: Int
    /// Playable tracks without a stored match.
    public var unmatchedCount: Int
}

/// How a store's releases are ordered.
public enum ReleaseOrder: String, Codable, Sendable, CaseIterable {
    case mostPending = "most-pending"
    case oldest
}

/// A release of a store with its review workload.
public struct ReleaseSummary: Codable, Sendable, Equatable {
    public var releaseID: Int64
    public var store: String?
    public var title: String?
    public var artist: String?
    public var catno: String?
    public var year: Int?
    public var createdAt: Date?
    public var trackCount: Int
    public var matchedCount: Int
    public var pendingCount: Int
    public var unmatchedCount: Int
}

/// Where a track stands.
public enum TrackStatus: String, Codable, Sendable {
    case approved
    case pending
    case unmatched
    /// A heading or index entry of the tracklist: never matched.
    case heading
}

/// One candidate the matcher considered for a track, with its score breakdown.
public struct CandidateRow: Codable, Sendable, Equatable {
    public var platform: String
    public var url: String
    public var title: String?
    public var confidence: Double
    public var evidence: JSONValue
    /// A reviewer rejected this URL for this track.
    public var rejected: Bool
}

/// One entry of a release's tracklist with its match, status and candidates.
public struct TrackReviewRow: Codable, Sendable, Equatable {
    public var key: TrackKey
    public var position: String?
    public var title: String?
    public var duration: String?
    public var status: TrackStatus
    public var match: TrackMatch?
    public var candidates: [CandidateRow]
    public var rejectedURLs: [String]
}

/// Where a release's track titles were read from.
public enum TrackTitleSource: String, Codable, Sendable {
    /// `releases.tracklist`, the shared table.
    case releases
    /// The Discogs body we stored (`discogs_release_bodies`): `releases.tracklist` is empty, as the web app's
    /// upsert of a release can leave it.
    case storedDiscogsBody = "stored_discogs_body"

    /// For people: "titles from releases.tracklist", "titles from stored Discogs body".
    public var label: String {
        switch self {
        case .releases: return "titles from releases.tracklist"
        case .storedDiscogsBody: return "titles from stored Discogs body"
        }
    }

    /// SQL over `releases r` and `discogs_release_bodies b` (either may be missing from a LEFT JOIN): the raw value
    /// of where a release's tracklist is read from, `r.tracklist` when it has entries, else the stored body's when
    /// that has entries; NULL when neither has.
    static let sourceSQL = """
        CASE WHEN jsonb_typeof(r.tracklist) = 'array' AND jsonb_array_length(r.tracklist) > 0 THEN 'releases'
             WHEN jsonb_typeof(b.body->'tracklist') = 'array' AND jsonb_array_length(b.body->'tracklist') > 0
               THEN 'stored_discogs_body' END
        """

    /// SQL over the same: the tracklist read from where `sourceSQL` says, else `[]`.
    static let tracklistSQL = """
        CASE \(sourceSQL) WHEN 'releases' THEN r.tracklist WHEN 'stored_discogs_body' THEN b.body->'tracklist'
             ELSE '[]'::jsonb END
        """
}

/// A release and all its tracks.
public struct ReleaseDetail: Codable, Sendable, Equatable {
    public var release: ReleaseSummary?
    public var tracks: [TrackReviewRow]
    /// Where the track titles came from; nil when neither has a tracklist.
    public var titleSource: TrackTitleSource?

    public init(release: ReleaseSummary?, tracks: [TrackReviewRow], titleSource: TrackTitleSource? = nil) {
        self.release = release; self.tracks = tracks; self.titleSource = titleSource
    }
}

/// A pending match with where it belongs.
public struct PendingMatchRow: Codable, Sendable, Equatable {
    public var match: TrackMatch
    public var store: String?
    public var releaseTitle: String?
    public var artist: String?
}

/// Filters of the pending list; nil means no filter.
public struct PendingFilter: Codable, Sendable, Equatable {
    public var store: String?
    public var releaseID: Int64?
    public var minConfidence: Double?
    public var maxConfidence: Double?
    public var platform: String?
    /// Matched case-insensitively as a substring of the release title, the artist or the URL.
    public var search: String?

    public init(store: String? = nil, releaseID: Int64? = nil, minConfidence: Double? = nil, maxConfidence: Double? = nil,
                platform: String? = nil, search: String? = nil) {
        self.store = store
        self.releaseID = releaseID
        self.minConfidence = minConfidence
        self.maxConfidence = maxConfidence
        self.platform = platform
        self.search = search
    }
}
