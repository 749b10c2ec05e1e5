import Foundation
import Matching

/// A record store in the review list, with how much work it holds.
public struct StoreRow: Equatable, Sendable, Identifiable {
    /// The Discogs username of the store (`releases.store_username`).
    public var name: String
    public var pending: Int
    public var unmatched: Int

    public var id: String { name }

    public init(name: String, pending: Int, unmatched: Int) {
        self.name = name
        self.pending = pending
        self.unmatched = unmatched
    }
}

/// A release of the focused store, as the releases pane lists it.
public struct ReleaseRow: Equatable, Sendable, Identifiable {
    public var discogsID: Int64
    public var title: String
    public var artist: String
    public var catno: String
    public var pending: Int

    public var id: Int64 { discogsID }

    public init(discogsID: Int64, title: String, artist: String, catno: String, pending: Int) {
        self.discogsID = discogsID
        self.title = title
        self.artist = artist
        self.catno = catno
        self.pending = pending
    }
}

/// Where a track stands: its match approved, waiting for a person, or without a stored match.
public enum TrackRowStatus: String, Equatable, Sendable, CaseIterable {
    case approved, pending, unmatched
}

extension Platform {
    /// Two letters for narrow columns.
    public var shortName: String { self == .youtube ? "YT" : "SC" }
}

/// One signal of a candidate's score: its name, its value in 0...1, and the weight it carries.
public struct ScoreEvidence: Equatable, Sendable {
    public var signal: String
    public var value: Double
    public var weight: Double
    /// What the signal adds to the score: value × weight unless the matcher says otherwise (penalties, caps).
    public var contribution: Double

    public init(signal: String, value: Double, weight: Double, contribution: Double? = nil) {
        self.signal = signal
        self.value = value
        self.weight = weight
        self.contribution = contribution ?? value * weight
    }
}

/// A recording the matcher considered for a track, with its score breakdown.
public struct CandidateOption: Equatable, Sendable, Identifiable {
    public var url: String
    public var platform: Platform?
    public var title: String
    public var confidence: Double
    public var evidence: [ScoreEvidence]
    /// A reviewer rejected this URL for this track; it is never proposed again.
    public var rejected: Bool
    /// Who proposed it: the release's own Discogs video or a search.
    public var source: CandidateSource

    public var id: String { url }

    public init(url: String, platform: Platform?, title: String, confidence: Double,
                evidence: [ScoreEvidence] = [], rejected: Bool = false, source: CandidateSource = .discogs) {
        self.url = url
        self.platform = platform
        self.title = title
        self.confidence = confidence
        self.evidence = evidence
        self.rejected = rejected
        self.source = source
    }
}

/// Where a candidate came from, as the worker records it in `evidence->>'source'`.
public enum CandidateSource: Hashable, Sendable {
    /// A video the release's Discogs page lists; also every row written before sources were recorded.
    case discogs
    /// A YouTube search result.
    case youtubeSearch
    /// A SoundCloud search result.
    case soundcloudSearch
    /// A source this console does not know (another program's).
    case other(String)

    /// The short tag the candidates pane shows (at most 9 cells).
    public var tag: String {
        switch self {
        case .discogs: return "disc"
        case .youtubeSearch: return "yt search"
        case .soundcloudSearch: return "sc search"
        case .other(let name): return name
        }
    }
}

/// Identifies one track across the system: Discogs release id and 0-based tracklist index.
public struct TrackReference: Hashable, Sendable, CustomStringConvertible {
    public var releaseID: Int64
    public var trackIndex: Int

    public init(releaseID: Int64, trackIndex: Int) {
        self.releaseID = releaseID
        self.trackIndex = trackIndex
    }

    public var description: String { "\(releaseID)/\(trackIndex)" }
}

/// A track of the focused release with its current match (if any) and the candidates behind it.
public struct TrackRow: Equatable, Sendable, Identifiable {
    public var releaseID: Int64
    public var index: Int
    /// The Discogs position ("A1", "B2").
    public var position: String
    public var title: String
    public var duration: String
    public var platform: Platform?
    public var url: String?
    /// In [0, 1], as read (`StoredConfidence`).
    public var confidence: Double?
    /// `.percent` when the row stores its confidence on the web app's 0-100 scale: shown with the scale's marker.
    public var confidenceScale: ConfidenceScale
    public var status: TrackRowStatus
    /// `track_matches.updated_at` as read; actions send it back so a concurrent change is detected.
    public var updatedAt: Date?
    public var verifiedBy: String?
    public var candidates: [CandidateOption]
    /// Where the title came from when not from the shared `releases.tracklist` (empty, as the web app's upsert of
    /// a release can leave it): "titles from stored Discogs body". Shown in the tracks pane's title.
    public var titleSourceNote: String?

    public var id: Int { index }
    public var reference: TrackReference { TrackReference(releaseID: releaseID, trackIndex: index) }

    public init(releaseID: Int64, index: Int, position: String, title: String, duration: String = "",
                platform: Platform? = nil, url: String? = nil, confidence: Double? = nil,
                confidenceScale: ConfidenceScale = .unit, status: TrackRowStatus, updatedAt: Date? = nil,
                verifiedBy: String? = nil,
                candidates: [CandidateOption] = []) {
        self.releaseID = releaseID
        self.index = index
        self.position = position
        self.title = title
        self.duration = duration
        self.platform = platform
        self.url = url
        self.confidence = confidence
        self.confidenceScale = confidenceScale
        self.status = status
        self.updatedAt = updatedAt
        self.verifiedBy = verifiedBy
        self.candidates = candidates
    }
}
