import Redis
import XCTest

final class RedisConfigurationTests: XCTestCase {
    func testURLWithPasswordPortAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://:s3cret@cache.internal:6380/4")
        XCTAssertEqual(configuration.endpoint, .tcp(host: "cache.internal", port: 6380))
        XCTAssertNil(configuration.username)
        XCTAssertEqual(configuration.password, "s3cret")
        XCTAssertEqual(configuration.database, 4)
        XCTAssertEqual(configuration.connectTimeout, RedisConfiguration.defaultTimeout)
        XCTAssertEqual(configuration.commandTimeout, RedisConfiguration.defaultTimeout)
    }

    func testURLWithoutPasswordUsesDefaults() throws {
        let configuration = try RedisConfiguration(url: "redis://localhost")
        XCTAssertEqual(configuration.endpoint, .tcp(host: "localhost", port: 6379))
        XCTAssertNil(configuration.password)
        XCTAssertNil(configuration.username)
        XCTAssertEqual(configuration.database, 0)
        XCTAssertEqual(
            try RedisConfiguration(url: "redis://127.0.0.1:7000/").endpoint, .tcp(host: "127.0.0.1", port: 7000))
    }

    func testURLWithACLUserAndPercentEncodedPassword() throws {
        let configuration = try RedisConfiguration(url: "redis://rotation:p%40ss%3Aword@10.0.0.5:6379/1")
        XCTAssertEqual(configuration.username, "rotation")
        XCTAssertEqual(configuration.password, "p@ss:word")
        XCTAssertEqual(configuration.database, 1)
    }

    func testIPv6Host() throws {
        let configuration = try RedisConfiguration(url: "redis://[::1]:6390/2")
        XCTAssertEqual(configuration.endpoint, .tcp(host: "::1", port: 6390))
        XCTAssertEqual(configuration.redacted, "redis://[::1]:6390/2")
    }

    func testUnixSocketURLs() throws {
        let unix = try RedisConfiguration(url: "unix:///run/redis/redis.sock?db=3&password=hunter22")
        XCTAssertEqual(unix.endpoint, .unixSocket(path: "/run/redis/redis.sock"))
        XCTAssertEqual(unix.database, 3)
        XCTAssertEqual(unix.password, "hunter22")

        let plus = try RedisConfiguration(url: "redis+unix:///tmp/r.sock")
        XCTAssertEqual(plus.endpoint, .unixSocket(path: "/tmp/r.sock"))
        XCTAssertEqual(plus.database, 0)
        XCTAssertNil(plus.password)

        let withUserInfo = try RedisConfiguration(url: "redis+unix://:pw123@/tmp/r.sock?db=1")
        XCTAssertEqual(withUserInfo.password, "pw123")
        XCTAssertEqual(withUserInfo.endpoint, .unixSocket(path: "/tmp/r.sock"))
        XCTAssertEqual(withUserInfo.database, 1)
    }

    func testRedactedNeverShowsThePassword() throws {
        let secret = "Very$ecretPassw0rd"
        let tcp = try RedisConfiguration(url: "redis://admin:\(secret)@db.example:6379/2")
        XCTAssertEqual(tcp.redacted, "redis://admin:***@db.example:6379/2")
        let unix = try RedisConfiguration(url: "unix:///tmp/r.sock?password=\(secret)&db=5")
        XCTAssertEqual(unix.redacted, "unix:///tmp/r.sock?db=5&password=***")
        for configuration in [tcp, unix] {
            var dumped = ""
            dump(configuration, to: &dumped)
            for text in [configuration.redacted, configuration.description, configuration.debugDescription,
                         "\(configuration)", String(reflecting: configuration), dumped]
            {
                XCTAssertFalse(text.contains(secret), text)
            }
        }
    }

    /// Hostile passwords in the user info (an unencoded `@` included: the user info ends at the last `@`, as in the
    /// web app's driver), percent-encoded, with an ACL user, or as a query parameter: the password is read whole
    /// and never appears in any printed form or in the error of a failed connection.
    func testHostilePasswordsAreParsedWholeAndNeverShown() throws {
        let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
        for password in ["hunter@2@Xq", "pa ss:Qz", "K/ol#on?&=Wv", "ünï$(id)`x`Yk", "50%@off%Zq"] {
            var urls = ["redis://admin:\(encode(password))@127.0.0.1:1/2", "redis://:\(encode(password))@127.0.0.1:1",
                        "redis://127.0.0.1:1/0?password=\(encode(password))&username=ops",
                        "unix:///tmp/none.sock?password=\(encode(password))"]
            if !password.contains(where: { "/?#%".contains($0) }) { urls.append("redis://admin:\(password)@127.0.0.1:1/2") }
            for url in urls {
                let configuration = try RedisConfiguration(url: url, connectTimeout: .seconds(1))
                XCTAssertEqual(configuration.password, password, url)
                var dumped = ""
                dump(configuration, to: &dumped)
                for text in [configuration.redacted, configuration.description, configuration.debugDescription, dumped] {
                    XCTAssertFalse(text.contains(password), text)
                    XCTAssertFalse(text.contains(encode(password)), text)
                }
                XCTAssertThrowsError(try RedisConnection.connect(configuration)) { error in
                    XCTAssertFalse("\(error)".contains(password), "\(error)")
                    XCTAssertFalse("\(error)".contains(encode(password)), "\(error)")
                }
            }
        }
    }

    /// A `%` that starts no escape is refused with a message that does not quote the password.
    func testABadlyEncodedPasswordIsRefusedWithoutBeingQuoted() {
        XCTAssertThrowsError(try RedisConfiguration(url: "redis://:50%off%Zq@127.0.0.1:6379")) { error in
            XCTAssertTrue("\(error)".contains("percent-encoded"), "\(error)")
            XCTAssertFalse("\(error)".contains("off%Zq"), "\(error)")
        }
    }

    /// `rediss://` was refused before the OpenSSL transport; what is refused now is a TLS key without its certificate.
    func testATLSKeyWithoutItsCertificateIsRefusedClearly() {
        assertInvalid("rediss://:pw@host:6380/0?tls_key=/k.pem", mentions: "TLS client key")
    }

    func testMalformedURLsGiveClearErrors() {
        assertInvalid("", mentions: "empty")
        assertInvalid("localhost:6379", mentions: "not a URL")
        assertInvalid("http://localhost:6379", mentions: "unsupported scheme")
        assertInvalid("redis://:pw@:6379/0", mentions: "host is missing")
        assertInvalid("redis://localhost:notaport/0", mentions: "port")
        assertInvalid("redis://localhost:0", mentions: "port")
        assertInvalid("redis://localhost:70000", mentions: "port")
        assertInvalid("redis://localhost:6379/abc", mentions: "database number")
        assertInvalid("redis://localhost:6379/-1", mentions: "database number")
        assertInvalid("redis://localhost:6379/1?db=2", mentions: "both")
        assertInvalid("redis://::1:6379", mentions: "brackets")
        assertInvalid("redis://[::1:6379", mentions: "IPv6")
        assertInvalid("redis://:pw%zz@localhost", mentions: "percent-encoded")
        assertInvalid("unix://relative/path.sock", mentions: "absolute path")
        assertInvalid("unix://", mentions: "absolute path")
    }

    func testErrorsNeverEchoThePassword() {
        let secret = "TopSecret999"
        for url in [
            "redis://:\(secret)@localhost:bad/0", "redis://:\(secret)@localhost:6379/x",
            "rediss://:\(secret)@localhost:bad", "unix://:\(secret)@relative",
        ] {
            XCTAssertThrowsError(try RedisConfiguration(url: url)) { error in
                XCTAssertFalse("\(error)".contains(secret), "\(error)")
                XCTAssertFalse(String(reflecting: error).contains(secret))
            }
        }
    }

    func testEnvironment() throws {
        XCTAssertNil(try RedisConfiguration(environment: [:]))
        XCTAssertNil(try RedisConfiguration(environment: ["REDIS_URL": "  "]))
        let configuration = try XCTUnwrap(RedisConfiguration(environment: ["REDIS_URL": "redis://:pw@h:1234/6"]))
        XCTAssertEqual(configuration.endpoint, .tcp(host: "h", port: 1234))
        XCTAssertEqual(configuration.database, 6)
        XCTAssertThrowsError(try RedisConfiguration(environment: ["REDIS_URL": "redis://h:x"])) { error in
            XCTAssertTrue("\(error)".contains("REDIS_URL"), "\(error)")
        }
    }

    func testTimeoutsAreConfigurable() throws {
        let configuration = try RedisConfiguration(
            url: "redis://h", connectTimeout: .milliseconds(250), commandTimeout: .seconds(5))
        XCTAssertEqual(configuration.connectTimeout, .milliseconds(250))
        XCTAssertEqual(configuration.commandTimeout, .seconds(5))
    }

    private func assertInvalid(_ url: String, mentions fragment: String, line: UInt = #line) {
        XCTAssertThrowsError(try RedisConfiguration(url: url), line: line) { error in
            guard case RedisError.invalidConfiguration(let message) = error else {
                return XCTFail("expected invalidConfiguration for \(url), got \(error)", line: line)
            }
            XCTAssertTrue(message.contains(fragment), "'\(message)' should mention '\(fragment)'", line: line)
        }
    }
}
