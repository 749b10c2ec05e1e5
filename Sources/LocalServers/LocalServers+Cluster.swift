import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension LocalServers {
    /// Starts a private Redis Cluster (see `LocalRedisCluster`): three masters with a replica each by default;
    /// TLS-only (`tls-cluster yes`, `tls-replication yes`, a throwaway CA of its own) when `tls` is given.
    public static func startRedisCluster(
        masters: Int = 3, replicasPerMaster: Int = 1, tls: TLSShape? = nil
    ) throws -> LocalRedisCluster {
        try LocalRedisCluster.start(masters: masters, replicasPerMaster: replicasPerMaster, tls: tls.map { .generate($0) })
    }
}

/// A private Redis Cluster for the tests and the demo: `masters × (1 + replicasPerMaster)` `redis-server`
/// processes with `cluster-enabled yes` on free loopback ports (each at most 55535, since the cluster bus listens
/// on port + 10000), joined with `redis-cli --cluster create`, in a private temporary directory. Every node needs
/// the same random password (`requirepass`, and `masterauth` so replicas can follow their master), written to
/// private config files, never to a command line. A `ServerWatchdog` stops the nodes and removes the directory if
/// this process dies without calling `stop()`. A short `cluster-node-timeout` makes failover drills quick.
///
/// The TLS shape speaks TLS only, to clients, on the cluster bus and between a replica and its master (`port 0`,
/// `tls-port`, `tls-cluster yes`, `tls-replication yes`); a node dialling another presents the client certificate,
/// and clients may (`tls-auth-clients optional`). Its URLs are `rediss://…?tls_ca=`.
public final class LocalRedisCluster: @unchecked Sendable {
    public let directory: URL
    /// The password of every node.
    public let password: String
    /// The nodes' ports, in creation order (`redis-cli --cluster create` makes the first ones masters).
    public let ports: [Int]
    /// How long a node may be unreachable before the cluster fails it over (milliseconds).
    public static let nodeTimeoutMilliseconds = 2000
    /// The CA and certificates of the TLS shape; nil for a plain cluster.
    public let tlsFiles: LocalServers.TLSFiles?

    /// Where the TLS shape's files come from: made for this cluster, or those of servers it is attached to.
    enum TLSSource {
        case generate(LocalServers.TLSShape)
        case files(LocalServers.TLSFiles)
    }

    private let binaries: ServerBinaries
    private let watchdog: Process
    private let lock = NSLock()
    private var processes: [Int: Process] = [:]
    private var stopped = false

    /// `redis://:password@127.0.0.1:PORT/0` for the first node; a cluster client finds the others from it.
    public var url: String { url(port: ports[0]) }
    /// Every node's URL, comma-separated (the form `REDIS_URL` takes for several seeds).
    public var seedURLs: String { ports.map { url(port: $0) }.joined(separator: ",") }

    public func url(port: Int) -> String {
        guard let tlsFiles else { return "redis://:\(password)@127.0.0.1:\(port)/0" }
        var url = "rediss://:\(password)@127.0.0.1:\(port)/0?tls_ca=\(tlsFiles.caCertificate)"
        if tlsFiles.shape.requireClientCertificate {
            url += "&tls_cert=\(tlsFiles.clientCertificate)&tls_key=\(tlsFiles.clientKey)"
        }
        return url
    }

    /// Tries again on fresh ports when a node cannot start: a port found free can be taken before the node binds
    /// it (or its bus port, port + 10000).
    static func start(masters: Int, replicasPerMaster: Int, tls: TLSSource? = nil) throws -> LocalRedisCluster {
        var attempt = 1
        while true {
            let cluster = try LocalRedisCluster(nodes: masters * (1 + replicasPerMaster), tls: tls)
            do {
                try cluster.startNodes()
                try cluster.create(replicasPerMaster: replicasPerMaster)
                try cluster.waitUntilHealthy(expectedMasters: masters, replicasPerMaster: replicasPerMaster)
                return cluster
            } catch {
                let nodeDied = cluster.lock.withLock { cluster.processes.values.contains { !$0.isRunning } }
                cluster.stop()
                guard nodeDied, attempt < 3 else { throw error }
                attempt += 1
            }
        }
    }

    private init(nodes: Int, tls: TLSSource?) throws {
        binaries = try ServerBinaries.locate()
        directory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("rotation-cluster-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        password = (0..<4).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 16) }.joined()
        var chosen: [Int] = []
        while chosen.count < nodes { 
            let port = Int.random(in: 20000...55535)
            if !chosen.contains(port), LocalServers.portIsFree(port), LocalServers.portIsFree(port + 10000) {
                chosen.append(port)
            }
        }
        ports = chosen
        switch tls {
        case nil: tlsFiles = nil
        case .files(let files): tlsFiles = files
        case .generate(let shape): tlsFiles = try LocalServers.TLSFiles.generate(in: directory, shape: shape)
        }
        guard let me = ProcessIdentity(pid: getpid()) else {
            throw LocalServerError.commandFailed("reading /proc/self/stat", output: "this process is not in /proc")
        }
        watchdog = try ServerWatchdog.start(directory: directory, owner: me, removeDirectory: true)
    }

    deinit { stop() }

    // MARK: Nodes

    private func nodeDirectory(_ port: Int) -> URL { directory.appendingPathComponent("node-\(port)") }

    private func startNodes() throws {
        for port in ports { try startNode(port: port) }
        for port in ports {
            try waitUntil("Redis Cluster node \(port)", port: port) {
                // A node that exited (its port taken) will not answer: stop waiting for it.
                self.answersPing(port: port) || self.lock.withLock { self.processes[port]?.isRunning != true }
            }
            guard lock.withLock({ processes[port]?.isRunning == true }) else {
                throw LocalServerError.notReady("Redis Cluster node \(port)", log: "the node exited (port taken?)")
            }
        }
    }

    /// Starts (or restarts, with its saved cluster state) the node on `port`.
    public func startNode(port: Int) throws {
        let nodeDirectory = nodeDirectory(port)
        try FileManager.default.createDirectory(at: nodeDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let config = nodeDirectory.appendingPathComponent("redis.conf")
        let text = listenLines(port: port) + """
            bind 127.0.0.1
            daemonize no
            dir \(nodeDirectory.path)
            cluster-enabled yes
            cluster-config-file nodes.conf
            cluster-node-timeout \(Self.nodeTimeoutMilliseconds)
            save ""
            appendonly no
            requirepass \(password)
            masterauth \(password)

            """
        guard FileManager.default.createFile(atPath: config.path, contents: Data(text.utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw LocalServerError.commandFailed("writing \(config.path)", output: String(cString: strerror(errno)))
        }
        let log = nodeDirectory.appendingPathComponent("redis.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil, attributes: [.posixPermissions: 0o600])
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = binaries.redisServer
        process.arguments = [config.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        process.currentDirectoryURL = nodeDirectory
        try process.run()
        lock.withLock { processes[port] = process }
        try ServerWatchdog.record(pid: process.processIdentifier, name: "cluster-node-\(port)", in: directory)
    }

    /// Kills the node on `port` with SIGKILL, as a crash would (its replica takes over after the node timeout).
    public func killNode(port: Int) {
        guard let process = lock.withLock({ processes.removeValue(forKey: port) }) else { return }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        ServerWatchdog.forget(name: "cluster-node-\(port)", in: directory)
    }

    /// The port of the master serving `slot` now, as the first reachable node reports it.
    public func masterPort(ofSlot slot: Int) throws -> Int {
        for port in runningPorts {
            guard let text = try? redisCLI(port: port, ["CLUSTER", "SLOTS"]) else { continue }
            // redis-cli prints the reply flat: start, end, master host, master port, id, [replica...], next range.
            let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            var index = 0
            while index + 3 < lines.count {
                if let start = Int(lines[index]), let end = Int(lines[index + 1]), lines[index + 2] == "127.0.0.1",
                    let master = Int(lines[index + 3]), ports.contains(master)
                {
                    if (start...end).contains(slot) { return master }
                    index += 4
                } else {
                    index += 1
                }
            }
        }
        throw LocalServerError.commandFailed("CLUSTER SLOTS", output: "no running node named the master of slot \(slot)")
    }

    /// Kills the master serving `slot` and waits until its replica has taken the slot over and the cluster is
    /// whole again. Returns the killed port and the new master's.
    @discardableResult
    public func failOverMaster(ofSlot slot: Int, timeout: TimeInterval = 60) throws -> (killed: Int, newMaster: Int) {
        let old = try masterPort(ofSlot: slot)
        killNode(port: old)
        var newMaster = old
        try waitUntil("failover of slot \(slot)", port: nil, timeout: timeout) {
            guard let now = try? self.masterPort(ofSlot: slot), now != old else { return false }
            newMaster = now
            return self.runningPorts.allSatisfy {
                (try? self.redisCLI(port: $0, ["CLUSTER", "INFO"]))?.contains("cluster_state:ok") == true
            }
        }
        return (old, newMaster)
    }

    /// Ports of the nodes this instance runs.
    public var runningPorts: [Int] { lock.withLock { ports.filter { processes[$0]?.isRunning == true } } }

    // MARK: Joining

    private func create(replicasPerMaster: Int) throws {
        _ = try run(binaries.redisCLI, redisCLITLSArguments + ["--cluster", "create"] + ports.map { "127.0.0.1:\($0)" }
                    + ["--cluster-replicas", String(replicasPerMaster), "--cluster-yes"])
    }

    private func waitUntilHealthy(expectedMasters: Int, replicasPerMaster: Int) throws {
        try waitUntil("Redis Cluster", port: nil) {
            self.ports.allSatisfy { port in
                guard let info = try? self.redisCLI(port: port, ["CLUSTER", "INFO"]) else { return false }
                return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:\(self.ports.count)")
            }
                && self.ports.allSatisfy { port in
                    // A master is ready when its replicas are attached; a replica when its link is up.
                    guard let info = try? self.redisCLI(port: port, ["INFO", "replication"]) else { return false }
                    if info.contains("role:master") { return info.contains("connected_slaves:\(replicasPerMaster)") }
                    return info.contains("master_link_status:up")
                }
        }
    }

    // MARK: Lifecycle

    /// Stops every node and removes the directory.
    public func stop() {
        let running: [Process] = lock.withLock {
            if stopped { return [] }
            stopped = true
            defer { processes = [:] }
            return Array(processes.values)
        }
        for process in running where process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(15)
        for process in running {
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        }
        if watchdog.isRunning { watchdog.terminate() }
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Helpers

    /// How a node listens: `port`, or for the TLS shape `tls-port` with TLS on the bus and replication too.
    private func listenLines(port: Int) -> String {
        guard let tlsFiles else { return "port \(port)\n" }
        return """
            port 0
            tls-port \(port)
            tls-cert-file \(tlsFiles.serverCertificate)
            tls-key-file \(tlsFiles.serverKey)
            tls-client-cert-file \(tlsFiles.clientCertificate)
            tls-client-key-file \(tlsFiles.clientKey)
            tls-ca-cert-file \(tlsFiles.caCertificate)
            tls-auth-clients \(tlsFiles.shape.requireClientCertificate ? "yes" : "optional")
            tls-cluster yes
            tls-replication yes

            """
    }

    /// `redis-cli` arguments to reach a node.
    private var redisCLITLSArguments: [String] {
        guard let tlsFiles else { return [] }
        return ["--tls", "--cacert", tlsFiles.caCertificate, "--cert", tlsFiles.clientCertificate,
                "--key", tlsFiles.clientKey]
    }

    private func answersPing(port: Int) -> Bool {
        (try? redisCLI(port: port, ["PING"]))?.contains("PONG") == true
    }

    /// Runs `redis-cli` against one node; the password goes through the environment, never the arguments.
    public func redisCLI(port: Int, _ arguments: [String]) throws -> String {
        try run(binaries.redisCLI, redisCLITLSArguments + ["-h", "127.0.0.1", "-p", String(port)] + arguments)
    }

    private func run(_ executable: URL, _ arguments: [String]) throws -> String {
        let (status, output) = try runToCompletion(executable, arguments, environment: ["REDISCLI_AUTH": password])
        guard status == 0, !output.hasPrefix("ERR"), !output.contains("[ERR]") else {
            throw LocalServerError.commandFailed("redis-cli \(arguments.prefix(6).joined(separator: " "))", output: output)
        }
        return output
    }

    private func waitUntil(_ what: String, port: Int?, timeout: TimeInterval = 60, _ probe: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if probe() { return }
            usleep(100_000)
        }
        let logs = (port.map { [$0] } ?? ports).map { port -> String in
            let text = (try? String(contentsOf: nodeDirectory(port).appendingPathComponent("redis.log"),
                                    encoding: .utf8)) ?? ""
            return "node \(port):\n" + text.split(separator: "\n").suffix(5).joined(separator: "\n")
        }
        throw LocalServerError.notReady(what, log: logs.joined(separator: "\n"))
    }
}
