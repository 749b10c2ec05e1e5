/// Why a track with a labelled video was not auto-approved with one of them: where the review load (and the lost
/// recall) comes from. Read from the policy's decision and the proposed candidate's evidence.
public enum MissReason: String, Codable, CodingKeyRepresentable, Sendable, CaseIterable, Comparable {
    /// Auto-approved, but not with a labelled video (a precision loss as well).
    case wrongApproval = "wrong_approval"
    /// Another recording scored within the ambiguity margin: a person decides.
    case ambiguous
    /// The proposed video names (or is measured as) another version or mix than the track.
    case wrongVersion = "wrong_version"
    /// The proposed video is labelled, but its confidence is below auto-approve.
    case belowThreshold = "below_threshold"
    /// The proposed video is not labelled (another track's, a live clip, a full album...), with nothing saying it is
    /// another version.
    case wrongCandidate = "wrong_candidate"
    /// No candidate reached the store threshold: the track shows as unmatched.
    case noCandidate = "no_candidate"

    /// Words for the text report.
    public var label: String {
        switch self {
        case .wrongApproval: "wrong approval"
        case .ambiguous: "ambiguous"
        case .wrongVersion: "wrong version"
        case .belowThreshold: "below threshold"
        case .wrongCandidate: "wrong candidate"
        case .noCandidate: "no candidate"
        }
    }

    public static func < (lhs: MissReason, rhs: MissReason) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Classifies a labelled track the policy did not auto-approve with a labelled video; nil when it did.
    public static func classify(_ decision: MatchDecision, isLabelled: (String) -> Bool) -> MissReason? {
        switch decision {
        case .autoApproved(let candidate):
            return isLabelled(candidate.url) ? nil : .wrongApproval
        case .unmatched:
            return .noCandidate
        case .pending(_, reason: .ambiguous):
            return .ambiguous
        case .pending(_, reason: .differentVersion):
            return .wrongVersion
        case .pending(let candidate, reason: _):
            if candidate.evidence.namesAnotherVersion { return .wrongVersion }
            return isLabelled(candidate.url) ? .belowThreshold : .wrongCandidate
        }
    }
}
