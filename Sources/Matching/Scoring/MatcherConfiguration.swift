import Foundation

/// Weights and penalty factors of the matcher. The defaults are the product's; tests may vary them.
public struct MatcherConfiguration: Codable, Sendable, Hashable {
    public var titleWeight = 0.55
    public var artistWeight = 0.20
    public var durationWeight = 0.25
    /// Duration agreement assumed when either length is unknown (neither evidence for nor against).
    public var unknownDurationValue = 0.5
    /// Title similarity at which artist and duration evidence counts in full.
    public var corroborationTitleLevel = 0.6
    /// Multipliers applied when a penalty fires (smaller is harsher).
    public var fullAlbumFactor = 0.3
    public var differentVersionFactor = 0.4
    public var lesserVersionFactor = 0.6
    /// The track is a named mix ("Club Mix") and the video does not say which mix it is.
    public var unnamedMixFactor = 0.8
    public var durationMismatchFactor = 0.5
    /// A video that fits another track of the release better keeps at most this share of its score here.
    public var otherTrackFactor = 0.45
    /// How fast that share shrinks as the other track's lead grows (score units).
    public var otherTrackGapScale = 0.08
    /// The most a video's best track loses when another track fits it equally well...
    public var tieLoss = 0.4
    /// ...fading as the best track's lead grows (score units).
    public var tieMarginScale = 0.05
    /// The video names only the release (its title and artist), not this track.
    public var namesReleaseFactor = 0.3
    /// The track's number (part, volume) is absent and the video carries a different one.
    public var numberConflictFactor = 0.5
    /// A whole part of the video title (a TV show, another album, an uploader tag) is accounted for by nothing.
    public var unaccountedSegmentFactor = 0.6
    /// Length agreement below this (lengths known, not grossly apart) marks another edit or take of the song.
    public var differentLengthLevel = 0.25
    public var differentLengthFactor = 0.6
    /// Two uploads whose lengths differ by at most this share (and at least 6 s is allowed) may be one recording.
    public var sameRecordingTolerance = 0.03
    /// The same, for a track the tracklist gives no length: nothing then says which of two near lengths is the
    /// record's, and rips of one record differ by their lead-in, run-out and speed (2:38, 2:46 and 2:52 uploads of
    /// one 1961 B side); at most `sameRecordingMaxSecondsWithoutTrackLength` apart, more is another edit.
    public var sameRecordingToleranceWithoutTrackLength = 0.10
    public var sameRecordingMaxSecondsWithoutTrackLength = 15
    /// A video length this close to the track's (seconds) says which version of the song it is.
    public var exactLengthSeconds = 5.0
    /// An official source (an art track, an "Artist - Topic" channel) names other artists than the track's: a
    /// cover or a namesake's song.
    public var otherOfficialArtistFactor = 0.5
    /// Artist agreement granted to an upload by the release label's own channel.
    public var labelChannelArtistValue = 0.7

    public init() {}

    public static let `default` = MatcherConfiguration()
}
