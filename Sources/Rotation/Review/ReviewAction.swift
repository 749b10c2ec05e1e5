import Foundation

/// The decisions a reviewer can take, as logged in `match_reviews.action`.
public enum ReviewAction: String, Codable, Sendable, CaseIterable {
    case approve
    case reject
    case rejectWithReplacement = "reject_replace"
    case replace
    case needsReview = "needs_review"
    case clear
    case clearRelease = "clear_release"
    case clearStore = "clear_store"
    /// Admin: a confidence stored on the 0-100 scale rewritten into [0, 1] (one row per decision).
    case normalizeConfidence = "normalize_confidence"
    case undo

    /// Actions that delete rows of several tracks at once (admin).
    public var isBulk: Bool { self == .clearRelease || self == .clearStore }
}

/// What the caller saw of a row when it decided, so that a change made meanwhile by someone else is detected.
public enum ReviewGuard: Sendable, Equatable {
    /// No guard: act on whatever the row is now (scripts that just read it).
    case none
    /// The caller saw no row for the track.
    case absent
    /// The caller saw the row with this `updated_at`.
    case updatedAt(Date)
    /// The caller saw a row whose `updated_at` is NULL: a writer changed it without keeping the guard, so what the
    /// caller saw cannot be proven current. Always a conflict; nothing changes.
    case rowWithoutUpdatedAt

    /// The guard for a row as the caller saw it (nil: no row).
    public static func seen(_ row: TrackMatch?) -> ReviewGuard {
        guard let row else { return .absent }
        return seen(updatedAt: row.updatedAt)
    }

    /// The guard for a row the caller saw with this `updated_at`.
    public static func seen(updatedAt: Date?) -> ReviewGuard {
        updatedAt.map { .updatedAt($0) } ?? .rowWithoutUpdatedAt
    }
}

