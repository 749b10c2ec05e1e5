import Foundation
import Matching
import Synchronization

/// `rotation matcher eval --search youtube|soundcloud`: asks a provider's API (the real one, or a stand-in at
/// `YOUTUBE_API_URL` / `SOUNDCLOUD_API_URL`) for the tracks of each labelled release the worker would search (every
/// matchable track with `--no-release-videos`; with the release's Discogs videos, only those they leave unmatched),
/// and counts the searches and the quota units each release cost (SoundCloud has no unit quota: 0). It needs no
/// database: nothing is cached across runs and no daily budget is kept here (YouTube's own quota still answers
/// `quotaExceeded`); a query repeated within the run is asked once.
public final class SearchEvaluationSource: EvaluationCandidateSource {
    /// One search sent to the provider: its uploads as candidates, and the quota units its calls cost.
    public typealias Search = @Sendable (SearchQuery) throws -> (candidates: [CandidateVideo], units: Int)

    public let name: String
    public let includesReleaseVideos: Bool
    /// What decides, with release videos, which tracks are left unmatched (the evaluation's own).
    public let matcher: TrackMatcher
    public let policy: MatchPolicy
    private let search: Search
    private let answered = Mutex<[String: [CandidateVideo]]>([:])

    public init(name: String, includesReleaseVideos: Bool, matcher: TrackMatcher = TrackMatcher(),
                policy: MatchPolicy = .default, search: @escaping Search) {
        self.name = name; self.includesReleaseVideos = includesReleaseVideos
        self.matcher = matcher; self.policy = policy; self.search = search
    }

    /// YouTube: `search.list` then `videos.list`, counted per call made, as YouTube charges (the budget's prepaid
    /// videos call is not made when a search finds nothing).
    public static func youTube(client: YouTubeClient, includesReleaseVideos: Bool, matcher: TrackMatcher = TrackMatcher(),
                               policy: MatchPolicy = .default) -> SearchEvaluationSource {
        SearchEvaluationSource(name: YouTubeSearchProvider.name, includesReleaseVideos: includesReleaseVideos,
                               matcher: matcher, policy: policy) { query in
            var units = 0
            let found = try YouTubeSearchProvider.searchAndDescribe(query, client: client) { _, call in
                units += call == .search ? YouTubeClient.searchCost : YouTubeClient.videosCost
            }
            return (found.map(\.candidate), units)
        }
    }

    /// SoundCloud: `GET /tracks` with the client's token; no unit quota.
    public static func soundCloud(client: SoundCloudClient, includesReleaseVideos: Bool,
                                  matcher: TrackMatcher = TrackMatcher(), policy: MatchPolicy = .default) -> SearchEvaluationSource {
        SearchEvaluationSource(name: SoundCloudSearchProvider.name, includesReleaseVideos: includesReleaseVideos,
                               matcher: matcher, policy: policy) { query in
            (try client.search(query.text).map(\.candidate), 0)
        }
    }

    /// The tracks the worker would search: those its Discogs videos leave unmatched, or all without them.
    func tracksToSearch(_ release: DiscogsRelease) -> [Int] {
        guard includesReleaseVideos else { return Array(release.tracklist.indices) }
        return matcher.match(release).tracks.filter { policy.decide($0.candidates) == .unmatched }.map(\.trackIndex)
    }

    public func candidates(for release: DiscogsRelease) throws -> SearchedCandidates {
        var usage = SearchUsage(provider: name, includesReleaseVideos: includesReleaseVideos, releases: 1)
        var videos: [CandidateVideo] = []
        for index in tracksToSearch(release) {
            guard let query = SearchQuery(release: release, trackIndex: index) else { continue }
            if let known = answered.withLock({ $0[query.normalized] }) { videos += known; continue }
            let found = try search(query)
            usage.searches += 1
            usage.quotaUnits += found.units
            answered.withLock { $0[query.normalized] = found.candidates }
            videos += found.candidates
        }
        return SearchedCandidates(videos: videos, usage: usage)
    }
}
