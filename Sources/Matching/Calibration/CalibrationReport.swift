import Foundation

/// What a person finally decided about a match the matcher proposed, as calibration counts it: `approved` keeps the
/// proposal, `replaced` and `rejected` say it was wrong (replaced: with another URL; rejected: with none).
public enum CalibrationVerdict: String, Codable, Sendable, CaseIterable {
    case approved, replaced, rejected
}

/// One human decision on a proposal: the confidence the matcher gave it (in [0, 1]) and the verdict.
public struct CalibrationDecision: Sendable, Hashable {
    public var confidence: Double
    public var verdict: CalibrationVerdict

    public init(confidence: Double, verdict: CalibrationVerdict) {
        self.confidence = confidence
        self.verdict = verdict
    }
}

/// What a calibration is computed against: the bands, the threshold in force and the precision wanted.
public struct CalibrationSettings: Codable, Sendable, Hashable {
    /// The lowest band starts here (the policy's store threshold: below it nothing is stored, so nobody reviews it).
    public var reviewThreshold: Double
    /// The auto-approve threshold in force, shown beside the suggestion.
    public var currentThreshold: Double
    /// Width of a confidence band; every candidate threshold is a band's lower edge.
    public var bandWidth: Double
    /// The precision the auto-approved matches should have: the suggestion is the lowest threshold whose 95 %
    /// interval's lower bound reaches it.
    public var targetPrecision: Double
    /// Fewer human decisions than this at or above a threshold: no claim about that threshold.
    public var minimumDecisions: Int

    public static let defaultTargetPrecision = 0.97
    public static let defaultMinimumDecisions = 30

    public init(policy: MatchPolicy = .default, bandWidth: Double = 0.05,
                targetPrecision: Double = CalibrationSettings.defaultTargetPrecision,
                minimumDecisions: Int = CalibrationSettings.defaultMinimumDecisions) {
        reviewThreshold = policy.storeThreshold
        currentThreshold = policy.autoApproveThreshold
        self.bandWidth = bandWidth
        self.targetPrecision = targetPrecision
        self.minimumDecisions = minimumDecisions
    }

    enum CodingKeys: String, CodingKey {
        case reviewThreshold = "review_threshold", currentThreshold = "current_threshold", bandWidth = "band_width"
        case targetPrecision = "target_precision", minimumDecisions = "minimum_decisions"
    }

    /// Bands from the review threshold up to 1 (the last one includes 1).
    public var bandCount: Int { max(1, Int(((1 - reviewThreshold) / bandWidth - 1e-6).rounded(.up))) }

    /// The lower edge of band `index`, rounded to the band width's decimals (0.55, not 0.5500000000000001).
    public func lowerEdge(ofBand index: Int) -> Double {
        ((reviewThreshold + Double(index) * bandWidth) * 1e6).rounded() / 1e6
    }

    /// The band of a confidence, nil below the review threshold. Stored confidences are REALs (0.7 reads as
    /// 0.69999998807907), so a confidence within a millionth under an edge counts as on it.
    public func band(of confidence: Double) -> Int? {
        guard confidence.isFinite else { return nil }
        let position = (confidence - reviewThreshold) / bandWidth + 1e-6 / bandWidth
        guard position >= 0 else { return nil }
        return min(bandCount - 1, Int(position.rounded(.down)))
    }
}

/// One confidence band: what people decided on the proposals in it, and what still waits.
public struct CalibrationBand: Codable, Sendable, Hashable {
    public var lower: Double
    public var upper: Double
    public var approved = 0
    public var replaced = 0
    public var rejected = 0
    /// Pending tracks (`track_matches` rows not approved) in the band now.
    public var pending = 0

    public var decided: Int { approved + replaced + rejected }
    /// Share of the decisions that kept the proposal (what a calibrated score would put near the band's centre).
    public var approvalRate: Double? { decided > 0 ? Double(approved) / Double(decided) : nil }
    public var interval: WilsonInterval? { WilsonInterval(successes: approved, trials: decided) }

    enum CodingKeys: String, CodingKey {
        case lower, upper, approved, replaced, rejected, pending, decided, approvalRate = "approval_rate", interval
    }

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lower = try c.decode(Double.self, forKey: .lower); upper = try c.decode(Double.self, forKey: .upper)
        approved = try c.decode(Int.self, forKey: .approved); replaced = try c.decode(Int.self, forKey: .replaced)
        rejected = try c.decode(Int.self, forKey: .rejected); pending = try c.decode(Int.self, forKey: .pending)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lower, forKey: .lower); try c.encode(upper, forKey: .upper)
        try c.encode(approved, forKey: .approved); try c.encode(replaced, forKey: .replaced)
        try c.encode(rejected, forKey: .rejected); try c.encode(pending, forKey: .pending)
        try c.encode(decided, forKey: .decided)
        try c.encode(approvalRate, forKey: .approvalRate); try c.encode(interval, forKey: .interval)
    }
}

/// What auto-approving at `threshold` would have meant for the decisions logged.
public struct ThresholdOutcome: Codable, Sendable, Hashable {
    public var threshold: Double
    /// Decisions on proposals at or above the threshold, and how many of them people approved.
    public var decided: Int
    public var approved: Int
    /// Tracks left to people: decided or pending, with review threshold <= confidence < threshold.
    public var reviewLoad: Int

    /// approved / decided: the precision auto-approval would have had; nil without decisions.
    public var precision: Double? { decided > 0 ? Double(approved) / Double(decided) : nil }
    public var interval: WilsonInterval? { WilsonInterval(successes: approved, trials: decided) }

    enum CodingKeys: String, CodingKey {
        case threshold, decided, approved, reviewLoad = "review_load", precision, interval
    }

    public init(threshold: Double, decided: Int, approved: Int, reviewLoad: Int) {
        self.threshold = threshold; self.decided = decided; self.approved = approved; self.reviewLoad = reviewLoad
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(threshold: try c.decode(Double.self, forKey: .threshold), decided: try c.decode(Int.self, forKey: .decided),
                  approved: try c.decode(Int.self, forKey: .approved), reviewLoad: try c.decode(Int.self, forKey: .reviewLoad))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(threshold, forKey: .threshold); try c.encode(decided, forKey: .decided)
        try c.encode(approved, forKey: .approved); try c.encode(reviewLoad, forKey: .reviewLoad)
        try c.encode(precision, forKey: .precision); try c.encode(interval, forKey: .interval)
    }
}

/// The threshold calibration suggests, or why it suggests none. It never invents a number.
public enum ThresholdSuggestion: Sendable, Hashable, Codable {
    /// The lowest threshold whose interval's lower bound meets the target, with at least the minimum of decisions.
    case threshold(ThresholdOutcome)
    /// No threshold has the minimum number of decisions at or above it.
    case notEnoughDecisions(decided: Int, minimum: Int)
    /// Thresholds with enough decisions exist, and none reaches the target precision with 95 % confidence.
    case targetNotReached

    enum CodingKeys: String, CodingKey { case status, outcome, decided, minimum }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .status) {
        case "threshold": self = .threshold(try c.decode(ThresholdOutcome.self, forKey: .outcome))
        case "not_enough_decisions":
            self = .notEnoughDecisions(decided: try c.decode(Int.self, forKey: .decided),
                                       minimum: try c.decode(Int.self, forKey: .minimum))
        default: self = .targetNotReached
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .threshold(let outcome):
            try c.encode("threshold", forKey: .status); try c.encode(outcome, forKey: .outcome)
        case .notEnoughDecisions(let decided, let minimum):
            try c.encode("not_enough_decisions", forKey: .status)
            try c.encode(decided, forKey: .decided); try c.encode(minimum, forKey: .minimum)
        case .targetNotReached:
            try c.encode("target_not_reached", forKey: .status)
        }
    }
}

/// Calibration of the matcher's confidence from people's decisions: per band, per candidate threshold, and the
/// threshold suggested for the target precision. Pure: the decisions and pending confidences are handed in.
public struct CalibrationReport: Codable, Sendable, Hashable {
    public var settings: CalibrationSettings
    public var bands: [CalibrationBand]
    /// One per band, at its lower edge, ascending.
    public var thresholds: [ThresholdOutcome]
    public var suggestion: ThresholdSuggestion
    /// Decisions on proposals below the review threshold (stored by another writer): counted, in no band.
    public var decidedBelowReview: Int

    enum CodingKeys: String, CodingKey {
        case settings, bands, thresholds, suggestion, decidedBelowReview = "decided_below_review", decided
    }

    public var decided: Int { bands.reduce(0) { $0 + $1.decided } }

    /// `pending`: how many pending tracks have each confidence (in [0, 1]).
    public init(decisions: [CalibrationDecision], pending: [Double: Int] = [:], settings: CalibrationSettings) {
        self.settings = settings
        var bands = (0..<settings.bandCount).map {
            CalibrationBand(lower: settings.lowerEdge(ofBand: $0),
                            upper: $0 == settings.bandCount - 1 ? 1 : settings.lowerEdge(ofBand: $0 + 1))
        }
        var below = 0
        for decision in decisions {
            guard let index = settings.band(of: decision.confidence) else { below += 1; continue }
            switch decision.verdict {
            case .approved: bands[index].approved += 1
            case .replaced: bands[index].replaced += 1
            case .rejected: bands[index].rejected += 1
            }
        }
        for (confidence, tracks) in pending {
            if let index = settings.band(of: confidence) { bands[index].pending += tracks }
        }
        self.bands = bands
        decidedBelowReview = below
        thresholds = bands.indices.map { index in
            let above = bands[index...], under = bands[..<index]
            return ThresholdOutcome(threshold: bands[index].lower, decided: above.reduce(0) { $0 + $1.decided },
                                    approved: above.reduce(0) { $0 + $1.approved },
                                    reviewLoad: under.reduce(0) { $0 + $1.decided + $1.pending })
        }
        suggestion = Self.suggest(thresholds, settings: settings)
    }

    static func suggest(_ thresholds: [ThresholdOutcome], settings: CalibrationSettings) -> ThresholdSuggestion {
        let supported = thresholds.filter { $0.decided >= settings.minimumDecisions }
        guard !supported.isEmpty else {
            return .notEnoughDecisions(decided: thresholds.first?.decided ?? 0, minimum: settings.minimumDecisions)
        }
        if let met = supported.first(where: { ($0.interval?.lower ?? 0) >= settings.targetPrecision }) {
            return .threshold(met)
        }
        return .targetNotReached
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        settings = try c.decode(CalibrationSettings.self, forKey: .settings)
        bands = try c.decode([CalibrationBand].self, forKey: .bands)
        thresholds = try c.decode([ThresholdOutcome].self, forKey: .thresholds)
        suggestion = try c.decode(ThresholdSuggestion.self, forKey: .suggestion)
        decidedBelowReview = try c.decode(Int.self, forKey: .decidedBelowReview)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(settings, forKey: .settings); try c.encode(bands, forKey: .bands)
        try c.encode(thresholds, forKey: .thresholds); try c.encode(suggestion, forKey: .suggestion)
        try c.encode(decidedBelowReview, forKey: .decidedBelowReview); try c.encode(decided, forKey: .decided)
    }
}
