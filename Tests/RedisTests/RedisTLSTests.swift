import Foundation
import LocalServers
import Redis
import XCTest

/// `rediss://` against a private TLS-only Redis (LocalServers+TLS.swift): hiredis formats and parses, OpenSSL
/// carries the bytes and verifies the certificate chain and the name.
final class RedisTLSTests: XCTestCase {
    nonisolated(unsafe) private static var servers: LocalServers?
    nonisolated(unsafe) private static var startError: Error?

    override class func setUp() {
        super.setUp()
        do {
            servers = try LocalServers.start(postgres: false, redis: true, tls: LocalServers.TLSShape())
        } catch {
            startError = error
        }
    }

    override class func tearDown() {
        servers?.stop()
        servers = nil
        super.tearDown()
    }

    private var servers: LocalServers {
        get throws {
            if let error = Self.startError { throw error }
            return try XCTUnwrap(Self.servers)
        }
    }

    private var files: LocalServers.TLSFiles { get throws { try XCTUnwrap(try servers.tlsFiles) } }

    /// The server's URL with `host` and `query` swapped in (the password kept).
    private func url(host: String = "127.0.0.1", user: String = "", password: String? = nil, query: String) throws -> String {
        let given = try XCTUnwrap(try servers.redisURL)
        let components = try XCTUnwrap(URLComponents(string: given))
        let secret = password ?? components.password ?? ""
        return "rediss://\(user):\(secret)@\(host):\(components.port ?? 0)/0\(query.isEmpty ? "" : "?" + query)"
    }

    private var serverPassword: String { get throws { try XCTUnwrap(URLComponents(string: try XCTUnwrap(try servers.redisURL))?.password) } }

    func testCommandsAndPipelinesRunOverVerifiedTLS() throws {
        let redis = try RedisConnection.connect(RedisConfiguration(url: try XCTUnwrap(try servers.redisURL)))
        defer { redis.close() }
        let tls = try XCTUnwrap(redis.tlsInfo)
        XCTAssertTrue(tls.version.hasPrefix("TLSv1."), tls.version)
        XCTAssertEqual(tls.verifiedPeer, "127.0.0.1")
        XCTAssertTrue(redis.configuration.redacted.hasPrefix("rediss://"), redis.configuration.redacted)

        let prefix = "tls-tests:\(UUID().uuidString):"
        try redis.command("SET", prefix + "a", "one")
        XCTAssertEqual(try redis.command("GET", prefix + "a"), .bulk(Array("one".utf8)))
        // A value larger than one TLS record and one read buffer.
        let large = String(repeating: "x", count: 300_000)
        try redis.command("SET", prefix + "large", large)
        XCTAssertEqual(try redis.command("STRLEN", prefix + "large"), .integer(300_000))
        XCTAssertEqual(try redis.command("GET", prefix + "large"), .bulk(Array(large.utf8)))

        let commands: [[any RedisArgument]] = (0..<200).map { ["SET", prefix + "p\($0)", $0] }
        let replies = try redis.pipeline(commands + [["INCR", prefix + "a"], ["GET", prefix + "p199"]])
        XCTAssertEqual(replies.count, 202)
        XCTAssertTrue(replies.prefix(200).allSatisfy { $0 == .status("OK") })
        if case .error = replies[200] {} else { XCTFail("INCR on a string must be an error in place: \(replies[200])") }
        XCTAssertEqual(replies[201], .bulk(Array("199".utf8)))

        // One connection for all of it: TLS 1.3 session tickets arriving after the handshake are not mistaken for
        // a closed connection.
        let id = try redis.command("CLIENT", "ID")
        XCTAssertEqual(try redis.command("CLIENT", "ID"), id)
        _ = try redis.command(["UNLINK", prefix + "a", prefix + "large"] + (0..<200).map { prefix + "p\($0)" as any RedisArgument })
    }

    /// A signal that arrives while a command waits for its reply (Ctrl-C during `rotation clear`, which stops after
    /// the batch in hand) interrupts the socket read: the read is tried again, it is not a timeout.
    func testASignalDuringACommandIsNotATimeout() throws {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART; a socket with a timeout is never restarted anyway (signal(7))
        var previous = sigaction()
        XCTAssertEqual(sigaction(SIGUSR2, &action, &previous), 0)
        defer { sigaction(SIGUSR2, &previous, nil) }

        let redis = try RedisConnection.connect(RedisConfiguration(url: try XCTUnwrap(try servers.redisURL)))
        defer { redis.close() }
        let started = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var waiter = pthread_self()
        nonisolated(unsafe) var outcome: Result<RedisReply, any Error>?
        let thread = Thread {
            waiter = pthread_self()
            started.signal()
            // The server holds the reply for a second, within the two-second command timeout.
            outcome = Result { try redis.command("BLPOP", "tls-tests:\(UUID().uuidString):empty", 1) }
            done.signal()
        }
        thread.start()
        started.wait()
        usleep(300_000)
        XCTAssertEqual(pthread_kill(waiter, SIGUSR2), 0)
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        switch outcome {
        case .success(let reply)?: XCTAssertEqual(reply, .null, "BLPOP's timeout: a nil reply")
        case .failure(let error)?: XCTFail("the interrupted read failed: \(error)")
        case nil: XCTFail("no outcome")
        }
    }

    func testTheHostNameIsVerifiedAndTheCAMayComeFromTheEnvironment() throws {
        let configuration = try RedisConfiguration(
            url: try url(host: "localhost", query: ""), environment: ["REDIS_TLS_CA": try files.caCertificate])
        XCTAssertEqual(configuration.tls?.caFile, try files.caCertificate)
        let redis = try RedisConnection.connect(configuration)
        defer { redis.close() }
        XCTAssertEqual(redis.tlsInfo?.verifiedPeer, "localhost")
        XCTAssertEqual(try redis.command("PING"), .status("PONG"))
    }

    func testAServerSignedByAnotherCAIsRefusedAsNotTrusted() throws {
        let configuration = try RedisConfiguration(url: try url(query: "tls_ca=\(try files.otherCACertificate)"))
        XCTAssertThrowsError(try RedisConnection.connect(configuration)) { error in
            XCTAssertTrue("\(error)".contains("certificate not trusted"), "\(error)")
            XCTAssertFalse("\(error)".contains((try? self.serverPassword) ?? "?"), "\(error)")
        }
        // No CA file: the system's store does not know the throwaway CA either.
        let systemStore = try RedisConfiguration(url: try url(query: ""), environment: [:])
        XCTAssertThrowsError(try RedisConnection.connect(systemStore)) { error in
            XCTAssertTrue("\(error)".contains("certificate not trusted"), "\(error)")
        }
    }

    func testANameTheCertificateDoesNotCarryIsRefused() throws {
        let configuration = try RedisConfiguration(
            url: try url(query: "tls_ca=\(try files.caCertificate)&tls_servername=cache.example.com"))
        XCTAssertThrowsError(try RedisConnection.connect(configuration)) { error in
            XCTAssertTrue("\(error)".contains("name mismatch"), "\(error)")
            XCTAssertTrue("\(error)".contains("cache.example.com"), "\(error)")
        }
    }

    func testAnACLUserLogsInOverTLSAndAWrongPasswordIsRefusedWithoutEchoingIt() throws {
        let admin = try RedisConnection.connect(RedisConfiguration(url: try XCTUnwrap(try servers.redisURL)))
        defer { admin.close() }
        let user = "curator-\(UInt32.random(in: 0...UInt32.max))"
        try admin.command("ACL", "SETUSER", user, "on", ">curator-secret-1", "~*", "+@all")
        defer { _ = try? admin.command("ACL", "DELUSER", user) }

        let ca = "tls_ca=\(try files.caCertificate)"
        let redis = try RedisConnection.connect(RedisConfiguration(url: try url(user: user, password: "curator-secret-1", query: ca)))
        defer { redis.close() }
        XCTAssertEqual(try redis.command("ACL", "WHOAMI"), .bulk(Array(user.utf8)))

        let wrong = try RedisConfiguration(url: try url(user: user, password: "not-the-secret", query: ca))
        XCTAssertThrowsError(try RedisConnection.connect(wrong)) { error in
            guard case RedisError.authenticationFailed = error else { return XCTFail("\(error)") }
            XCTAssertFalse("\(error)".contains("not-the-secret"), "\(error)")
            XCTAssertTrue("\(error)".contains(user), "\(error)")
        }
    }

    func testAServerThatRequiresAClientCertificateRefusesNoneAndAcceptsOurs() throws {
        let strict = try LocalServers.start(
            postgres: false, redis: true, tls: LocalServers.TLSShape(requireClientCertificate: true))
        defer { strict.stop() }
        let files = try XCTUnwrap(strict.tlsFiles)
        let given = try XCTUnwrap(strict.redisURL)
        XCTAssertTrue(given.contains("tls_cert="), "the handed-out URL carries the client certificate")

        let withCertificate = try RedisConnection.connect(RedisConfiguration(url: given))
        defer { withCertificate.close() }
        XCTAssertEqual(try withCertificate.command("PING"), .status("PONG"))

        // The same URL without the certificate: the server ends the handshake (TLS 1.3 may report it on the first
        // read, which is AUTH here).
        let components = try XCTUnwrap(URLComponents(string: given))
        let bare = "rediss://:\(components.password ?? "")@127.0.0.1:\(components.port ?? 0)/0?tls_ca=\(files.caCertificate)"
        XCTAssertThrowsError(try RedisConnection.connect(RedisConfiguration(url: bare))) { error in
            XCTAssertTrue((error as? RedisError)?.isConnectionProblem ?? false, "\(error)")
            XCTAssertFalse("\(error)".contains(components.password ?? "?"), "\(error)")
        }

        // Certificate and key from the environment, as REDIS_TLS_CERT / REDIS_TLS_KEY.
        let fromEnvironment = try RedisConfiguration(url: bare, environment: [
            "REDIS_TLS_CERT": files.clientCertificate, "REDIS_TLS_KEY": files.clientKey,
        ])
        let redis = try RedisConnection.connect(fromEnvironment)
        defer { redis.close() }
        XCTAssertEqual(try redis.command("PING"), .status("PONG"))
    }

    func testAPlainClientCannotTalkToTheTLSPortAndAMissingCAFileIsNamed() throws {
        let components = try XCTUnwrap(URLComponents(string: try XCTUnwrap(try servers.redisURL)))
        let plain = try RedisConfiguration(
            url: "redis://:\(components.password ?? "")@127.0.0.1:\(components.port ?? 0)/0", commandTimeout: .seconds(2))
        XCTAssertThrowsError(try RedisConnection.connect(plain))

        let missing = try RedisConfiguration(url: try url(query: "tls_ca=/nonexistent/ca.pem"))
        XCTAssertThrowsError(try RedisConnection.connect(missing)) { error in
            guard case RedisError.invalidConfiguration = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("/nonexistent/ca.pem"), "\(error)")
        }
    }
}

/// Failures over TLS behave as over plain TCP: a frozen server times out, a restarted one is reconnected to.
final class RedisTLSFailureTests: XCTestCase {
    func testATimeoutAndARestartAreSurvivedOverTLS() throws {
        let servers = try LocalServers.start(postgres: false, redis: true, tls: LocalServers.TLSShape())
        defer { servers.stop() }
        let redis = try RedisConnection.connect(
            RedisConfiguration(url: try XCTUnwrap(servers.redisURL), commandTimeout: .milliseconds(300)))
        defer { redis.close() }
        XCTAssertEqual(try redis.command("PING"), .status("PONG"))

        try servers.pauseRedis()
        XCTAssertThrowsError(try redis.command("PING")) { error in
            guard case RedisError.timeout(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("no reply within 300 ms"), message)
        }
        try servers.resumeRedis()
        XCTAssertEqual(try redis.command("PING"), .status("PONG"))

        servers.stopRedis()
        XCTAssertThrowsError(try redis.command("PING")) { error in
            XCTAssertTrue((error as? RedisError)?.isConnectionProblem ?? false, "\(error)")
        }
        try servers.startRedis()
        XCTAssertEqual(try redis.command("PING"), .status("PONG"))
        XCTAssertNotNil(redis.tlsInfo)
    }
}
