import Redis
import XCTest

/// How `rediss://` URLs and `REDIS_TLS_*` become `RedisTLSOptions`; no server needed.
final class RedisTLSConfigurationTests: XCTestCase {
    func testTheQueryWinsOverTheEnvironmentAndThePrintedFormHidesThePassword() throws {
        let environment = ["REDIS_TLS_CA": "/env/ca.pem", "REDIS_TLS_CERT": "/env/client.pem", "REDIS_TLS_KEY": "/env/key.pem"]
        let configuration = try RedisConfiguration(
            url: "rediss://curator:s3cret-pass@cache.example.com:6380/2?tls_ca=/url/ca.pem&tls_servername=redis.internal",
            environment: environment)
        XCTAssertEqual(configuration.endpoint, .tcp(host: "cache.example.com", port: 6380))
        XCTAssertEqual(configuration.username, "curator")
        XCTAssertEqual(configuration.database, 2)
        XCTAssertEqual(
            configuration.tls,
            RedisTLSOptions(caFile: "/url/ca.pem", certificateFile: "/env/client.pem", keyFile: "/env/key.pem",
                            serverName: "redis.internal"))
        XCTAssertEqual(configuration.redacted, "rediss://curator:***@cache.example.com:6380/2")
        XCTAssertFalse(String(reflecting: configuration).contains("s3cret-pass"))
    }

    func testPlainURLsIgnoreTheTLSVariables() throws {
        let configuration = try RedisConfiguration(url: "redis://127.0.0.1:6379/0", environment: ["REDIS_TLS_CA": "/env/ca.pem"])
        XCTAssertNil(configuration.tls)
        XCTAssertTrue(configuration.redacted.hasPrefix("redis://"))
        let fromEnvironment = try XCTUnwrap(
            try RedisConfiguration(environment: ["REDIS_URL": "rediss://h", "REDIS_TLS_CA": "/env/ca.pem"]))
        XCTAssertEqual(fromEnvironment.tls, RedisTLSOptions(caFile: "/env/ca.pem"))
        XCTAssertEqual(fromEnvironment.endpoint, .tcp(host: "h", port: RedisConfiguration.defaultPort))
    }
}
