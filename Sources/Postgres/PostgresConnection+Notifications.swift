import CLibpq
import Foundation

/// `LISTEN` / `NOTIFY` and waiting for notifications (the change feed).
extension PostgresConnection {
    /// Starts listening on `channel`; kept across reconnects.
    public func listen(_ channel: String) throws {
        lock.lock(); defer { lock.unlock() }
        channels.insert(channel)
        try execute("LISTEN \(quoteIdentifier(channel))", [])
    }

    public func unlisten(_ channel: String) throws {
        lock.lock(); defer { lock.unlock() }
        channels.remove(channel)
        try execute("UNLISTEN \(quoteIdentifier(channel))", [])
    }

    /// Sends a notification (parameterized through `pg_notify`).
    public func notify(_ channel: String, payload: String = "") throws {
        try query("SELECT pg_notify($1, $2)", channel, payload)
    }

    /// Waits up to `timeout` seconds on the connection's socket for notifications and returns those that arrived
    /// (none on timeout). Never polls the server with queries.
    public func waitForNotifications(timeout: TimeInterval) throws -> [PostgresNotification] {
        lock.lock(); defer { lock.unlock() }
        let conn = try ensureConnected()
        var pending = drainNotifications(conn)
        if !pending.isEmpty { return pending }
        var descriptor = pollfd(fd: PQsocket(conn), events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(max(0, timeout * 1000)))
        if ready < 0 && errno != EINTR {
            throw PostgresError(.connectionLost, message: "waiting for notifications failed: errno \(errno)")
        }
        if ready > 0 {
            if PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK {
                throw connectionError(conn, fallback: "connection lost while waiting for notifications")
            }
            pending = drainNotifications(conn)
        }
        return pending
    }

    /// Frees notifications nobody listens for here: through a pooler, a server connection another client left
    /// listening hands them to whoever holds it, and libpq would keep them for as long as the connection lives.
    func discardNotifications(_ conn: OpaquePointer) {
        while let notify = PQnotifies(conn) { PQfreemem(notify) }
    }

    func drainNotifications(_ conn: OpaquePointer) -> [PostgresNotification] {
        var notifications: [PostgresNotification] = []
        _ = PQconsumeInput(conn)
        while let notify = PQnotifies(conn) {
            notifications.append(PostgresNotification(
                channel: String(cString: notify.pointee.relname),
                payload: String(cString: notify.pointee.extra),
                senderPID: notify.pointee.be_pid))
            PQfreemem(notify)
        }
        return notifications
    }
}
