import Foundation
import Postgres
import Rotation

/// Finds out what the console's user may do, from the database's own grants, so that actions the user may not
/// take are disabled with the reason instead of failing later.
public enum SessionProbe {
    public static func session(settings: RotationSettings, reviewer: String) -> ConsoleSession {
        var session = ConsoleSession(user: reviewer, readOnly: settings.readOnly, grants: Set(ConsoleGrant.allCases))
        guard let url = settings.databaseURL,
              let db = try? PostgresConnection(PostgresConfiguration(url, connectTimeout: 3, readOnly: settings.readOnly))
        else { return session }
        defer { db.close() }
        guard let row = try? db.query("""
            SELECT coalesce(has_function_privilege(to_regprocedure('rotation_review_undo(text,uuid)'), 'EXECUTE'),
                            has_table_privilege('track_matches', 'UPDATE') AND has_table_privilege('match_reviews', 'INSERT'))
                     AS review,
                   has_table_privilege('processing_queue', 'UPDATE') AND has_table_privilege('track_matches', 'DELETE') AS admin,
                   current_setting('default_transaction_read_only') = 'on' AS read_only
            """).first else { return session }
        var grants = Set<ConsoleGrant>()
        if (try? row.decode("review", as: Bool.self)) == true { grants.insert(.review) }
        if (try? row.decode("admin", as: Bool.self)) == true { grants.insert(.admin) }
        session.grants = grants
        if (try? row.decode("read_only", as: Bool.self)) == true { session.readOnly = true }
        return session
    }
}
