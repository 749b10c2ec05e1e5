import CLibpq
import Foundation

/// Working through a pooler in transaction mode (PgBouncer, hosted poolers): a session's settings do not survive
/// from one transaction to the next, and the startup parameter `options` that carries them is refused
/// ("unsupported startup parameter") or silently dropped. The connection notices either at connect and then
/// applies what matters per transaction: read-only (`BEGIN ... READ ONLY`, so the server still enforces it) and the
/// statement timeout (`set_config(..., true)`, local to the transaction). Time zone and date style need nothing:
/// timestamps are read with their offset.
extension PostgresConnection {
    static func refusesStartupOptions(_ error: PostgresError) -> Bool {
        error.message.contains("unsupported startup parameter")
    }

    /// Whether the `options` sent at connect reached the session (a pooler may have dropped them).
    func optionsTookEffect() throws -> Bool {
        let value = try execute("SELECT current_setting('client_min_messages') AS level", []).first?
            .decode("level", as: String.self)
        return value == "warning"
    }

    /// True when a statement outside a transaction must get one of its own to carry the settings.
    var needsTransactionForSettings: Bool {
        !sessionOptionsApplied && configuration.readOnly
    }

    func beginStatement(isolation: String?) -> String {
        var statement = isolation.map { "BEGIN ISOLATION LEVEL \($0)" } ?? "BEGIN"
        if !sessionOptionsApplied && configuration.readOnly { statement += " READ ONLY" }
        return statement
    }

    func applyTransactionSettings() throws {
        if let timeout = configuration.statementTimeout {
            try execute("SELECT set_config('statement_timeout', $1, true)", ["\(timeout)ms"])
        }
    }
}
