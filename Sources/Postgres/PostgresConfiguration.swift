import Foundation

/// How to reach a Postgres server: a `postgres://` URL (a Unix-socket host too) or a libpq conninfo string.
///
/// The original text is kept; libpq reads it through `ConnectionString`, and `redacted` is the only form that may
/// be printed or logged.
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
    public var connectionString: String
    /// Seconds libpq waits for a connection before giving up.
    public var connectTimeout: Int
    /// Milliseconds a statement may run before the server cancels it; nil keeps the server's setting.
    public var statementTimeout: Int?
    public var applicationName: String
    /// Every transaction read-only, enforced by the server (`default_transaction_read_only`).
    public var readOnly: Bool

    public init(
        _ connectionString: String, connectTimeout: Int = 5, statementTimeout: Int? = 30_000,
        applicationName: String = "rotation", readOnly: Bool = false
    ) {
        self.connectionString = connectionString
        self.connectTimeout = connectTimeout
        self.statementTimeout = statementTimeout
        self.applicationName = applicationName
        self.readOnly = readOnly
    }

    /// `DATABASE_URL` from the environment, if set.
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let url = environment["DATABASE_URL"], !url.isEmpty else { return nil }
        self.init(url)
    }

    /// The text as libpq reads it; nil when libpq cannot parse it (then nothing of it is ever shown).
    public var parsed: ConnectionString? { ConnectionString(parsing: connectionString) }

    /// The secrets this configuration carries, so that error messages can be scrubbed of them.
    var secrets: [String] { parsed?.secrets ?? [] }

    /// Rebuilt from the parsed options with every secret as `***`; `ConnectionString.unparseable` when libpq
    /// cannot read the text. The only form that may be printed or logged.
    public var redacted: String { ConnectionString.redact(connectionString) }
    public var description: String { redacted }
}
