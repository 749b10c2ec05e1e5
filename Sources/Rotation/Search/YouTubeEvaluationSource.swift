import Foundation
import Matching
import Synchronization

/// `rotation matcher eval --search youtube`: asks the YouTube API (the real one, or a stand-in at
/// `YOUTUBE_API_URL`) for the tracks of each labelled release the worker would search (every matchable track with
/// `--no-release-videos`; with the release's Discogs videos, only those they leave unmatched), and counts the quota
/// units each release cost. It needs no database: nothing is cached across runs and the daily budget is not kept
/// here (the provider's own quota still answers `quotaExceeded`); a query repeated within the run is asked once.
public final class YouTubeEvaluationSource: EvaluationCandidateSource {
    public let client: YouTubeClient
    public let includesReleaseVideos: Bool
    /// What decides, with release videos, which tracks are left unmatched (the evaluation's own).
    public let matcher: TrackMatcher
    public let policy: MatchPolicy
    public var name: String { YouTubeSearchProvider.name }
    private let answered = Mutex<[String: [YouTubeVideo]]>([:])

    public init(client: YouTubeClient, includesReleaseVideos: Bool, matcher: TrackMatcher = TrackMatcher(),
                policy: MatchPolicy = .default) {
        self.client = client; self.includesReleaseVideos = includesReleaseVideos
        self.matcher = matcher; self.policy = policy
    }

    /// The tracks the worker would search: those its Discogs videos leave unmatched, or all without them.
    func tracksToSearch(_ release: DiscogsRelease) -> [Int] {
        guard includesReleaseVideos else { return Array(release.tracklist.indices) }
        return matcher.match(release).tracks.filter { policy.decide($0.candidates) == .unmatched }.map(\.trackIndex)
    }

    public func candidates(for release: DiscogsRelease) throws -> SearchedCandidates {
        var usage = SearchUsage(provider: name, includesReleaseVideos: includesReleaseVideos, releases: 1)
        var videos: [YouTubeVideo] = []
        for index in tracksToSearch(release) {
            guard let query = SearchQuery(release: release, trackIndex: index) else { continue }
            if let known = answered.withLock({ $0[query.normalized] }) { videos += known; continue }
            var units = 0
            // Counted per call made, as YouTube charges (the budget's prepaid videos call is not made when a
            // search finds nothing).
            let found = try YouTubeSearchProvider.searchAndDescribe(query, client: client) { _, call in
                units += call == .search ? YouTubeClient.searchCost : YouTubeClient.videosCost
            }
            usage.searches += 1
            usage.quotaUnits += units
            answered.withLock { $0[query.normalized] = found }
            videos += found
        }
        return SearchedCandidates(videos: videos.map(\.candidate), usage: usage)
    }
}
