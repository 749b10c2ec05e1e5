import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Debian's PgBouncer in front of the private Postgres, in `pool_mode = transaction` (a server connection is
/// lent for one transaction only, as hosted poolers do): what a client may not assume there (session settings,
/// LISTEN, session advisory locks, named prepared statements) is what the tests through it prove we do not.
///
/// Clients log in with scram-sha-256 and the primary's password (the auth file holds it, mode 0600, owned by the
/// server user: PgBouncer refuses to run as root, so it runs as that user). The startup parameter `options` is
/// refused, as PgBouncer does by default; our client then connects without it (see Sources/Postgres).
extension LocalServers {
    /// Starts PgBouncer (once; later calls return the same URL) and returns a URL that reaches the primary's
    /// databases through it. The primary must be running.
    @discardableResult
    public func startPgBouncer() throws -> String {
        if let url = pgBouncerURL { return url }
        guard postgresURL != nil else {
            throw LocalServerError.commandFailed("starting PgBouncer", output: "the primary Postgres is not running")
        }
        guard let executable = ServerBinaries.which("pgbouncer") ?? Self.existing("/usr/sbin/pgbouncer") else {
            throw LocalServerError.missingBinary("pgbouncer not found: install the 'pgbouncer' package")
        }
        let fm = FileManager.default
        let home = directory.appendingPathComponent("pgbouncer")
        try fm.createDirectory(at: home, withIntermediateDirectories: true)
        _ = chmod(home.path, 0o700)
        let primaryPort = postgresSocket.port, password = postgresPassword
        let port = try Self.freePort()
        let users = home.appendingPathComponent("userlist.txt")
        try Self.writePrivately("\"rotation\" \"\(password)\"\n", to: users)
        let config = home.appendingPathComponent("pgbouncer.ini")
        try Self.writePrivately("""
            [databases]
            * = host=127.0.0.1 port=\(primaryPort)

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = \(port)
            unix_socket_dir =
            auth_type = scram-sha-256
            auth_file = \(users.path)
            pool_mode = transaction
            max_client_conn = 400
            default_pool_size = 40
            ignore_startup_parameters = extra_float_digits
            server_login_retry = 1
            \(serverTLSLines)
            """, to: config)
        try giveToServerUser(home)
        let logFile = directory.appendingPathComponent("pgbouncer.log")
        let process = try launch(executable, [config.path], log: logFile, asServerUser: true)
        let url = "postgres://rotation:\(password)@127.0.0.1:\(port)/rotation?sslmode=disable"
        attachedServers.withLock {
            $0.append(AttachedServer(name: "pgbouncer", process: process, signal: SIGTERM, url: url))
        }
        try ServerWatchdog.record(pid: process.processIdentifier, name: "pgbouncer", in: directory)
        try waitUntilReady("PgBouncer", process: process, log: logFile) {
            (try? self.capture(self.binaries.postgresBin.appendingPathComponent("pg_isready"),
                               ["-q", "-h", "127.0.0.1", "-p", String(port), "-d", "rotation", "-U", "rotation"])) != nil
        }
        return url
    }

    /// With the TLS shape the primary takes TLS only (`hostssl`): PgBouncer verifies it as our clients do.
    private var serverTLSLines: String {
        guard let tlsFiles else { return "" }
        return "server_tls_sslmode = verify-full\nserver_tls_ca_file = \(tlsFiles.caCertificate)\n"
    }

    /// The running PgBouncer's URL, nil before `startPgBouncer()`.
    public var pgBouncerURL: String? { attachedURL("pgbouncer") }

    private static func existing(_ path: String) -> URL? {
        FileManager.default.isExecutableFile(atPath: path) ? URL(fileURLWithPath: path) : nil
    }
}
