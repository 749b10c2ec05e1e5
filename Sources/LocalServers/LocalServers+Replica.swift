import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A streaming replica of the private Postgres: `pg_basebackup -R` from the running primary into
/// `postgres-replica/`, started as the same unprivileged user on its own free port (hot standby, read-only).
/// It stops with the primary (`stop()`) and is in the watchdog's care like it.
extension LocalServers {
    /// Starts the replica (once; later calls return the same URL) and returns its URL: same user, password and
    /// database as `postgresURL`, another port. The primary must be running.
    @discardableResult
    public func startReplica() throws -> String {
        if let url = replicaURL { return url }
        guard postgresURL != nil else {
            throw LocalServerError.commandFailed("starting a replica", output: "the primary Postgres is not running")
        }
        let fm = FileManager.default
        let data = directory.appendingPathComponent("postgres-replica")
        let sockets = directory.appendingPathComponent("postgres-replica-sockets")
        let primaryPort = postgresSocket.port, password = postgresPassword
        if !fm.fileExists(atPath: data.appendingPathComponent("PG_VERSION").path) {
            try fm.createDirectory(at: data, withIntermediateDirectories: true)
            _ = chmod(data.path, 0o700)
            try giveToServerUser(data)
            // -R writes standby.signal and primary_conninfo (password included, in the 0600 data directory).
            let (exe, args) = command(binaries.postgresBin.appendingPathComponent("pg_basebackup"), [
                "-D", data.path, "-R", "-X", "stream", "-c", "fast",
                "-h", "127.0.0.1", "-p", String(primaryPort), "-U", "rotation",
            ], asServerUser: true)
            try capture(exe, args, environment: ["PGPASSWORD": password])
        }
        try fm.createDirectory(at: sockets, withIntermediateDirectories: true)
        _ = chmod(sockets.path, 0o700)
        try giveToServerUser(sockets)
        let port = try Self.freePort()
        let logFile = directory.appendingPathComponent("postgres-replica.log")
        let process = try launch(binaries.postgresBin.appendingPathComponent("postgres"), [
            "-D", data.path, "-p", String(port),
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=\(sockets.path)",
            "-c", "hot_standby=on", "-c", "fsync=off", "-c", "full_page_writes=off",
            "-c", "max_connections=200",
        ], log: logFile, asServerUser: true)
        let url = "postgres://rotation:\(password)@127.0.0.1:\(port)/rotation?sslmode=disable"
        attachedServers.withLock {
            $0.append(AttachedServer(name: "postgres-replica", process: process, signal: SIGINT, url: url))
        }
        try ServerWatchdog.record(pid: process.processIdentifier, name: "postgres-replica", in: directory)
        try waitUntilReady("Postgres replica", process: process, log: logFile) {
            (try? self.capture(self.binaries.postgresBin.appendingPathComponent("pg_isready"),
                               ["-q", "-h", "127.0.0.1", "-p", String(port), "-d", "rotation", "-U", "rotation"])) != nil
        }
        return url
    }

    /// The running replica's URL, nil before `startReplica()`.
    public var replicaURL: String? { attachedURL("postgres-replica") }

    /// The URL of an attached server that is running.
    func attachedURL(_ name: String) -> String? {
        attachedServers.withLock { list in list.first { $0.name == name && $0.process.isRunning }?.url }
    }
}
