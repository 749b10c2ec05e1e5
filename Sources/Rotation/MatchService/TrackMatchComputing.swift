/// A match proposed by the matcher for one track.
public struct ComputedMatch: Sendable, Equatable {
    public var platform: String
    public var matchURL: String
    public var confidence: Double
    /// Whether the policy approves it automatically.
    public var approved: Bool

    public init(platform: String, matchURL: String, confidence: Double, approved: Bool) {
        self.platform = platform
        self.matchURL = matchURL
        self.confidence = confidence
        self.approved = approved
    }
}

/// The compute tier of the read path: the matching pipeline supplies the real implementation. It returns the
/// match the policy would store (at or above the store threshold), or nil when the track stays unmatched.
public protocol TrackMatchComputing: Sendable {
    func computeMatch(for key: TrackKey) throws -> ComputedMatch?
}
