import Foundation
import Matching
import Postgres

/// A reviewer's search for one stored track from the console ("search again", as beets has it): first the query
/// the worker and `rotation search track` would send, then a search with the query as the reviewer edited it on
/// one provider (YouTube through the search cache and the shared daily quota, or SoundCloud through the search
/// cache), scored by the matcher against the whole release. It stores nothing: the reviewer's pick goes through the
/// guarded replace decision.
public struct ReviewerTrackSearch: Sendable {
    public let connection: PostgresConnection
    public let provider: any TrackSearchProvider
    public var matcher = TrackMatcher()

    public init(connection: PostgresConnection, provider: any TrackSearchProvider) {
        self.connection = connection; self.provider = provider
    }

    /// The track's own query (`SearchQuery`): its artists, else the release's, then its title.
    public func suggestedQuery(releaseID: Int64, trackIndex: Int) throws -> SearchQuery {
        let release = try StoredTrackReads.release(releaseID, trackIndex: trackIndex, on: connection)
        guard let query = SearchQuery(release: release, trackIndex: trackIndex) else {
            throw TrackSearchError.notSearchable(releaseID: releaseID, trackIndex: trackIndex)
        }
        return query
    }

    /// Searches `queryText` and scores what comes back for the track, best first; URLs a reviewer rejected for the
    /// track are listed in `rejectedURLs`.
    public func search(releaseID: Int64, trackIndex: Int, queryText: String) throws -> TrackSearchResult {
        let release = try StoredTrackReads.release(releaseID, trackIndex: trackIndex, on: connection)
        let outcome = try provider.searchTrack(SearchQuery(queryText, releaseID: releaseID))
        // Only the search's uploads: the release's own videos are already the track's candidates.
        let scored = matcher.match(release, provider: StaticCandidateProvider(outcome.candidates, includeReleaseVideos: false))
            .track(at: trackIndex)
        let rejected = try StoredTrackReads.rejectedURLs(releaseID, trackIndex: trackIndex, on: connection)
        let candidates = scored?.candidates ?? []
        return TrackSearchResult(release: release, trackIndex: trackIndex, outcome: outcome, candidates: candidates,
                                 decision: MatchPolicy.default.decide(candidates, rejectedURLs: rejected),
                                 rejectedURLs: rejected)
    }
}
