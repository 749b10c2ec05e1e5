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

/// A release and all its tracks.
public struct ReleaseDetail: Codable, Sendable, Equatable {
    public var release: ReleaseSummary?
    public var tracks: [TrackReviewRow]
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
