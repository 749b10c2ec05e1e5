import Foundation
import Postgres

/// How the change feed learns of changes.
///
/// Through a pooler in transaction mode (PgBouncer) `LISTEN` "works" but notifications never arrive: the server
/// connection that listened goes back to the pool. The feed finds out with a probe (a `NOTIFY` sent from a second
/// connection must come back on the listening one within `probeTimeout`); when it does not, it listens on
/// `DATABASE_LISTEN_URL` (a direct connection to Postgres) if given, else polls the tables' change counters.
public enum ChangeFeedMode: Sendable, Equatable {
    /// LISTEN on `DATABASE_URL` works.
    case listening
    /// LISTEN on `DATABASE_URL` does not deliver (a pooler); listening on `DATABASE_LISTEN_URL`.
    case listeningDirectly
    /// No connection delivers notifications: the tables' change counters are read every `interval` seconds.
    case polling(interval: TimeInterval, reason: String)

    /// One line for the status bar; nil when all is as usual.
    public var note: String? {
        switch self {
        case .listening: nil
        case .listeningDirectly: nil
        case .polling(let interval, let reason):
            "Live updates by polling every \(Self.seconds(interval)): \(reason); set DATABASE_LISTEN_URL to a direct connection"
        }
    }

    private static func seconds(_ interval: TimeInterval) -> String {
        interval == interval.rounded() ? "\(Int(interval)) s" : String(format: "%.1f s", interval)
    }
}

/// The probe and the poll of the change feed, apart from its thread.
enum ChangeFeedProbe {
    static let probeChannel = "rotation_feed_probe"

    /// Whether a notification sent by another session reaches `listener` within `timeout`.
    /// Other notifications that arrive meanwhile go to `others`.
    static func notificationsArrive(on listener: PostgresConnection, configuration: PostgresConfiguration,
                                    timeout: TimeInterval, others: (PostgresNotification) -> Void) throws -> Bool {
        try listener.listen(probeChannel)
        defer { _ = try? listener.unlisten(probeChannel) }
        let token = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        var senderConfiguration = configuration
        senderConfiguration.applicationName = "rotation-feed-probe"
        let sender = try PostgresConnection(senderConfiguration)
        defer { sender.close() }
        try sender.notify(probeChannel, payload: token)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let arrived = try listener.waitForNotifications(timeout: min(0.1, max(0, deadline.timeIntervalSinceNow)))
            var delivered = false
            for notification in arrived {
                if notification.channel != probeChannel { others(notification) }
                if notification.channel == probeChannel && notification.payload == token { delivered = true }
            }
            if delivered { return true }
        }
        return false
    }

    /// A number that changes whenever rows of the watched tables are inserted, updated or deleted, by anyone:
    /// the server's cumulative statistics (they reach the view within about a second of a commit).
    static func changeCounter(_ db: PostgresConnection) throws -> Int64 {
        try db.query("""
            SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint AS changes
            FROM pg_stat_user_tables WHERE relname IN ('track_matches', 'processing_queue')
            """).scalar(Int64.self)
    }
}
