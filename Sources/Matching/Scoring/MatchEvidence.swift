/// One signal behind a confidence: what was measured (`value`), how much it counts (`weight`) and what it changed
/// (`contribution`, negative for penalties). Stored as JSONB in `match_candidates.evidence` and shown to reviewers.
public struct EvidenceSignal: Codable, Sendable, Hashable {
    public var name: String
    public var value: Double
    public var weight: Double
    public var contribution: Double
    public var detail: String?

    public init(name: String, value: Double, weight: Double, contribution: Double, detail: String? = nil) {
        self.name = name; self.value = value; self.weight = weight; self.contribution = contribution
        self.detail = detail
    }
}

/// The breakdown of one candidate's confidence; the contributions add up to the confidence.
public struct MatchEvidence: Codable, Sendable, Hashable {
    public var signals: [EvidenceSignal]

    public init(signals: [EvidenceSignal]) { self.signals = signals }

    public func signal(_ name: String) -> EvidenceSignal? { signals.first { $0.name == name } }

    /// Signals that say the video is another version or mix than the track, or does not name the track's own.
    /// A length well outside the track's (`different_length`) is measured as another edit or take; an upload of one
    /// part of a medley or suite (`part_of_track`) is not the whole, and on a DJ-mixed release an upload whose length
    /// does not agree with the segment's (`mixed_segment`) is the single, not the mixed segment.
    public static let versionSignalNames: Set<String> = [
        "different_version", "different_mix", "version_not_named", "different_length", "part_of_track",
        "mixed_segment",
    ]

    /// The signal the matcher adds to every upload of a recording that has several uploads among the candidates.
    public static let sameRecordingSignal = "same_recording"

    /// Names the group of uploads of one recording this candidate belongs to (equal for every member); nil when it
    /// is the only upload of its recording.
    public var sameRecordingGroup: String? { signal(Self.sameRecordingSignal)?.detail }

    /// Whether any version signal fired.
    public var namesAnotherVersion: Bool { signals.contains { Self.versionSignalNames.contains($0.name) } }
}

/// A candidate recording for one track, with its confidence in [0, 1] and why.
public struct ScoredCandidate: Codable, Sendable, Hashable {
    public var url: String
    public var platform: Platform?
    public var videoTitle: String
    public var durationSeconds: Int?
    public var source: String
    public var confidence: Double
    public var evidence: MatchEvidence

    public init(url: String, platform: Platform?, videoTitle: String, durationSeconds: Int?, source: String,
                confidence: Double, evidence: MatchEvidence) {
        self.url = url; self.platform = platform; self.videoTitle = videoTitle; self.durationSeconds = durationSeconds
        self.source = source; self.confidence = confidence; self.evidence = evidence
    }
}

/// Every candidate for one tracklist entry, best first.
public struct TrackMatchResult: Codable, Sendable, Hashable {
    /// Index in the release's `tracklist` array (headings counted).
    public var trackIndex: Int
    public var position: String
    public var title: String
    public var candidates: [ScoredCandidate]

    public init(trackIndex: Int, position: String, title: String, candidates: [ScoredCandidate]) {
        self.trackIndex = trackIndex; self.position = position; self.title = title; self.candidates = candidates
    }

    public var best: ScoredCandidate? { candidates.first }
}

/// The matcher's answer for a release: one result per matchable tracklist entry (headings are left out).
public struct ReleaseMatchResult: Codable, Sendable, Hashable {
    public var releaseID: Int64
    public var tracks: [TrackMatchResult]

    public init(releaseID: Int64, tracks: [TrackMatchResult]) { self.releaseID = releaseID; self.tracks = tracks }

    public func track(at index: Int) -> TrackMatchResult? { tracks.first { $0.trackIndex == index } }
}
