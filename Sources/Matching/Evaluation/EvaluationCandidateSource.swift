/// Where an evaluation's candidates come from when they are not only the release's own Discogs videos: a search
/// provider, asked once per track, whose cost the report carries. The matcher stays pure: the source fetches, the
/// evaluation scores what it hands over.
public protocol EvaluationCandidateSource: Sendable {
    /// The provider's name, as a candidate's `source` ("youtube").
    var name: String { get }
    /// Whether the release's own Discogs videos are scored beside what the source finds.
    var includesReleaseVideos: Bool { get }
    /// What the source found for the release's matchable tracks, and what it cost.
    func candidates(for release: DiscogsRelease) throws -> SearchedCandidates
}

/// The uploads a search provider found for one release, and the quota it spent on them.
public struct SearchedCandidates: Sendable {
    public var videos: [CandidateVideo]
    public var usage: SearchUsage

    public init(videos: [CandidateVideo], usage: SearchUsage) { self.videos = videos; self.usage = usage }
}

/// Searches made and quota units spent, for one release or added up over many.
public struct SearchUsage: Codable, Sendable, Hashable {
    public var provider: String
    public var includesReleaseVideos: Bool
    /// Distinct queries sent (a query repeated within a run is answered by the run's own memory).
    public var searches: Int
    public var quotaUnits: Int
    /// Releases these figures add up (1 for a release's own).
    public var releases: Int

    public init(provider: String, includesReleaseVideos: Bool, searches: Int = 0, quotaUnits: Int = 0, releases: Int = 0) {
        self.provider = provider; self.includesReleaseVideos = includesReleaseVideos
        self.searches = searches; self.quotaUnits = quotaUnits; self.releases = releases
    }

    /// Quota units per release; nil before any release.
    public var quotaUnitsPerRelease: Double? { releases == 0 ? nil : Double(quotaUnits) / Double(releases) }

    mutating func add(_ other: SearchUsage) {
        searches += other.searches; quotaUnits += other.quotaUnits; releases += other.releases
    }

    enum CodingKeys: String, CodingKey {
        case provider, includesReleaseVideos = "release_videos", searches, quotaUnits = "quota_units", releases
        case quotaUnitsPerRelease = "quota_units_per_release"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        provider = try c.decode(String.self, forKey: .provider)
        includesReleaseVideos = try c.decode(Bool.self, forKey: .includesReleaseVideos)
        searches = try c.decode(Int.self, forKey: .searches)
        quotaUnits = try c.decode(Int.self, forKey: .quotaUnits)
        releases = try c.decode(Int.self, forKey: .releases)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(provider, forKey: .provider)
        try c.encode(includesReleaseVideos, forKey: .includesReleaseVideos)
        try c.encode(searches, forKey: .searches)
        try c.encode(quotaUnits, forKey: .quotaUnits)
        try c.encode(releases, forKey: .releases)
        try c.encode(quotaUnitsPerRelease, forKey: .quotaUnitsPerRelease)
    }
}
