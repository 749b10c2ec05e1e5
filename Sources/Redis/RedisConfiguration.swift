import Foundation

/// How a `rediss://` connection verifies the server and identifies itself. The files come from the URL's query
/// (`tls_ca`, `tls_cert`, `tls_key`, `tls_servername`) or else from `REDIS_TLS_CA`, `REDIS_TLS_CERT`, `REDIS_TLS_KEY`.
/// The server's certificate and name are always verified; there is no switch to turn that off.
public struct RedisTLSOptions: Sendable, Equatable {
    /// PEM file of the CA(s) to trust; nil trusts the system's store.
    public var caFile: String?
    /// PEM client certificate (chain) for servers with `tls-auth-clients yes`; nil sends none.
    public var certificateFile: String?
    /// PEM private key of the client certificate; nil reads it from `certificateFile`.
    public var keyFile: String?
    /// The name to ask for (SNI) and verify instead of the URL's host, for a server reached by another address.
    public var serverName: String?

    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, serverName: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.serverName = serverName
    }
}

/// Where and how to reach a Redis server: a TCP or Unix-socket endpoint, TLS or not, optional ACL user and password,
/// the database number, and the connect and command timeouts. Built from a `redis://` / `rediss://` / `unix://` URL
/// or `REDIS_URL`.
/// Printing it (`description`, `debugDescription`, `dump`) shows the `redacted` form, never the password.
public struct RedisConfiguration: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unixSocket(path: String)
    }

    public static let defaultPort = 6379
    /// Long enough for a loaded server on this machine, short enough that a dead one is noticed before a person
    /// wonders whether the console froze.
    public static let defaultTimeout: Duration = .seconds(2)

    public var endpoint: Endpoint
    /// ACL user for `AUTH user password`; nil sends the legacy `AUTH password`. Ignored without a password.
    public var username: String?
    /// Sent with AUTH on every (re)connect; nil sends no AUTH.
    public var password: String?
    /// Selected with SELECT on every (re)connect when not 0.
    public var database: Int
    /// TLS (`rediss://`) when set: only with a TCP endpoint.
    public var tls: RedisTLSOptions?
    public var connectTimeout: Duration
    /// How long one command (or one pipeline read) may wait for its reply.
    public var commandTimeout: Duration

    public init(
        endpoint: Endpoint = .tcp(host: "127.0.0.1", port: RedisConfiguration.defaultPort),
        username: String? = nil, password: String? = nil, database: Int = 0, tls: RedisTLSOptions? = nil,
        connectTimeout: Duration = RedisConfiguration.defaultTimeout,
        commandTimeout: Duration = RedisConfiguration.defaultTimeout
    ) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    /// Parses `redis://[user:password@]host[:port][/db]`, `rediss://...` (TLS, same form, plus `tls_ca`,
    /// `tls_cert`, `tls_key`, `tls_servername` in the query), `unix:///path/redis.sock?db=N&password=...` or
    /// `redis+unix:///path?...`. For `rediss://`, `REDIS_TLS_CA` / `REDIS_TLS_CERT` / `REDIS_TLS_KEY` in
    /// `environment` fill what the query leaves out.
    /// Errors describe what is wrong without repeating the URL, so a password in it is never echoed.
    public init(
        url: String, connectTimeout: Duration = RedisConfiguration.defaultTimeout,
        commandTimeout: Duration = RedisConfiguration.defaultTimeout,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        self = try RedisURLParser.parse(url.trimmingCharacters(in: .whitespacesAndNewlines), environment: environment)
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    /// The configuration named by `REDIS_URL` (pass `ProcessInfo.processInfo.environment`); nil when it is unset
    /// or empty (the caller then starts or picks a local server), an error when it is set but malformed.
    public init?(
        environment: [String: String],
        connectTimeout: Duration = RedisConfiguration.defaultTimeout,
        commandTimeout: Duration = RedisConfiguration.defaultTimeout
    ) throws {
        guard let url = environment["REDIS_URL"], !url.trimmingCharacters(in: .whitespaces).isEmpty else {
            return nil
        }
        do {
            try self.init(
                url: url, connectTimeout: connectTimeout, commandTimeout: commandTimeout, environment: environment)
        } catch RedisError.invalidConfiguration(let message) {
            throw RedisError.invalidConfiguration("REDIS_URL: \(message)")
        }
    }

    /// The URL with the password replaced by `***`: safe for logs, the status line and error messages.
    public var redacted: String {
        switch endpoint {
        case .tcp(let host, let port):
            var userInfo = ""
            if let username { userInfo += Self.encodeUserInfo(username) }
            if password != nil { userInfo += ":***" }
            if !userInfo.isEmpty { userInfo += "@" }
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "\(tls == nil ? "redis" : "rediss")://\(userInfo)\(shownHost):\(port)/\(database)"
        case .unixSocket(let path):
            var query = ["db=\(database)"]
            if let username { query.append("username=\(Self.encodeUserInfo(username))") }
            if password != nil { query.append("password=***") }
            return "unix://\(path)?\(query.joined(separator: "&"))"
        }
    }

    /// Where the server is, without credentials: for messages such as "cannot connect to 127.0.0.1:6379".
    public var endpointDescription: String {
        switch endpoint {
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unixSocket(let path): return path
        }
    }

    public var description: String { redacted }
    public var debugDescription: String { "RedisConfiguration(\(redacted))" }
    public var customMirror: Mirror {
        Mirror(self, children: ["url": redacted, "connectTimeout": connectTimeout, "commandTimeout": commandTimeout])
    }

    private static func encodeUserInfo(_ text: String) -> String {
        var allowed = CharacterSet.urlUserAllowed
        allowed.remove(charactersIn: ":@/?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// The hand-written URL parser behind `RedisConfiguration(url:)`: Foundation's URL parsing differs between
/// platforms and its errors cannot say which part is wrong.
enum RedisURLParser {
    static func parse(_ url: String, environment: [String: String] = [:]) throws -> RedisConfiguration {
        guard !url.isEmpty else { throw invalid("the URL is empty; expected redis://host:port/db") }
        guard let schemeEnd = url.range(of: "://") else {
            throw invalid("not a URL; expected redis://[user:password@]host:port/db or unix:///path/redis.sock")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        var rest = String(url[schemeEnd.upperBound...])
        if let hash = rest.firstIndex(of: "#") { rest = String(rest[..<hash]) }
        var queryText = ""
        if let question = rest.firstIndex(of: "?") {
            queryText = String(rest[rest.index(after: question)...])
            rest = String(rest[..<question])
        }
        let query = try parseQuery(queryText)

        switch scheme {
        case "redis":
            return try parseTCP(rest, query: query)
        case "unix", "redis+unix", "redis-socket":
            return try parseUnix(rest, query: query)
        case "rediss":
            var configuration = try parseTCP(rest, query: query)
            configuration.tls = try tlsOptions(query: query, environment: environment)
            return configuration
        default:
            throw invalid(
                "unsupported scheme '\(scheme.prefix(20))'; expected redis://, rediss://, unix:// or redis+unix://")
        }
    }

    private static func parseTCP(_ rest: String, query: [String: String]) throws -> RedisConfiguration {
        let authority: Substring
        let path: Substring
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[slash...]
        } else {
            authority = Substring(rest)
            path = ""
        }
        var configuration = RedisConfiguration()
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            let (user, password) = try parseUserInfo(userInfo)
            configuration.username = user
            configuration.password = password
        }

        var host: String
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw invalid("unterminated IPv6 address: missing ']'")
            }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw invalid("unexpected text after the IPv6 address")
            }
        } else {
            let colons = hostPort.filter { $0 == ":" }.count
            if colons > 1 { throw invalid("an IPv6 host must be written in brackets, e.g. redis://[::1]:6379") }
            if let colon = hostPort.firstIndex(of: ":") {
                host = String(hostPort[..<colon])
                portText = hostPort[hostPort.index(after: colon)...]
            } else {
                host = String(hostPort)
            }
        }
        guard !host.isEmpty else { throw invalid("the host is missing; expected redis://host:port/db") }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || "-._:%".contains($0) }) else {
            throw invalid("the host contains characters that are not allowed in a host name")
        }
        var port = RedisConfiguration.defaultPort
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy(\.isASCIIDigit), let value = Int(portText),
                (1...65535).contains(value)
            else { throw invalid("the port must be a number from 1 to 65535") }
            port = value
        }
        configuration.endpoint = .tcp(host: host, port: port)

        let dbText = path.drop(while: { $0 == "/" })
        if !dbText.isEmpty {
            configuration.database = try parseDatabase(dbText, what: "the path")
        }
        try applyQuery(query, to: &configuration, allowDatabase: dbText.isEmpty)
        return configuration
    }

    private static func parseUnix(_ rest: String, query: [String: String]) throws -> RedisConfiguration {
        var configuration = RedisConfiguration()
        var pathText = Substring(rest)
        // `redis+unix://:password@/path` also appears in the wild.
        if let at = pathText.firstIndex(of: "@"), pathText[pathText.index(after: at)...].hasPrefix("/"),
            !pathText.hasPrefix("/")
        {
            let (user, password) = try parseUserInfo(pathText[..<at])
            configuration.username = user
            configuration.password = password
            pathText = pathText[pathText.index(after: at)...]
        }
        guard pathText.hasPrefix("/") else {
            throw invalid("a Unix socket URL needs an absolute path, e.g. unix:///run/redis/redis.sock")
        }
        guard let path = String(pathText).removingPercentEncoding, path.count > 1 else {
            throw invalid("the socket path is empty or badly percent-encoded")
        }
        configuration.endpoint = .unixSocket(path: path)
        try applyQuery(query, to: &configuration, allowDatabase: true)
        return configuration
    }

    private static func parseUserInfo(_ userInfo: Substring) throws -> (String?, String?) {
        let user: Substring
        var password: Substring?
        if let colon = userInfo.firstIndex(of: ":") {
            user = userInfo[..<colon]
            password = userInfo[userInfo.index(after: colon)...]
        } else {
            user = userInfo
        }
        guard let decodedUser = String(user).removingPercentEncoding else {
            throw invalid("the user name is badly percent-encoded")
        }
        var decodedPassword: String?
        if let password {
            guard let decoded = String(password).removingPercentEncoding else {
                throw invalid("the password is badly percent-encoded")
            }
            decodedPassword = decoded
        }
        return (decodedUser.isEmpty ? nil : decodedUser, decodedPassword?.isEmpty == false ? decodedPassword : nil)
    }

    private static func parseQuery(_ text: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).lowercased()
            let rawValue = parts.count > 1 ? String(parts[1]) : ""
            guard let value = rawValue.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                throw invalid("the query parameter '\(name.prefix(20))' is badly percent-encoded")
            }
            result[name] = value
        }
        return result
    }

    /// Query parameters the web app's clients do not use are ignored: the same REDIS_URL serves both programs.
    private static func applyQuery(
        _ query: [String: String], to configuration: inout RedisConfiguration, allowDatabase: Bool
    ) throws {
        if let db = query["db"] {
            guard allowDatabase else { throw invalid("the database is given both in the path and as ?db=") }
            configuration.database = try parseDatabase(Substring(db), what: "?db=")
        }
        if let password = query["password"], !password.isEmpty {
            if configuration.password != nil { throw invalid("the password is given twice") }
            configuration.password = password
        }
        if let user = query["username"] ?? query["user"], !user.isEmpty {
            if configuration.username != nil { throw invalid("the user name is given twice") }
            configuration.username = user
        }
    }

    /// The query wins over the environment, so one URL can name its own files.
    private static func tlsOptions(query: [String: String], environment: [String: String]) throws -> RedisTLSOptions {
        func value(_ parameter: String, _ variable: String) -> String? {
            let given = query[parameter] ?? environment[variable]
            return given?.isEmpty == false ? given : nil
        }
        let options = RedisTLSOptions(
            caFile: value("tls_ca", "REDIS_TLS_CA"), certificateFile: value("tls_cert", "REDIS_TLS_CERT"),
            keyFile: value("tls_key", "REDIS_TLS_KEY"), serverName: query["tls_servername"].flatMap { $0.isEmpty ? nil : $0 })
        if options.keyFile != nil && options.certificateFile == nil {
            throw invalid("a TLS client key (tls_key / REDIS_TLS_KEY) needs its certificate (tls_cert / REDIS_TLS_CERT)")
        }
        return options
    }

    private static func parseDatabase(_ text: Substring, what: String) throws -> Int {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy(\.isASCIIDigit), let value = Int(text) else {
            throw invalid("\(what) must be a database number (0, 1, ...)")
        }
        return value
    }

    private static func invalid(_ message: String) -> RedisError { .invalidConfiguration(message) }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
