import Foundation
import Postgres
import Synchronization

/// Where the console's reads go when `DATABASE_READ_URL` names a replica: lists, pages and stats to the replica,
/// except while this console's last write has not reached it (read your own writes): then to the primary, until
/// the replica has replayed past that write's WAL position. A replica that cannot be reached is read around (the
/// primary answers). Writes never come here.
final class ReplicaReadRouting: Sendable {
    private let primary: LazyResource<PostgresConnection>
    private let replica: LazyResource<PostgresConnection>?
    /// The primary's WAL position after this console's last write, until the replica has replayed it.
    private let unreplayedWrite = Mutex<String?>(nil)

    init(primary: LazyResource<PostgresConnection>, replica: LazyResource<PostgresConnection>?) {
        self.primary = primary
        self.replica = replica
    }

    /// The connection for a read that may come from the replica.
    func connection() throws -> PostgresConnection {
        guard let replica, let replicaConnection = try? replica.get() else { return try primary.get() }
        guard let lsn = unreplayedWrite.withLock({ $0 }) else { return replicaConnection }
        guard (try? ReplicaPosition.hasReplayed(lsn, on: replicaConnection)) == true else { return try primary.get() }
        unreplayedWrite.withLock { if $0 == lsn { $0 = nil } }
        return replicaConnection
    }

    /// Call after each committed write: reads stay on the primary until the replica has it.
    func wrote() {
        guard replica != nil, let primary = try? primary.get() else { return }
        // Position unknown: an LSN no replica reaches keeps the reads on the primary, which is always right.
        let lsn = (try? ReplicaPosition.primaryLSN(primary)) ?? "FFFFFFFF/FFFFFFFF"
        unreplayedWrite.withLock { $0 = lsn }
    }
}
