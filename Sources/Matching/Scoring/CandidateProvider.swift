/// A recording that might be a track of a release: a URL with what its host says about it.
public struct CandidateVideo: Codable, Sendable, Hashable {
    public var url: String
    public var title: String
    /// Length in seconds; nil when unknown (Discogs reports 0 for some uploads).
    public var durationSeconds: Int?
    public var description: String?
    /// Who proposed it ("discogs" for a release's own `videos`, a search API's name otherwise).
    public var source: String
    /// The channel that published it, when the source says (search results do; Discogs videos do not).
    public var channel: String?

    public init(url: String, title: String, durationSeconds: Int? = nil, description: String? = nil,
                source: String = "discogs", channel: String? = nil) {
        self.url = url; self.title = title; self.durationSeconds = durationSeconds
        self.description = description; self.source = source; self.channel = channel
    }
}

/// Supplies candidate recordings for a release. The matcher is pure, so a provider that talks to a search API
/// fetches first and hands the results over (for example through `StaticCandidateProvider`).
public protocol CandidateProvider: Sendable {
    func candidates(for release: DiscogsRelease) -> [CandidateVideo]
}

/// The built-in provider: the videos Discogs lists on the release, de-duplicated by URL.
public struct ReleaseVideosProvider: CandidateProvider {
    public init() {}

    public func candidates(for release: DiscogsRelease) -> [CandidateVideo] {
        var seen: Set<String> = []
        var out: [CandidateVideo] = []
        for video in release.videos where seen.insert(MatchURL.comparisonKey(video.uri)).inserted {
            out.append(CandidateVideo(
                url: video.uri, title: video.title, durationSeconds: video.duration, description: video.description,
                source: "discogs"))
        }
        return out
    }
}

/// Candidates gathered elsewhere (search results, tests), optionally combined with the release's own videos.
public struct StaticCandidateProvider: CandidateProvider {
    public var videos: [CandidateVideo]
    public var includeReleaseVideos: Bool

    public init(_ videos: [CandidateVideo], includeReleaseVideos: Bool = false) {
        self.videos = videos; self.includeReleaseVideos = includeReleaseVideos
    }

    public func candidates(for release: DiscogsRelease) -> [CandidateVideo] {
        var seen: Set<String> = []
        var out: [CandidateVideo] = []
        let base = includeReleaseVideos ? ReleaseVideosProvider().candidates(for: release) : []
        for video in base + videos where seen.insert(MatchURL.comparisonKey(video.url)).inserted { out.append(video) }
        return out
    }
}
