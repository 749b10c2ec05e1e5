import Foundation

/// Who changed a row after the reviewer saw it, and when: returned instead of applying a guarded action.
public struct ReviewConflict: Codable, Sendable, Equatable {
    public var key: TrackKey
    /// The row as it is now (nil: it was deleted).
    public var current: TrackMatch?
    /// The reviewer of the latest logged decision on this track, or the row's `verified_by` when the change was
    /// not logged (the web app); nil when unknown.
    public var changedBy: String?
    public var changedAt: Date?
    /// The logged action that changed it, when it was one of ours.
    public var action: String?

    public var message: String {
        let who = changedBy.map { "by \($0)" } ?? "by someone else"
        let when = changedAt.map { " at \(CacheTimestamp.format($0))" } ?? ""
        let what = current == nil ? "removed" : "changed"
        return "\(key) was \(what) \(who)\(when)\(action.map { " (\($0))" } ?? ""); reload and decide again"
    }
}

/// Why a review action was not applied. Every case means nothing changed, except `outcomeUnknown`.
public enum ReviewError: Error, Sendable, CustomStringConvertible {
    /// The row changed since the reviewer saw it.
    case conflict(ReviewConflict)
    /// There is no match for the track (approve, reject, clear of an unmatched track).
    case noMatch(TrackKey)
    /// The reviewer has no decision left to undo.
    case nothingToUndo(reviewer: String)
    /// A replacement URL that is not http(s) or not on a known platform.
    case invalidURL(String)
    case invalidConfidence(Double)
    /// The service runs read-only (flag or server): every write is refused.
    case readOnly
    /// The database refused for lack of a grant.
    case notPermitted(String)
    /// Postgres cannot be reached: the write was refused, nothing changed.
    case databaseUnavailable(String)
    /// The connection broke during the commit and could not be re-established to find out whether it committed.
    case outcomeUnknown(String)

    public var description: String {
        switch self {
        case .conflict(let conflict): conflict.message
        case .noMatch(let key): "no match for \(key)"
        case .nothingToUndo(let reviewer): "\(reviewer) has no decision left to undo"
        case .invalidURL(let reason): reason
        case .invalidConfidence(let value): "confidence must be between 0 and 1, got \(value)"
        case .readOnly: "read-only mode: writes are refused"
        case .notPermitted(let message): "not permitted: \(message)"
        case .databaseUnavailable(let message): "Postgres is unavailable, nothing was changed: \(message)"
        case .outcomeUnknown(let message): "the connection was lost during the commit and whether it applied is unknown: \(message)"
        }
    }
}
