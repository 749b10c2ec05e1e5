import Console
import Foundation
import Rotation

/// Finds out what the console's user may do, from the database's own grants (`DatabaseGrants`), so that actions
/// the user may not take are disabled with the reason instead of failing later.
public enum SessionProbe {
    /// Without an answer (no database, unreachable, the query failed) every action stays enabled: the servers
    /// still refuse what the user may not do.
    public static func session(settings: RotationSettings, reviewer: String) -> ConsoleSession {
        var session = ConsoleSession(user: reviewer, readOnly: settings.readOnly, grants: Set(ConsoleGrant.allCases))
        guard let granted = try? DatabaseGrants.read(settings: settings, connectTimeout: 3) else { return session }
        var grants = Set<ConsoleGrant>()
        if granted.review { grants.insert(.review) }
        if granted.admin { grants.insert(.admin) }
        session.grants = grants
        if granted.readOnly { session.readOnly = true }
        return session
    }
}
