import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A private Postgres and Redis started from the installed binaries, in a private directory, on free loopback
/// ports, with random passwords. Used by `rotation demo` and by the test suite.
///
/// Nobody else on the machine gets in: the directory is private (0700, or 0711 when Postgres runs as another
/// user), Postgres's socket directory is 0700, and every connection, over TCP or the socket, needs the
/// per-directory random password (scram-sha-256); Redis needs its own (`requirepass`).
///
/// The servers never outlive their parent: `stop()` runs on exit, and a detached `ServerWatchdog` stops them
/// (and removes a temporary directory) if the parent dies in any other way, even by SIGKILL.
public final class LocalServers: Sendable {
    public let directory: URL
    public let keepData: Bool
    /// The TLS shape's CA and certificates (LocalServers+TLS.swift); nil for plain servers.
    public let tlsFiles: TLSFiles?
    public var postgresURL: String? { servers.withLock { $0.postgresURL } }
    public var redisURL: String? { servers.withLock { $0.redisURL } }
    /// The running Redis server's process id (fault drills signal it: LocalServers+Faults.swift).
    public var redisProcessID: Int32? { servers.withLock { $0.redis?.processIdentifier } }
    /// The password of the `rotation` superuser, for clients that build their own conninfo (the URLs carry it).
    public var postgresPassword: String { servers.withLock { $0.postgresPassword } }

    let binaries: ServerBinaries
    private let watchdog: Process

    /// The servers' processes, ports and secrets. Held while a server starts or stops, so starts and stops are
    /// one at a time.
    private struct Servers {
        var postgres: Process?
        var redis: Process?
        var postgresPort: Int = 0
        var redisPort: Int = 0
        var postgresPassword = ""
        var redisPassword = ""
        var postgresURL: String?
        var redisURL: String?
        var stopped = false
    }

    private let servers = Mutex(Servers())
    /// Servers of the other shapes started beside these (a replica, a pooler: LocalServers+Replica.swift,
    /// +PgBouncer.swift); stopped first, newest first.
    let attachedServers = Mutex<[AttachedServer]>([])
    struct AttachedServer {
        var name: String
        var process: Process
        /// The signal that stops it cleanly.
        var signal: Int32
        var url: String
    }
    /// A Redis Cluster started beside these servers (LocalServers+TestShapes.swift); stopped with them.
    let attachedRedisCluster = Mutex<LocalRedisCluster?>(nil)

    static let runsAsRoot = getuid() == 0
    static let unprivilegedUser = "postgres"

    /// Starts the servers asked for. `directory` nil means a fresh temporary directory, removed on stop;
    /// a given directory keeps its data between runs when `keepData` is true.
    public static func start(
        postgres: Bool = true, redis: Bool = true, directory: URL? = nil, keepData: Bool = false,
        tls: TLSShape? = nil, log: (String) -> Void = { _ in }
    ) throws -> LocalServers {
        let servers = try LocalServers(directory: directory, keepData: keepData, tls: tls)
        do {
            if postgres { log("starting Postgres…"); try servers.startPostgres() }
            if redis { log("starting Redis…"); try servers.startRedis() }
        } catch {
            servers.stop()
            throw error
        }
        return servers
    }

    private init(directory: URL?, keepData: Bool, tls: TLSShape?) throws {
        binaries = try ServerBinaries.locate()
        let fm = FileManager.default
        if let directory {
            self.directory = directory
            self.keepData = keepData
        } else {
            let base = URL(fileURLWithPath: NSTemporaryDirectory())
                .appendingPathComponent("rotation-servers-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            self.directory = base
            self.keepData = false
        }
        try fm.createDirectory(at: self.directory, withIntermediateDirectories: true)
        // Private to us; when we are root, Postgres runs as an unprivileged user that must still pass through to
        // its own (0700) directories, without listing or reading anything else here.
        _ = chmod(self.directory.path, Self.runsAsRoot ? 0o711 : 0o700)
        do {
            let directory = self.directory
            tlsFiles = try tls.map { try TLSFiles.generate(in: directory, shape: $0) }
            watchdog = try Self.startWatchdog(directory: self.directory, keepData: self.keepData)
        } catch {
            // What `stop()` would do: no server runs yet, so only a temporary directory is left to remove.
            if !self.keepData { try? fm.removeItem(at: self.directory) }
            throw error
        }
    }

    deinit { stop() }

    // MARK: Postgres

    var postgresData: URL { directory.appendingPathComponent("postgres") }
    var postgresSockets: URL { directory.appendingPathComponent("postgres-sockets") }

    /// Where Postgres also listens on a Unix socket (mode 0700 directory, password required there too), and its
    /// port, which names the socket file.
    public var postgresSocket: (directory: String, port: Int) { (postgresSockets.path, servers.withLock { $0.postgresPort }) }
    private var secretsFile: URL { directory.appendingPathComponent("secrets") }

    /// Starts Postgres (initialising its cluster the first time) on the port it had before, or a free one.
    public func startPostgres() throws {
        try servers.withLock { try startPostgres(&$0) }
    }

    private func startPostgres(_ servers: inout Servers) throws {
        guard servers.postgres == nil else { return }
        let fm = FileManager.default
        loadOrCreateSecrets(&servers)
        if !fm.fileExists(atPath: postgresData.appendingPathComponent("PG_VERSION").path) {
            try fm.createDirectory(at: postgresData, withIntermediateDirectories: true)
            let pwfile = directory.appendingPathComponent("pwfile")
            try Self.writePrivately(servers.postgresPassword, to: pwfile)
            defer { try? fm.removeItem(at: pwfile) }
            try giveToServerUser(postgresData, pwfile)
            try run(binaries.postgresBin.appendingPathComponent("initdb"), [
                "-D", postgresData.path, "-U", "rotation", "--pwfile", pwfile.path, "-E", "UTF8",
                "--locale=C.UTF-8", "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
            ], asServerUser: true)
        }
        // Written on every start, so a cluster kept by an older version (socket on `trust`) is closed too.
        try writeAuthenticationRules()
        try fm.createDirectory(at: postgresSockets, withIntermediateDirectories: true)
        _ = chmod(postgresSockets.path, 0o700)
        try giveToServerUser(postgresSockets)
        if servers.postgresPort == 0 { servers.postgresPort = try Self.freePort() }
        let port = servers.postgresPort, password = servers.postgresPassword
        let logFile = directory.appendingPathComponent("postgres.log")
        let process = try launch(binaries.postgresBin.appendingPathComponent("postgres"), [
            "-D", postgresData.path, "-p", String(port),
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=\(postgresSockets.path)",
            // A private, disposable server: durability across an OS crash is not worth the fsyncs.
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "max_connections=200", "-c", "shared_buffers=256MB",
        ] + postgresTLSArguments, log: logFile, asServerUser: true)
        servers.postgres = process
        try writePID(process.processIdentifier, name: "postgres", servers)
        let url = "postgres://rotation:\(password)@127.0.0.1:\(port)/rotation?\(postgresURLQuery)"
        try waitUntilReady("Postgres", process: process, log: logFile) {
            self.succeeds(self.binaries.postgresBin.appendingPathComponent("pg_isready"),
                          ["-q", "-h", "127.0.0.1", "-p", String(port), "-d", "postgres", "-U", "rotation"])
        }
        try ensureDatabase(port: port, password: password)
        servers.postgresURL = url
    }

    /// Stops Postgres (fast shutdown), keeping its data and port for `startPostgres()`.
    public func stopPostgres() {
        servers.withLock { servers in
            if let process = servers.postgres { Self.terminate(process, signal: SIGINT) }
            servers.postgres = nil
            ServerWatchdog.forget(name: "postgres", in: directory)
        }
    }

    /// Password (scram-sha-256) for every user on every way in: the socket, loopback TCP; nothing else.
    private func writeAuthenticationRules() throws {
        let rules = """
            # Written by Rotation's LocalServers on every start: a password on every connection.
            local all all scram-sha-256
            \(postgresHostRuleKeyword) all all 127.0.0.1/32 scram-sha-256
            \(postgresHostRuleKeyword) all all ::1/128 scram-sha-256
            local replication all scram-sha-256
            \(postgresHostRuleKeyword) replication all 127.0.0.1/32 scram-sha-256

            """
        let file = postgresData.appendingPathComponent("pg_hba.conf")
        try Self.writePrivately(rules, to: file)
        try giveToServerUser(file)
    }

    private func ensureDatabase(port: Int, password: String) throws {
        let psql = binaries.postgresBin.appendingPathComponent("psql")
        // The password through the environment of psql only, never its arguments (`ps` shows those).
        let environment = ["PGPASSWORD": password]
        let args = ["-h", postgresSockets.path, "-p", String(port), "-U", "rotation", "-d", "postgres",
                    "-tAc", "SELECT 1 FROM pg_database WHERE datname = 'rotation'"]
        let exists = try capture(psql, args, environment: environment).trimmingCharacters(in: .whitespacesAndNewlines) == "1"
        if !exists {
            _ = try capture(psql, ["-h", postgresSockets.path, "-p", String(port), "-U", "rotation",
                                   "-d", "postgres", "-c", "CREATE DATABASE rotation"], environment: environment)
        }
    }

    // MARK: Redis

    /// Starts Redis on the port it had before, or a free one.
    public func startRedis() throws {
        try servers.withLock { try startRedis(&$0) }
    }

    private func startRedis(_ servers: inout Servers) throws {
        guard servers.redis == nil else { return }
        loadOrCreateSecrets(&servers)
        if servers.redisPort == 0 { servers.redisPort = try Self.freePort() }
        let port = servers.redisPort, password = servers.redisPassword
        let logFile = directory.appendingPathComponent("redis.log")
        let redisDir = directory.appendingPathComponent("redis")
        try FileManager.default.createDirectory(at: redisDir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        // The password goes in a private config file, not on the command line where `ps` shows it.
        let config = directory.appendingPathComponent("redis.conf")
        try Self.writePrivately("requirepass \(password)\n", to: config)
        let process = try launch(binaries.redisServer, [
            config.path,
            "--bind", "127.0.0.1", "--daemonize", "no",
            "--dir", redisDir.path,
            // Kept data survives a restart through an RDB snapshot written at shutdown.
            "--save", keepData ? "3600 1" : "", "--appendonly", "no",
        ] + redisListenArguments(port: port), log: logFile, asServerUser: false)
        servers.redis = process
        try writePID(process.processIdentifier, name: "redis", servers)
        try waitUntilReady("Redis", process: process, log: logFile) {
            (try? self.capture(self.binaries.redisCLI,
                               self.redisCLITLSArguments + ["-h", "127.0.0.1", "-p", String(port), "ping"],
                               environment: ["REDISCLI_AUTH": password]))?
                .contains("PONG") == true
        }
        servers.redisURL = redisURL(password: password, port: port)
    }

    /// Stops Redis, keeping its port for `startRedis()`.
    public func stopRedis() {
        servers.withLock { servers in
            if let process = servers.redis { Self.terminate(process, signal: SIGTERM) }
            servers.redis = nil
            ServerWatchdog.forget(name: "redis", in: directory)
        }
    }

    // MARK: Lifecycle

    /// Puts a helper process (the demo's worker) in the watchdog's care: it is stopped with the servers if this
    /// process dies without cleaning up. `name` must be unique among the helpers.
    public func watch(pid: Int32, name: String) throws {
        try servers.withLock { try writePID(pid, name: name, $0) }
    }

    /// Forgets a helper process that has exited.
    public func unwatch(name: String) {
        ServerWatchdog.forget(name: name, in: directory)
    }

    /// Stops both servers; removes the directory unless its data is kept.
    public func stop() {
        let alreadyStopped = servers.withLock { servers in
            if servers.stopped { return true }
            servers.stopped = true
            return false
        }
        if alreadyStopped { return }
        for attached in attachedServers.withLock({ list in defer { list.removeAll() }; return list }).reversed() {
            Self.terminate(attached.process, signal: attached.signal)
            ServerWatchdog.forget(name: attached.name, in: directory)
        }
        attachedRedisCluster.withLock { cluster in defer { cluster = nil }; return cluster }?.stop()
        stopPostgres()
        stopRedis()
        watchdog.terminate()
        if !keepData { try? FileManager.default.removeItem(at: directory) }
    }

    /// A watchdog that outlives us only to clean up: when this process is gone it stops what the pid files name.
    private static func startWatchdog(directory: URL, keepData: Bool) throws -> Process {
        guard let me = ProcessIdentity(pid: getpid()) else {
            throw LocalServerError.commandFailed("reading /proc/self/stat", output: "this process is not in /proc")
        }
        return try ServerWatchdog.start(directory: directory, owner: me, removeDirectory: !keepData)
    }

    // MARK: Helpers

    private func loadOrCreateSecrets(_ servers: inout Servers) {
        if !servers.postgresPassword.isEmpty { return }
        if let saved = try? String(contentsOf: secretsFile, encoding: .utf8) {
            let parts = saved.split(separator: "\n").map(String.init)
            if parts.count >= 4 {
                servers.postgresPassword = parts[0]; servers.redisPassword = parts[1]
                servers.postgresPort = Int(parts[2]) ?? 0; servers.redisPort = Int(parts[3]) ?? 0
                if !Self.portIsFree(servers.postgresPort) { servers.postgresPort = 0 }
                if !Self.portIsFree(servers.redisPort) { servers.redisPort = 0 }
                return
            }
        }
        servers.postgresPassword = Self.randomSecret()
        servers.redisPassword = Self.randomSecret()
        saveSecrets(servers)
    }

    private func saveSecrets(_ servers: Servers) {
        let text = [servers.postgresPassword, servers.redisPassword, String(servers.postgresPort),
                    String(servers.redisPort)].joined(separator: "\n")
        _ = FileManager.default.createFile(atPath: secretsFile.path, contents: Data(text.utf8),
                                       attributes: [.posixPermissions: 0o600])
    }

    private func writePID(_ pid: Int32, name: String, _ servers: Servers) throws {
        saveSecrets(servers)  // the ports are chosen by now
        try ServerWatchdog.record(pid: pid, name: name, in: directory)
    }

    /// Writes a secret readable by its owner only (the Postgres user, once handed over).
    static func writePrivately(_ text: String, to url: URL) throws {
        try? FileManager.default.removeItem(at: url)
        guard FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw LocalServerError.commandFailed("writing \(url.lastPathComponent)", output: String(cString: strerror(errno)))
        }
    }

    private static func randomSecret() -> String {
        (0..<4).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 16) }.joined()
    }
}
