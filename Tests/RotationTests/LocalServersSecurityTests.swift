import Foundation
@testable import LocalServers
import Postgres
import Redis
import XCTest

/// Issue 9, local servers: nobody else on the machine gets into the private servers, and their watchdog never
/// runs a path as shell nor signals a process it did not start.
final class LocalServersSecurityTests: XCTestCase {
    private func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try XCTUnwrap(attributes[.posixPermissions] as? Int) & 0o777
    }

    func testTheSocketDirectoryIsPrivateAndTheSocketNeedsThePassword() throws {
        let servers = try LocalServers.start(postgres: true, redis: false)
        defer { servers.stop() }
        let (directory, port) = servers.postgresSocket
        XCTAssertEqual(try mode(of: directory), 0o700)
        XCTAssertEqual(try mode(of: servers.directory.path) & 0o066, 0, "nobody else may list or write the directory")
        for file in ["secrets", "postgres.log"] {
            XCTAssertEqual(try mode(of: servers.directory.appendingPathComponent(file).path) & 0o077, 0, file)
        }

        let withoutPassword = "host=\(directory) port=\(port) user=rotation dbname=rotation"
        XCTAssertThrowsError(try PostgresConnection(PostgresConfiguration(withoutPassword))) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .connectionFailed, "\(error)")
            XCTAssertTrue("\(error)".contains("password"), "\(error)")
        }
        XCTAssertThrowsError(try PostgresConnection(PostgresConfiguration(withoutPassword + " password=wrong")))
        let db = try PostgresConnection(PostgresConfiguration(withoutPassword + " password=\(servers.postgresPassword)"))
        XCTAssertEqual(try db.query("SELECT current_user::text").scalar(String.self), "rotation")
        db.close()
    }

    func testRedisNeedsItsPassword() throws {
        let servers = try LocalServers.start(postgres: false, redis: true)
        defer { servers.stop() }
        var configuration = try RedisConfiguration(url: try XCTUnwrap(servers.redisURL))
        XCTAssertNotNil(configuration.password)
        configuration.password = nil
        let intruder = try? RedisConnection(configuration: configuration).command("SET", "intruder", "1")
        XCTAssertNotEqual(intruder, .status("OK"))
        let owner = try RedisConnection(url: try XCTUnwrap(servers.redisURL))
        XCTAssertEqual(try owner.command("GET", "intruder"), .null, "the write without the password was refused")
    }

    /// A TMPDIR holding a quote and `$(...)`: the servers start, answer and stop in it, and nothing is executed.
    func testServersWorkInATemporaryDirectoryWithShellInItsName() throws {
        // Short: the socket's path (TMPDIR/rotation-servers-PID-N/postgres-sockets/.s.PGSQL.PORT) has 107 bytes.
        let marker = "inj\(UInt32.random(in: 0...99_999))"
        let hostile = URL(fileURLWithPath: "/tmp/r'$(touch \(marker))")
        try FileManager.default.createDirectory(at: hostile, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: hostile) }
        let previous = ProcessInfo.processInfo.environment["TMPDIR"]
        setenv("TMPDIR", hostile.path, 1)
        defer { if let previous { setenv("TMPDIR", previous, 1) } else { unsetenv("TMPDIR") } }

        let servers = try LocalServers.start()
        XCTAssertTrue(servers.directory.path.hasPrefix(hostile.path), servers.directory.path)
        let db = try PostgresConnection(url: try XCTUnwrap(servers.postgresURL))
        XCTAssertEqual(try db.query("SELECT 1").scalar(Int.self), 1)
        db.close()
        XCTAssertEqual(try RedisConnection(url: try XCTUnwrap(servers.redisURL)).command("PING"), .status("PONG"))
        servers.stop()

        XCTAssertFalse(FileManager.default.fileExists(atPath: servers.directory.path), "the private directory is removed")
        let cwd = FileManager.default.currentDirectoryPath
        for place in [cwd, "/tmp", hostile.path, servers.directory.path] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: "\(place)/\(marker)"), "shell ran in \(place)")
        }
    }

    /// The watchdog over a directory whose name is shell: when its owner dies it stops the process it recorded,
    /// spares a live stranger named by a stale pid file, removes the directory and runs nothing from its name.
    func testWatchdogSignalsOnlyWhatItRecordedAndNeverRunsItsPath() throws {
        let marker = "injected\(UInt32.random(in: 0...UInt32.max))"
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("rotation-watchdog-\(getpid())")
        let directory = base.appendingPathComponent("servers x'q $(touch \(marker)) `touch \(marker)`; touch \(marker)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }

        let owner = try sleeper(), server = try sleeper(), stranger = try sleeper()
        defer { [owner, server, stranger].forEach { if $0.isRunning { kill($0.processIdentifier, SIGKILL) } } }
        try ServerWatchdog.record(pid: server.processIdentifier, name: "server", in: directory)
        // A pid file left by an earlier run: its pid is now someone else's (another start time).
        try "\(stranger.processIdentifier)\n".write(to: directory.appendingPathComponent("stale.pid"),
                                                   atomically: true, encoding: .utf8)
        try "1\n".write(to: directory.appendingPathComponent("stale.start"), atomically: true, encoding: .utf8)
        // And one with no start time at all, as an older version wrote them.
        try "\(stranger.processIdentifier)\n".write(to: directory.appendingPathComponent("older.pid"),
                                                   atomically: true, encoding: .utf8)
        let ownerIdentity = try XCTUnwrap(ProcessIdentity(pid: owner.processIdentifier))
        let watchdog = try ServerWatchdog.start(directory: directory, owner: ownerIdentity, removeDirectory: true)

        kill(owner.processIdentifier, SIGKILL)
        owner.waitUntilExit()
        watchdog.waitUntilExit()
        server.waitUntilExit()

        XCTAssertEqual(watchdog.terminationStatus, 0)
        XCTAssertEqual(server.terminationReason, .uncaughtSignal, "the recorded server is stopped")
        XCTAssertTrue(stranger.isRunning, "a stale pid file must not get an unrelated process killed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path), "the directory is removed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: base.path), "and nothing but the directory")
        for place in [FileManager.default.currentDirectoryPath, base.path, "/tmp"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: "\(place)/\(marker)"), "shell ran in \(place)")
        }
    }

    func testAProcessIdentityIsReadPastACommandNameWithSpacesAndParentheses() {
        let stat = "4242 (we) (ird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10"
        XCTAssertEqual(ProcessIdentity.startTime(fromStat: stat), "987654")
        XCTAssertNil(ProcessIdentity(pid: -1))
    }

    private func sleeper() throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["600"]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }
}
