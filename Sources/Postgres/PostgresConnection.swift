import CLibpq
import Foundation

/// One libpq connection: parameterized queries, transactions, COPY, LISTEN/NOTIFY.
///
/// Calls are serialized by a lock, so a connection may be shared between threads, one call at a time. A broken
/// connection (server restarted, network lost) is re-established by the next call; channels being listened to are
/// listened to again, and `generation` increases so that listeners know they may have missed notifications.
public final class PostgresConnection: @unchecked Sendable {
    public let configuration: PostgresConfiguration
    private var connection: OpaquePointer?
    let lock = NSRecursiveLock()
    var channels: Set<String> = []
    private var transactionDepth = 0
    /// How many times this object has (re)connected; a change means notifications may have been missed.
    public private(set) var generation = 0
    /// False when the session settings sent at connect (`options`: time zone, statement timeout, read-only) were
    /// refused or dropped, as a pooler such as PgBouncer does: then they are applied to every transaction instead,
    /// and a statement outside one runs in its own (read-only when configured). See PostgresPooling.swift.
    public private(set) var sessionOptionsApplied = true

    public init(_ configuration: PostgresConfiguration) throws {
        self.configuration = configuration
        try connect()
    }

    public convenience init(url: String) throws {
        try self.init(PostgresConfiguration(url))
    }

    deinit {
        if let connection { PQfinish(connection) }
    }

    /// Closes the connection; a later call opens a new one.
    public func close() {
        lock.lock(); defer { lock.unlock() }
        if let connection { PQfinish(connection) }
        connection = nil
    }

    public var isConnected: Bool {
        lock.lock(); defer { lock.unlock() }
        return connection.map { PQstatus($0) == CONNECTION_OK } ?? false
    }

    /// The server's version, e.g. "15.18".
    public var serverVersion: String {
        lock.lock(); defer { lock.unlock() }
        guard let connection else { return "?" }
        let number = Int(PQserverVersion(connection))
        return number >= 100_000 ? "\(number / 10_000).\(number % 10_000)" : "\(number / 10_000).\(number / 100 % 100)"
    }

    /// The libpq handle under the lock (nil when closed), for extensions that read connection attributes without
    /// a round trip (PostgresConnection+TLS.swift). The handle must not escape `body`.
    func withHandle<Result>(_ body: (OpaquePointer?) -> Result) -> Result {
        lock.lock(); defer { lock.unlock() }
        return body(connection)
    }

    // MARK: Connecting

    func connect() throws {
        if let connection { PQfinish(connection) }
        connection = nil
        do {
            try open(sendingOptions: sessionOptionsApplied)
        } catch let error as PostgresError where sessionOptionsApplied && Self.refusesStartupOptions(error) {
            try open(sendingOptions: false)
            sessionOptionsApplied = false
        }
        if sessionOptionsApplied, try !optionsTookEffect() { sessionOptionsApplied = false }
        for channel in channels {
            _ = try execute("LISTEN \(quoteIdentifier(channel))", [])
        }
    }

    func open(sendingOptions: Bool) throws {
        var options = "-c TimeZone=UTC -c DateStyle=ISO -c client_min_messages=warning"
        if let timeout = configuration.statementTimeout { options += " -c statement_timeout=\(timeout)" }
        if configuration.readOnly { options += " -c default_transaction_read_only=on" }
        // libpq's own parse errors quote the text, password included: an unparseable one is refused here.
        guard let target = configuration.parsed else {
            throw PostgresError(.connectionFailed, message: "cannot connect: the connection string cannot be parsed "
                + "(check its percent-encoding and quoting; it is not shown because it may hold a password)")
        }
        // dbname comes first: libpq expands the URL or conninfo there, and the later keywords override it.
        let parameters: [(String, String)] = [
            ("dbname", target.text),
            ("connect_timeout", String(configuration.connectTimeout)),
            ("application_name", configuration.applicationName),
            ("client_encoding", "UTF8"),
            ("keepalives", "1"), ("keepalives_idle", "10"), ("keepalives_interval", "5"), ("keepalives_count", "3"),
        ] + (sendingOptions ? [("options", options)] : [])
        let keywords = parameters.map { strdup($0.0) } + [nil]
        let values = parameters.map { strdup($0.1) } + [nil]
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let conn = keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { keys in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { vals in
                PQconnectdbParams(keys.baseAddress, vals.baseAddress, 1)
            }
        }
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let message = conn.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            if let conn { PQfinish(conn) }  // PQfinish even after a failed connect
            throw PostgresError(.connectionFailed,
                                message: "cannot connect to \(configuration.redacted): \(scrub(message))")
        }
        // libpq prints notices to stderr by default, which would scribble over a full-screen terminal.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        connection = conn
        generation += 1
    }

    func ensureConnected() throws -> OpaquePointer {
        if let connection, PQstatus(connection) == CONNECTION_OK { return connection }
        if transactionDepth > 0 {
            throw PostgresError(.connectionLost, message: "the connection was lost inside a transaction")
        }
        try connect()
        return connection!
    }

    // MARK: Queries

    /// Runs one statement with parameters `$1`, `$2`, … bound from `parameters`. Nothing is ever interpolated.
    /// The list is labelled so that an unlabelled Swift array is always one array parameter (`= ANY($1)`).
    @discardableResult
    public func query(_ sql: String, parameters: [any PostgresEncodable] = []) throws -> PostgresResult {
        lock.lock(); defer { lock.unlock() }
        if transactionDepth == 0 && needsTransactionForSettings {
            return try transaction { _ in try execute(sql, parameters) }
        }
        return try execute(sql, parameters)
    }

    @discardableResult
    public func query(_ sql: String, _ parameters: any PostgresEncodable...) throws -> PostgresResult {
        try query(sql, parameters: parameters)
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [any PostgresEncodable]) throws -> PostgresResult {
        let conn = try ensureConnected()
        var texts: [UnsafeMutablePointer<CChar>?] = []
        texts.reserveCapacity(parameters.count)
        defer { texts.forEach { free($0) } }
        var types: [Oid] = []
        types.reserveCapacity(parameters.count)
        for (i, parameter) in parameters.enumerated() {
            types.append(Oid(type(of: parameter).postgresType))
            guard let text = parameter.postgresText else { texts.append(nil); continue }
            if text.utf8.contains(0) {
                throw PostgresError(.invalidParameter,
                                    message: "parameter $\(i + 1) contains a NUL byte, which Postgres text cannot hold")
            }
            texts.append(strdup(text))
        }
        let result = texts.map { UnsafePointer($0) }.withUnsafeBufferPointer { values in
            types.withUnsafeBufferPointer { oids in
                PQexecParams(conn, sql, Int32(parameters.count), oids.baseAddress, values.baseAddress,
                             nil, nil, 0)
            }
        }
        defer { if channels.isEmpty { discardNotifications(conn) } }
        return try consume(result, connection: conn)
    }

    func consume(_ result: OpaquePointer?, connection conn: OpaquePointer) throws -> PostgresResult {
        guard let result else {
            throw connectionError(conn, fallback: "no result from the server")
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return read(result)
        default:
            throw error(from: result, connection: conn)
        }
    }

    func read(_ result: OpaquePointer) -> PostgresResult {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var names: [String] = []
        var types: [UInt32] = []
        for c in 0..<columnCount {
            names.append(String(cString: PQfname(result, Int32(c))))
            types.append(UInt32(PQftype(result, Int32(c))))
        }
        let columns = PostgresColumns(names: names, types: types)
        var rows: [PostgresRow] = []
        rows.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for c in 0..<columnCount {
                if PQgetisnull(result, Int32(r), Int32(c)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(r), Int32(c))))
                }
            }
            rows.append(PostgresRow(columns: columns, values: values))
        }
        let tag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        let affected = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? rowCount
        return PostgresResult(columns: columns, rows: rows, affectedRows: affected, commandTag: tag)
    }

    func error(from result: OpaquePointer, connection conn: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return scrub(String(cString: value))
        }
        let state = field("C")
        if PQstatus(conn) != CONNECTION_OK {
            return connectionError(conn, fallback: field("M") ?? "connection lost")
        }
        let message = field("M") ?? scrub(String(cString: PQresultErrorMessage(result)))
        return PostgresError(PostgresError.kind(forSQLState: state), message: message, sqlState: state,
                             detail: field("D"), hint: field("H"))
    }

    func connectionError(_ conn: OpaquePointer, fallback: String) -> PostgresError {
        let text = String(cString: PQerrorMessage(conn)).trimmingCharacters(in: .whitespacesAndNewlines)
        return PostgresError(.connectionLost,
                             message: "lost the connection to \(configuration.redacted): \(scrub(text.isEmpty ? fallback : text))")
    }

    /// Removes the configured password from any text that could be shown.
    func scrub(_ text: String) -> String {
        var text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        for secret in configuration.secrets {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        return text
    }

    /// Runs a script of several statements without parameters (a migration file). Only for SQL the program
    /// itself ships, never for text from users or servers.
    public func executeScript(_ sql: String) throws {
        lock.lock(); defer { lock.unlock() }
        if transactionDepth == 0 && needsTransactionForSettings {
            return try transaction { _ in try executeScript(sql) }
        }
        let conn = try ensureConnected()
        _ = try consume(PQexec(conn, sql), connection: conn)
    }

    // MARK: Transactions

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws. Nested calls use
    /// savepoints. If the COMMIT itself is lost with the connection, the error is `.connectionLost` and the caller
    /// must re-read to learn whether it committed.
    public func transaction<T>(
        _ isolation: String? = nil, _ body: (PostgresConnection) throws -> T
    ) throws -> T {
        lock.lock(); defer { lock.unlock() }
        let depth = transactionDepth
        let savepoint = "rotation_sp_\(depth)"
        if depth == 0 {
            try execute(beginStatement(isolation: isolation), [])
        } else {
            try execute("SAVEPOINT \(savepoint)", [])
        }
        transactionDepth += 1
        do {
            if depth == 0 && !sessionOptionsApplied { try applyTransactionSettings() }
            let value = try body(self)
            transactionDepth -= 1
            try execute(depth == 0 ? "COMMIT" : "RELEASE SAVEPOINT \(savepoint)", [])
            return value
        } catch {
            if transactionDepth > depth { transactionDepth = depth }
            if let connection, PQstatus(connection) == CONNECTION_OK {
                _ = try? execute(depth == 0 ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT \(savepoint)", [])
            }
            throw error
        }
    }

    // MARK: Helpers

    /// Measures one round trip (`SELECT 1`).
    public func ping() throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        _ = try query("SELECT 1")
        return clock.now - start
    }

    /// Quotes an identifier for the few statements that cannot take parameters (LISTEN, SAVEPOINT).
    public func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
