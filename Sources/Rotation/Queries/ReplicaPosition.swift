import Foundation
import Postgres

/// Where a read replica stands against its primary, by WAL position: for reading your own writes (a row just
/// decided is read from the primary until the replica has replayed past the decision's commit) and for its lag.
public enum ReplicaPosition {
    /// The primary's WAL insert position, read right after a commit: at or past that commit's record. (The
    /// write position, `pg_current_wal_lsn()`, can still be before it when commits are asynchronous.)
    public static func primaryLSN(_ primary: PostgresConnection) throws -> String {
        try primary.query("SELECT pg_current_wal_insert_lsn()::text AS lsn").scalar(String.self)
    }

    /// Whether `replica` has replayed up to `lsn`. A server that is not in recovery (the URL names a primary)
    /// has everything.
    public static func hasReplayed(_ lsn: String, on replica: PostgresConnection) throws -> Bool {
        try replica.query("""
            SELECT NOT pg_is_in_recovery() OR coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS caught_up
            """, lsn).scalar(Bool.self)
    }

    /// How far `replica` is behind `primary`: WAL bytes not yet replayed, and the age of the last transaction it
    /// replayed (which also grows while the primary is idle, so the bytes say whether it is really behind).
    public struct Lag: Sendable, Equatable {
        public var bytes: Int64
        public var replayAge: TimeInterval?
        public var isReplica: Bool
    }

    public static func lag(replica: PostgresConnection, primary: PostgresConnection) throws -> Lag {
        let primaryLSN = try primaryLSN(primary)
        let row = try replica.query("""
            SELECT pg_is_in_recovery() AS replica,
                   coalesce(pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn()), 0)::bigint AS bytes,
                   extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS age
            """, primaryLSN).rows[0]
        return Lag(bytes: max(0, try row.decode("bytes")), replayAge: try row.decode("age"),
                   isReplica: try row.decode("replica"))
    }
}
