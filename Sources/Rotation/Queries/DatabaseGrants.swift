import Foundation
import Postgres

/// What the connected role may do, read from the database's own privileges and settings: the console disables
/// the actions a user may not take, with the reason, instead of letting them fail later. The servers enforce it
/// either way; this only tells the user beforehand.
public struct DatabaseGrants: Equatable, Sendable {
    /// May take review decisions: execute the undo function (the review functions' grant), or, before that
    /// migration, update `track_matches` and log into `match_reviews`.
    public var review: Bool
    /// May administer the queue and clear matches: update `processing_queue` and delete from `track_matches`.
    public var admin: Bool
    /// The server makes this session's transactions read-only (`default_transaction_read_only`).
    public var readOnly: Bool

    public init(review: Bool, admin: Bool, readOnly: Bool) {
        self.review = review
        self.admin = admin
        self.readOnly = readOnly
    }

    /// Connects to the primary for this one question and reads its role's grants.
    public static func read(settings: RotationSettings, connectTimeout: Int) throws -> DatabaseGrants {
        let database = try TierConnections.openPrimary(settings, purpose: "rotation grants", connectTimeout: connectTimeout)
        defer { database.close() }
        return try read(from: database)
    }

    /// Reads the grants of the role `database` is connected as. A privilege the server answers with NULL (an
    /// object it cannot see) counts as not granted.
    public static func read(from database: PostgresConnection) throws -> DatabaseGrants {
        let row = try database.query("""
            SELECT coalesce(has_function_privilege(to_regprocedure('rotation_review_undo(text,uuid)'), 'EXECUTE'),
                            has_table_privilege('track_matches', 'UPDATE') AND has_table_privilege('match_reviews', 'INSERT'))
                     AS review,
                   has_table_privilege('processing_queue', 'UPDATE') AND has_table_privilege('track_matches', 'DELETE') AS admin,
                   -- transaction_read_only too: through a pooler read-only mode is each transaction's, not the session's
                   current_setting('default_transaction_read_only') = 'on' OR current_setting('transaction_read_only') = 'on'
                     AS read_only
            """).rows
        guard let row = row.first else { throw PostgresError(.decoding, message: "the grants query returned no row") }
        return DatabaseGrants(review: try row.decode("review", as: Bool?.self) == true,
                              admin: try row.decode("admin", as: Bool?.self) == true,
                              readOnly: try row.decode("read_only", as: Bool?.self) == true)
    }
}
