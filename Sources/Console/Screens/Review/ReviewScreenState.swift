import Matching

extension ConsoleScreen {
    /// Stores, releases, tracks and the candidates of the focused track.
    public static let review = ConsoleScreen(rawValue: "review")
}

/// The panes of the review screen, left to right, top to bottom.
public enum ReviewPane: String, Hashable, Sendable, CaseIterable {
    case stores, releases, tracks, detail

    public var title: String {
        switch self {
        case .stores: return "Stores"
        case .releases: return "Releases"
        case .tracks: return "Tracks"
        case .detail: return "Candidates"
        }
    }
}

/// The review screen's slice of the state. The stores list is shared with the inventory screen, so it stays in
/// `ConsoleState`; everything below it is here.
public struct ReviewScreenState: Equatable, Sendable {
    public var focus: ReviewPane = .stores
    public var releases = SelectionList<ReleaseRow>()
    /// The store whose releases `releases` holds (or is loading).
    public var releasesStore: String?
    public var tracks = SelectionList<TrackRow>()
    /// The release whose tracks `tracks` holds (or is loading).
    public var tracksRelease: Int64?
    /// Cursor over the focused track's candidates in the detail pane.
    public var candidateCursor = 0
    /// Tracks with a decision in flight: drawn with a spinner, skipped by approve-and-advance.
    public var tracksInFlight: Set<TrackReference> = []
    /// Bulk approve takes pending tracks at or above this confidence.
    public var bulkApproveThreshold: Double
    /// Releases another session has open (its presence lease), with the reviewer's name as stored: shown as
    /// "being reviewed by …" and skipped by next pending. Never a lock: deciding on them stays possible.
    public var heldByOthers: [Int64: String] = [:]

    public init(bulkApproveThreshold: Double = MatchPolicy.default.bulkApproveThreshold) {
        self.bulkApproveThreshold = bulkApproveThreshold
    }

    /// "being reviewed by ana" for a release another session has open, nil otherwise (sanitized when drawn).
    public func presenceNote(for releaseID: Int64?) -> String? {
        guard let releaseID, let reviewer = heldByOthers[releaseID] else { return nil }
        return "being reviewed by \(reviewer)"
    }

    /// The focused track, when there are tracks.
    public var focusedTrack: TrackRow? { tracks.selected }

    /// The candidate under the detail pane's cursor.
    public var focusedCandidate: CandidateOption? {
        guard let candidates = focusedTrack?.candidates, candidates.indices.contains(candidateCursor) else { return nil }
        return candidates[candidateCursor]
    }
}
