/// Ground truth for the matcher, in the format of the shared `labels.json`: per release, which videos are a
/// recording of exactly each tracklist entry.
public struct ReleaseLabels: Codable, Sendable, Hashable {
    public var releaseID: Int64
    public var artist: String?
    public var title: String?
    public var tracks: [TrackLabel]
    public var unmatchedVideos: [UnmatchedVideoLabel]

    public init(releaseID: Int64, artist: String? = nil, title: String? = nil, tracks: [TrackLabel],
                unmatchedVideos: [UnmatchedVideoLabel] = []) {
        self.releaseID = releaseID; self.artist = artist; self.title = title; self.tracks = tracks
        self.unmatchedVideos = unmatchedVideos
    }

    enum CodingKeys: String, CodingKey {
        case releaseID = "release_id", artist, title, tracks, unmatchedVideos = "unmatched_videos"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        releaseID = try c.requiredID(.releaseID)
        artist = c.lenientString(.artist)
        title = c.lenientString(.title)
        tracks = try c.array(TrackLabel.self, .tracks)
        unmatchedVideos = c.lenientArray(UnmatchedVideoLabel.self, .unmatchedVideos)
    }
}

public struct TrackLabel: Codable, Sendable, Hashable {
    public enum Certainty: String, Codable, Sendable { case sure, unsure }

    public var trackIndex: Int
    public var position: String?
    public var title: String?
    /// URLs of recordings of exactly this entry; empty when none of the candidates is one.
    public var videos: [String]
    /// `unsure` entries are left out of every metric.
    public var confidence: Certainty

    public init(trackIndex: Int, position: String? = nil, title: String? = nil, videos: [String],
                confidence: Certainty = .sure) {
        self.trackIndex = trackIndex; self.position = position; self.title = title; self.videos = videos
        self.confidence = confidence
    }

    enum CodingKeys: String, CodingKey { case trackIndex = "track_index", position, title, videos, confidence }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let index = try c.lenientInt(.trackIndex) else {
            throw DecodingError.keyNotFound(
                CodingKeys.trackIndex, .init(codingPath: c.codingPath, debugDescription: "track_index is required"))
        }
        trackIndex = index
        position = c.lenientString(.position)
        title = c.lenientString(.title)
        videos = try c.array(String.self, .videos)
        confidence = c.lenientString(.confidence).flatMap { Certainty(rawValue: $0.lowercased()) } ?? .sure
    }
}

public struct UnmatchedVideoLabel: Codable, Sendable, Hashable {
    public var uri: String
    public var title: String?
    public var reason: String?

    public init(uri: String, title: String? = nil, reason: String? = nil) {
        self.uri = uri; self.title = title; self.reason = reason
    }
}
