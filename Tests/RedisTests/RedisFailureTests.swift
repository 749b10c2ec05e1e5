import Foundation
import LocalServers
import Redis
import XCTest

/// Wrong passwords, dead and restarted servers, slow replies, broken connections: each must end in a clear
/// error of the right kind (never a hang), and the next call after the cause goes away must work.
final class RedisFailureTests: XCTestCase {
    func testWrongPasswordGivesAClearErrorWithoutThePassword() throws {
        var configuration = try RedisTestSupport.configuration()
        let wrong = "Definitely-Wrong-Passw0rd-\(UInt32.random(in: 1000...9999))"
        configuration.password = wrong
        XCTAssertThrowsError(try RedisConnection.connect(configuration)) { error in
            guard case RedisError.authenticationFailed(let message) = error else { return XCTFail("\(error)") }
            XCTAssertFalse(message.contains(wrong), message)
            XCTAssertFalse("\(error)".contains(wrong))
            XCTAssertFalse(String(reflecting: error).contains(wrong))
            XCTAssertTrue("\(error)".contains("refused the password"), "\(error)")
        }
        // A lazily connected connection reports the same on its first command.
        let lazy = RedisConnection(configuration: configuration)
        XCTAssertThrowsError(try lazy.ping()) { error in
            guard case RedisError.authenticationFailed = error else { return XCTFail("\(error)") }
            XCTAssertFalse("\(error)".contains(wrong))
        }
        XCTAssertFalse(lazy.isConnected)
    }

    func testMissingPasswordIsReportedByTheServer() throws {
        var configuration = try RedisTestSupport.configuration()
        try XCTSkipIf(configuration.password == nil, "this server needs no password")
        configuration.password = nil
        let redis = RedisConnection(configuration: configuration)
        XCTAssertThrowsError(try redis.ping()) { error in
            guard case RedisError.authenticationFailed(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("NOAUTH"), message)
        }
        // Also without a SELECT on connect: the first command's NOAUTH reply is reported the same way.
        configuration.database = 0
        XCTAssertThrowsError(try RedisConnection(configuration: configuration).command("GET", "x")) { error in
            guard case RedisError.authenticationFailed = error else { return XCTFail("\(error)") }
        }
    }

    func testNothingListeningIsRefusedNotAHang() throws {
        let port = try Self.unusedPort()
        let redis = RedisConnection(
            configuration: RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: port), password: "secret-pw"))
        XCTAssertThrowsError(try redis.ping()) { error in
            guard case RedisError.connectionRefused(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("127.0.0.1:\(port)"), message)
            XCTAssertTrue((error as! RedisError).isConnectionProblem)
        }
        let missingSocket = RedisConnection(
            configuration: RedisConfiguration(endpoint: .unixSocket(path: "/nonexistent/redis-\(port).sock")))
        XCTAssertThrowsError(try missingSocket.ping()) { error in
            guard case RedisError.connectionRefused = error else { return XCTFail("\(error)") }
        }
    }

    func testStoppedServerFailsWithAConnectionErrorAndARestartIsSurvived() throws {
        let server = try PrivateRedis()
        let redis = try RedisConnection.connect(
            RedisConfiguration(url: server.url, connectTimeout: .seconds(1), commandTimeout: .seconds(1)))
        try redis.set("restart:key", "before")

        server.servers.stopRedis()
        for _ in 0..<2 {
            XCTAssertThrowsError(try redis.get("restart:key")) { error in
                guard let error = error as? RedisError else { return XCTFail("\(error)") }
                switch error {
                case .connectionRefused, .connectionLost: break
                default: XCTFail("expected a refused or lost connection, got \(error)")
                }
                XCTAssertTrue(error.isConnectionProblem)
                XCTAssertFalse("\(error)".contains(server.url), "no URL (and password) in the message")
            }
        }
        XCTAssertFalse(redis.isConnected)

        try server.servers.startRedis()
        XCTAssertGreaterThan(try redis.ping(), .zero, "the next call after the restart reconnects")
        try redis.set("restart:key", "after")
        XCTAssertEqual(try redis.get("restart:key"), "after")
    }

    func testRestartBetweenCallsIsInvisible() throws {
        let server = try PrivateRedis()
        let redis = try RedisConnection.connect(RedisConfiguration(url: server.url))
        XCTAssertNoThrow(try redis.ping())
        server.servers.stopRedis()
        try server.servers.startRedis()
        // The idle connection was closed by the old server; the client notices before sending and reconnects.
        XCTAssertNoThrow(try redis.ping())
        XCTAssertNoThrow(try redis.set("k", "v"))
    }

    func testSlowReplyTimesOutAndTheNextCallReconnects() throws {
        let redis = try RedisTestSupport.connection(commandTimeout: .milliseconds(300))
        let key = RedisTestSupport.uniquePrefix() + "empty-list"
        // BLPOP waits 5 s for an element that never comes: longer than the command timeout.
        XCTAssertThrowsError(try redis.command("BLPOP", key, 5)) { error in
            guard case RedisError.timeout(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("BLPOP") && message.contains("300 ms"), message)
            XCTAssertTrue((error as! RedisError).isConnectionProblem)
        }
        XCTAssertFalse(redis.isConnected, "a timed-out connection is dropped, its late reply must not be read")
        XCTAssertEqual(try redis.command("PING"), .status("PONG"))
        XCTAssertEqual(try redis.command("LPUSH", key, "x").int, 1, "commands line up with replies again")
        XCTAssertEqual(try redis.command("LPOP", key).string, "x")
    }

    func testFrozenServerTimesOutInsteadOfHanging() throws {
        let server = try PrivateRedis()
        let pidText = try String(
            contentsOf: server.servers.directory.appendingPathComponent("redis.pid"), encoding: .utf8)
        let pid = try XCTUnwrap(pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        let configuration = try RedisConfiguration(
            url: server.url, connectTimeout: .milliseconds(500), commandTimeout: .milliseconds(500))
        let redis = try RedisConnection.connect(configuration)

        // A stopped process still completes TCP handshakes (the kernel does) but never answers.
        XCTAssertEqual(kill(pid, SIGSTOP), 0)
        var resumed = false
        defer { if !resumed { kill(pid, SIGCONT) } }
        XCTAssertThrowsError(try redis.ping()) { error in
            guard case RedisError.timeout = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try RedisConnection.connect(configuration)) { error in
            guard case RedisError.timeout(let message) = error else { return XCTFail("\(error)") }
            XCTAssertFalse(message.contains(configuration.password ?? "\u{0}"), message)
        }
        kill(pid, SIGCONT)
        resumed = true
        XCTAssertNoThrow(try redis.ping(), "the next call after the server recovers reconnects")
    }

    func testKilledConnectionReconnectsWithTheSameDatabase() throws {
        let redis = try RedisTestSupport.connection()
        let admin = try RedisTestSupport.connection()
        let id = try XCTUnwrap(redis.command("CLIENT", "ID").int)
        XCTAssertEqual(try admin.command("CLIENT", "KILL", "ID", id).int, 1)
        let info = try XCTUnwrap(redis.command("CLIENT", "INFO").string)
        XCTAssertTrue(info.contains(" db=\(RedisTestSupport.database) "), info)
        XCTAssertNotEqual(try redis.command("CLIENT", "ID").int, id, "a new connection")
    }

    func testUnixSocketWithDatabaseAndPassword() throws {
        let binaries = try ServerBinaries.locate()
        let socket = "/tmp/rotation-redis-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        let password = "unix-socket-pw-\(UInt32.random(in: 1000...9999))"
        let process = Process()
        process.executableURL = binaries.redisServer
        process.arguments = [
            "--port", "0", "--unixsocket", socket, "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
            "--requirepass", password, "--daemonize", "no", "--logfile", "",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
            unlink(socket)
        }
        let url = "unix://\(socket)?db=2&password=\(password)"
        var redis: RedisConnection?
        for _ in 0..<100 where redis == nil {
            redis = try? RedisConnection.connect(RedisConfiguration(url: url))
            if redis == nil { usleep(50_000) }
        }
        let connection = try XCTUnwrap(redis, "redis-server on \(socket) did not come up")
        try connection.set("unix:key", Data([0, 1, 2]))
        XCTAssertEqual(try connection.getBytes("unix:key"), [0, 1, 2])
        let info = try XCTUnwrap(connection.command("CLIENT", "INFO").string)
        XCTAssertTrue(info.contains(" db=2 "), info)
        XCTAssertEqual(try connection.info(section: "keyspace").databases[2]?.keys, 1)
    }

    /// A loopback port nothing listens on: bound, read, closed.
    private static func unusedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RedisError.connectionRefused("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw RedisError.connectionRefused("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
