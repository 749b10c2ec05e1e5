import Foundation
import Matching
import Postgres

/// Searches for one stored release track and scores what comes back with the matcher, against the whole release
/// (so an upload that fits another track better is marked down here, as in the worker), and with the policy
/// (rejected URLs excluded). It stores no match: it says what the policy would decide.
public struct TrackSearch: Sendable {
    public let connection: PostgresConnection
    public let provider: YouTubeSearchProvider
    public var matcher = TrackMatcher()
    public var policy = MatchPolicy.default

    public init(connection: PostgresConnection, provider: YouTubeSearchProvider) {
        self.connection = connection; self.provider = provider
    }

    /// Searches for the track at `trackIndex` of the stored release `releaseID` (its Discogs body, as the
    /// importers stored it) and scores the results, with the release's own Discogs videos too unless
    /// `includeReleaseVideos` is false.
    public func run(releaseID: Int64, trackIndex: Int, includeReleaseVideos: Bool = true) throws -> TrackSearchResult {
        guard let body = try connection.query(
            "SELECT body::text AS body FROM discogs_release_bodies WHERE discogs_id = $1", releaseID
        ).first?.decode("body", as: String.self) else {
            throw TrackSearchError.releaseNotStored(releaseID)
        }
        let release = try DiscogsDecoding.decode(DiscogsRelease.self, from: Data(body.utf8))
        guard release.tracklist.indices.contains(trackIndex) else {
            throw TrackSearchError.noSuchTrack(releaseID: releaseID, trackIndex: trackIndex, tracks: release.tracklist.count)
        }
        guard let query = SearchQuery(release: release, trackIndex: trackIndex) else {
            throw TrackSearchError.notSearchable(releaseID: releaseID, trackIndex: trackIndex)
        }
        let outcome = try provider.search(query)
        let provided = StaticCandidateProvider(outcome.candidates, includeReleaseVideos: includeReleaseVideos)
        let scored = matcher.match(release, provider: provided).track(at: trackIndex)
        let rejected = Set(try connection.query(
            "SELECT match_url FROM match_rejections WHERE release_id = $1 AND track_index = $2::integer", releaseID, trackIndex
        ).column("match_url", as: String.self))
        let candidates = scored?.candidates ?? []
        return TrackSearchResult(
            release: release, trackIndex: trackIndex, outcome: outcome, candidates: candidates,
            decision: policy.decide(candidates, rejectedURLs: rejected), rejectedURLs: rejected)
    }
}

/// One track's search, scored.
public struct TrackSearchResult: Sendable {
    public var release: DiscogsRelease
    public var trackIndex: Int
    public var outcome: SearchOutcome
    /// Best first, with each one's evidence.
    public var candidates: [ScoredCandidate]
    /// What the policy would store for the track.
    public var decision: MatchDecision
    public var rejectedURLs: Set<String>

    public var track: DiscogsTrack { release.tracklist[trackIndex] }
}

public enum TrackSearchError: Error, CustomStringConvertible, Sendable {
    case releaseNotStored(Int64)
    case noSuchTrack(releaseID: Int64, trackIndex: Int, tracks: Int)
    case notSearchable(releaseID: Int64, trackIndex: Int)

    public var description: String {
        switch self {
        case .releaseNotStored(let id):
            "release \(id) has no stored Discogs body (import it first: rotation import releases, or rotation sync)"
        case .noSuchTrack(let id, let index, let count):
            "release \(id) has no track index \(index) (its tracklist has \(count) entries, indexes from 0)"
        case .notSearchable(let id, let index):
            "track \(index) of release \(id) is a heading or has no title: nothing to search for"
        }
    }
}
