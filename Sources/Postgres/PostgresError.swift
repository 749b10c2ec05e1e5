/// A failure talking to Postgres: what kind, the server's SQLSTATE, message, detail and hint.
///
/// Its description never contains a password or a full connection string.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// Could not connect (refused, timed out, authentication failed, unknown database).
        case connectionFailed
        /// The connection broke during a call; whether a write committed is unknown until re-read.
        case connectionLost
        /// SQLSTATE 23505.
        case uniqueViolation
        /// SQLSTATE 40001 or 40P01: retrying the transaction may succeed.
        case serializationFailure
        /// SQLSTATE 25006: a write in a read-only transaction.
        case readOnlyTransaction
        /// SQLSTATE 42501.
        case insufficientPrivilege
        /// SQLSTATE 57014: statement timeout or cancel.
        case queryCanceled
        /// Any other error the server reported.
        case server
        /// A parameter libpq cannot carry (a NUL byte in text).
        case invalidParameter
        /// A column could not be read as the type asked for.
        case decoding
    }

    public var kind: Kind
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?

    public init(_ kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
    }

    /// True when the failure was the connection itself (the server may be down).
    public var isConnectionProblem: Bool { kind == .connectionFailed || kind == .connectionLost }

    public var description: String {
        var text = message
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail, !detail.isEmpty { text += "\nDETAIL: \(detail)" }
        if let hint, !hint.isEmpty { text += "\nHINT: \(hint)" }
        return text
    }

    static func kind(forSQLState state: String?) -> Kind {
        switch state {
        case "23505": return .uniqueViolation
        case "40001", "40P01": return .serializationFailure
        case "25006": return .readOnlyTransaction
        case "42501": return .insufficientPrivilege
        case "57014": return .queryCanceled
        case let s? where s.hasPrefix("08"): return .connectionLost
        case "57P01", "57P02", "57P03": return .connectionLost  // admin shutdown, crash shutdown, cannot connect now
        default: return .server
        }
    }
}
