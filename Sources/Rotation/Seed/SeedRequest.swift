import Foundation

/// What `rotation seed` should create.
public struct SeedRequest: Sendable, Codable, Equatable {
    public var stores: Int
    /// Releases that have been matched: each gets `tracksPerRelease` rows in `track_matches`.
    public var releases: Int
    public var tracksPerRelease: Int
    /// Further releases waiting in the queue, with stored bodies so a worker can match them.
    public var queuedReleases: Int
    /// Seeds the generator: the same request gives the same data.
    public var seed: UInt64

    public init(stores: Int, releases: Int, tracksPerRelease: Int = 10, queuedReleases: Int? = nil, seed: UInt64 = 1) {
        self.stores = max(1, stores); self.releases = max(0, releases); self.tracksPerRelease = max(1, tracksPerRelease)
        self.queuedReleases = max(0, queuedReleases ?? releases / 20); self.seed = seed
    }
}

extension SeedRequest {
    /// The matched releases and tracks per release that `rotation seed`'s options ask for: `tracks` alone is the
    /// total of `track_matches` rows, in releases of `tracksPerRelease` (default 10); with `releases` it is the
    /// older form, tracks per release. Neither: 1000 releases.
    public static func shape(releases: Int?, tracks: Int?, tracksPerRelease: Int?) -> (releases: Int, tracksPerRelease: Int) {
        if let releases { return (releases, tracksPerRelease ?? tracks ?? 10) }
        let perRelease = max(1, tracksPerRelease ?? 10)
        guard let tracks else { return (1000, perRelease) }
        return (max(1, (tracks + perRelease - 1) / perRelease), perRelease)
    }
}

/// What was created.
public struct SeedReport: Sendable, Codable, Equatable {
    public var stores = 0
    public var releases = 0
    public var trackMatches = 0
    public var candidates = 0
    public var queueRows = 0
    public var releaseBodies = 0
    /// Rows of an earlier seed removed first (seeding replaces synthetic data, never real rows).
    public var previousRowsRemoved = 0
    /// Whether the per-row NOTIFY triggers were switched off for the load (one summary NOTIFY is sent instead);
    /// false when the user does not own the tables.
    public var triggersSuppressed = false
    /// Secondary indexes dropped before the load and built again after it (a load larger than the table).
    public var indexesDeferred = 0
    /// Seconds spent building those indexes again (part of `seconds`).
    public var indexSeconds = 0.0
    public var seconds = 0.0

    /// Every row written (releases, matches, candidates, queue rows, bodies) per second of the whole seed.
    public var rowsPerSecond: Double {
        seconds > 0 ? Double(releases + trackMatches + candidates + queueRows + releaseBodies) / seconds : 0
    }
}
