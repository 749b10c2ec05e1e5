/// One track of one Discogs release: the key of a `track_matches` row and of its `match:{release}:{track}` cache key.
public struct TrackKey: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    /// The Discogs release id (`track_matches.release_id`).
    public var releaseID: Int64
    /// The 0-based index in the release's Discogs tracklist.
    public var trackIndex: Int

    public init(releaseID: Int64, trackIndex: Int) {
        self.releaseID = releaseID
        self.trackIndex = trackIndex
    }

    /// The web app's Redis key: `match:123456:0`.
    public var cacheKey: String { "match:\(releaseID):\(trackIndex)" }

    /// Parses `match:{release}:{track}`; nil for any other key.
    public init?(cacheKey: String) {
        let parts = cacheKey.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "match", let release = Int64(parts[1]), let track = Int(parts[2]),
              track >= 0
        else { return nil }
        self.init(releaseID: release, trackIndex: track)
    }

    public var description: String { "\(releaseID)/\(trackIndex)" }

    enum CodingKeys: String, CodingKey {
        case releaseID = "release_id", trackIndex = "track_index"
    }

    public static func < (a: TrackKey, b: TrackKey) -> Bool {
        (a.releaseID, a.trackIndex) < (b.releaseID, b.trackIndex)
    }
}
