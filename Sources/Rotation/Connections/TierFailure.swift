import Postgres
import Redis

/// What a failed call against the tiers means for the person who asked: the words to show, and whether the
/// failure is known to have changed nothing.
public enum TierFailure {
    /// The error's own description (which never holds a secret), with the tier named when it could not be reached.
    public static func message(for error: Error) -> String {
        switch error {
        case let error as PostgresError where error.isConnectionProblem:
            return "Postgres is unavailable: \(error.message)"
        case let error as RedisError where error.isConnectionProblem:
            return "Redis is unavailable: \(error)"
        case let error as RedisError where error.isCommandRefused:
            return "this Redis refuses the command to this user (an ACL, or a hosted service's limits): \(error)"
        default:
            return "\(error)"
        }
    }

    /// Whether a failed decision is known to have changed nothing: a `ReviewError` says so, except `outcomeUnknown`
    /// (the commit's answer was lost and could not be re-read), and a Postgres error comes from a statement that
    /// failed as a whole. Anything else may have come after the commit.
    public static func leftUnchanged(_ error: Error) -> Bool {
        switch error {
        case ReviewError.outcomeUnknown: false
        case is ReviewError, is PostgresError: true
        default: false
        }
    }

    /// Postgres could not be reached or went away (as opposed to refusing the statement).
    public static func isPostgresUnreachable(_ error: Error) -> Bool {
        (error as? PostgresError)?.isConnectionProblem == true
    }
}
