import Foundation

/// What the connected user may do, as read from their Postgres role memberships.
public enum ConsoleGrant: String, Hashable, Sendable, CaseIterable {
    /// `rotation_reviewer`: review actions on matches.
    case review
    /// `rotation_admin`: cache clears and queue changes.
    case admin
}

/// Who is using the console and in which mode. The servers enforce read-only; this only explains it.
public struct ConsoleSession: Equatable, Sendable {
    public var user: String
    public var readOnly: Bool
    public var grants: Set<ConsoleGrant>

    public init(user: String, readOnly: Bool = false, grants: Set<ConsoleGrant> = Set(ConsoleGrant.allCases)) {
        self.user = user
        self.readOnly = readOnly
        self.grants = grants
    }
}

/// A review action refused because the row changed since it was read: who changed it and when.
public struct ConflictInfo: Equatable, Sendable {
    public var track: TrackReference
    public var changedBy: String?
    public var changedAt: Date?

    public init(track: TrackReference, changedBy: String?, changedAt: Date?) {
        self.track = track
        self.changedBy = changedBy
        self.changedAt = changedAt
    }
}

/// A change another process made (from the `NOTIFY` triggers): which table and which row.
public enum DataChange: Hashable, Sendable {
    case trackMatch(TrackReference)
    case queueRow(discogsID: Int64)
    /// Notifications may have been missed (the feed reconnected): reload everything on screen.
    case everything
}
