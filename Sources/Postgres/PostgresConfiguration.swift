import Foundation

/// How to reach a Postgres server: a `postgres://` URL (a Unix-socket host too) or a libpq conninfo string.
///
/// The original text is kept for libpq, which parses both forms itself; `redacted` is the only form that may be
/// printed or logged.
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

    /// The password this configuration carries, so that error messages can be scrubbed of it.
    var password: String? {
        Self.password(in: connectionString)
    }

    public var redacted: String { Self.redact(connectionString) }
    public var description: String { redacted }

    static func password(in text: String) -> String? {
        if text.contains("://") {
            guard let components = URLComponents(string: text) else { return nil }
            if let password = components.password, !password.isEmpty { return password.removingPercentEncoding ?? password }
            return components.queryItems?.first { $0.name == "password" }?.value
        }
        return conninfoPassword(text)
    }

    private static func conninfoPassword(_ text: String) -> String? {
        guard let range = text.range(of: #"password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)"#, options: .regularExpression)
        else { return nil }
        var value = String(text[range]).split(separator: "=", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("'") { value = String(value.dropFirst().dropLast()) }
        return value
    }

    /// The connection string with any password replaced by `***`.
    public static func redact(_ text: String) -> String {
        if text.contains("://") {
            var result = text
            if let regex = try? NSRegularExpression(pattern: #"(://[^:/@]*:)([^@]*)@"#) {
                result = regex.stringByReplacingMatches(
                    in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "$1***@")
            }
            if let regex = try? NSRegularExpression(pattern: #"([?&]password=)[^&]*"#) {
                result = regex.stringByReplacingMatches(
                    in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "$1***")
            }
            return result
        }
        guard let regex = try? NSRegularExpression(pattern: #"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)"#) else { return text }
        return regex.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1***")
    }
}
