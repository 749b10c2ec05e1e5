import Foundation
import Matching
import Postgres

/// A reviewer's search for one stored track from the console ("search again", as beets has it): first the query
/// the worker and `rotation search track` would send, then a search with the query as the reviewer edited it,
/// through the search cache and the shared daily quota, scored by the matcher against the whole release. It
/// stores nothing: the reviewer's pick goes through the guarded replace decision.
public struct ReviewerTrackSearch: Sendable {
    public let connection: PostgresConnection
    public let provider: YouTubeSearchProvider
    public var matcher = TrackMatcher()

    public init(connection: PostgresConnection, provider: YouTubeSearchProvider) {
        self.connection = connection; self.provider = provider
    }

    /// The track's own query (`SearchQuery`): its artists, else the release's, then its title.
    public func suggestedQuery(releaseID: Int64, trackIndex: Int) throws -> SearchQuery {
        let release = try storedRelease(releaseID, trackIndex: trackIndex)
        guard let query = SearchQuery(release: release, trackIndex: trackIndex) else {
            throw TrackSearchError.notSearchable(releaseID: releaseID, trackIndex: trackIndex)
        }
        return query
    }

    /// Searches `queryText` and scores what comes back for the track, best first; URLs a reviewer rejected for the
    /// track are listed in `rejectedURLs`.
    public func search(releaseID: Int64, trackIndex: Int, queryText: String) throws -> TrackSearchResult {
        let release = try storedRelease(releaseID, trackIndex: trackIndex)
        let outcome = try provider.search(SearchQuery(queryText))
        // Only the search's uploads: the release's own videos are already the track's candidates.
        let scored = matcher.match(release, provider: StaticCandidateProvider(outcome.candidates, includeReleaseVideos: false))
            .track(at: trackIndex)
        let rejected = Set(try connection.query(
            "SELECT match_url FROM match_rejections WHERE release_id = $1 AND track_index = $2::integer", releaseID, trackIndex
        ).column("match_url", as: String.self))
        let candidates = scored?.candidates ?? []
        return TrackSearchResult(release: release, trackIndex: trackIndex, outcome: outcome, candidates: candidates,
                                 decision: MatchPolicy.default.decide(candidates, rejectedURLs: rejected),
                                 rejectedURLs: rejected)
    }

    private func storedRelease(_ releaseID: Int64, trackIndex: Int) throws -> DiscogsRelease {
        guard let body = try connection.query(
            "SELECT body::text AS body FROM discogs_release_bodies WHERE discogs_id = $1", releaseID
        ).first?.decode("body", as: String.self) else {
            throw TrackSearchError.releaseNotStored(releaseID)
        }
        let release = try DiscogsDecoding.decode(DiscogsRelease.self, from: Data(body.utf8))
        guard release.tracklist.indices.contains(trackIndex) else {
            throw TrackSearchError.noSuchTrack(releaseID: releaseID, trackIndex: trackIndex, tracks: release.tracklist.count)
        }
        return release
    }
}
