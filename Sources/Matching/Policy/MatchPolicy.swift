/// The thresholds and rules that turn confidences into decisions (DESIGN section 2). Configuration, not literals:
/// callers load it from flags or a config file and pass it down. Two rules read the candidates' evidence: uploads of
/// one recording (`same_recording`) are not rivals, and a candidate with a version signal is never auto-approved.
public struct MatchPolicy: Codable, Sendable, Hashable {
    /// At or above: approved automatically (unless ambiguous).
    public var autoApproveThreshold: Double
    /// At or above (and below auto-approve): stored unapproved for review. Below: not stored (unmatched).
    public var storeThreshold: Double
    /// Two candidates at or above auto-approve within this margin of each other are ambiguous.
    public var ambiguityMargin: Double
    /// The console's "approve all above threshold": pending tracks of a release at or above it are approved together,
    /// after a confirmation. Inside the review band, so it only ever speeds up what a person confirms.
    public var bulkApproveThreshold: Double

    public init(autoApproveThreshold: Double = 0.80, storeThreshold: Double = 0.50, ambiguityMargin: Double = 0.05,
                bulkApproveThreshold: Double = 0.70) {
        self.autoApproveThreshold = autoApproveThreshold
        self.storeThreshold = storeThreshold
        self.ambiguityMargin = ambiguityMargin
        self.bulkApproveThreshold = bulkApproveThreshold
    }

    public static let `default` = MatchPolicy()

    enum CodingKeys: String, CodingKey {
        case autoApproveThreshold = "auto_approve_threshold", storeThreshold = "store_threshold"
        case ambiguityMargin = "ambiguity_margin", bulkApproveThreshold = "bulk_approve_threshold"
    }

    /// A policy written before `bulk_approve_threshold` existed still reads, with the default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(autoApproveThreshold: try container.decode(Double.self, forKey: .autoApproveThreshold),
                  storeThreshold: try container.decode(Double.self, forKey: .storeThreshold),
                  ambiguityMargin: try container.decode(Double.self, forKey: .ambiguityMargin),
                  bulkApproveThreshold: try container.decodeIfPresent(Double.self, forKey: .bulkApproveThreshold)
                      ?? MatchPolicy().bulkApproveThreshold)
    }

    /// The band a confidence falls in: the one reading of the thresholds that `decide` and the console's colours
    /// share (a candidate's band, before ambiguity and rejections are weighed).
    public func band(of confidence: Double) -> ConfidenceBand {
        if confidence >= autoApproveThreshold { return .autoApprove }
        if confidence >= storeThreshold { return .review }
        return .belowStore
    }

    /// Decides one track. Only candidates that could be stored count: a known platform (`track_matches.platform`)
    /// and at least the store threshold, so a rival below it never makes a track ambiguous. Candidates whose URL is
    /// in `rejectedURLs` (compared canonically) are never proposed.
    public func decide(_ candidates: [ScoredCandidate], rejectedURLs: Set<String> = []) -> MatchDecision {
        let storable = candidates.filter { $0.platform != nil && band(of: $0.confidence) != .belowStore }
        guard !storable.isEmpty else { return .unmatched }
        let rejectedKeys = Set(rejectedURLs.map(MatchURL.comparisonKey))
        let eligible = storable
            .filter { !rejectedKeys.contains(MatchURL.comparisonKey($0.url)) }
            .sorted { $0.confidence != $1.confidence ? $0.confidence > $1.confidence : $0.url < $1.url }
        guard let best = eligible.first, band(of: best.confidence) != .belowStore else { return .unmatched }
        if band(of: best.confidence) == .autoApprove {
            // Another upload of the same recording (same title and length, the matcher's `same_recording` signal)
            // is not a rival: either is right. Two recordings close together are for a person to tell apart.
            let recording = best.evidence.sameRecordingGroup
            let rival = eligible.dropFirst().first {
                band(of: $0.confidence) == .autoApprove && best.confidence - $0.confidence <= ambiguityMargin
                    && !MatchURL.same($0.url, best.url)
                    && (recording == nil || $0.evidence.sameRecordingGroup != recording)
            }
            if let rival { return .pending(best, reason: .ambiguous(rivalURL: rival.url)) }
            // A video that names (or is measured as) another version than the track is never approved unseen.
            if best.evidence.namesAnotherVersion { return .pending(best, reason: .differentVersion) }
            return .autoApproved(best)
        }
        return .pending(best, reason: .lowConfidence)
    }
}

/// Where a confidence stands against the policy's thresholds.
public enum ConfidenceBand: Sendable, Hashable {
    /// At or above the auto-approve threshold.
    case autoApprove
    /// At or above the store threshold, below auto-approve: stored for review.
    case review
    /// Below the store threshold: not stored.
    case belowStore
}

/// What the policy decided for one track.
public enum MatchDecision: Sendable, Hashable {
    case autoApproved(ScoredCandidate)
    case pending(ScoredCandidate, reason: PendingReason)
    case unmatched

    /// The candidate that would be stored in `track_matches`, if any.
    public var storedCandidate: ScoredCandidate? {
        switch self {
        case .autoApproved(let candidate), .pending(let candidate, _): candidate
        case .unmatched: nil
        }
    }

    public var isAutoApproved: Bool { if case .autoApproved = self { true } else { false } }
    public var isPending: Bool { if case .pending = self { true } else { false } }
}

public enum PendingReason: Sendable, Hashable {
    /// Between the store and auto-approve thresholds.
    case lowConfidence
    /// Another candidate, a different recording, is also above auto-approve and within the ambiguity margin.
    case ambiguous(rivalURL: String)
    /// The candidate names another version or mix than the track (its evidence has a version signal).
    case differentVersion
}
