/// Which tier answered a read.
public enum MatchTier: String, Codable, Sendable {
    case cache
    case database
    case computed
}

/// The answer of `MatchService.getOrComputeMatch`.
public struct MatchLookup: Codable, Sendable, Equatable {
    public var key: TrackKey
    public var tier: MatchTier
    /// The match, in the cache's shape; nil when the track is unmatched.
    public var match: CachedMatch?
    /// The row, when Postgres answered (needed as the guard of a review action).
    public var row: TrackMatch?
    /// Served from the cache while Postgres is unreachable: it may be out of date.
    public var stale: Bool
    /// A cache value that was present but unusable, or Redis being unreachable.
    public var cacheProblem: String?
}

/// Neither tier could answer a read.
public struct MatchReadError: Error, Sendable, CustomStringConvertible {
    public var redis: String?
    public var postgres: String
    public var description: String {
        "cannot read the match: Postgres: \(postgres)" + (redis.map { "; Redis: \($0)" } ?? "")
    }
}
