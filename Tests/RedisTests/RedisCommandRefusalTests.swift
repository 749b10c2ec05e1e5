import Foundation
import LocalServers
import Redis
import XCTest

/// A Redis ACL user without INFO, CONFIG or SCAN reproduces a hosted Redis: such refusals are told apart from other
/// error replies (`RedisError.isCommandRefused`) so callers can degrade with a note.
final class RedisCommandRefusalTests: XCTestCase {
    func testCommandsAnACLDeniesAreRefusalsAndOtherErrorRepliesAreNot() throws {
        let admin = try RedisTestSupport.connection()
        defer { admin.close() }
        let user = "hosted-\(UInt32.random(in: 0...UInt32.max))"
        try admin.command("ACL", "SETUSER", user, "on", ">hosted-secret-1", "~*", "+@all", "-info", "-config", "-scan")
        defer { _ = try? admin.command("ACL", "DELUSER", user) }
        var configuration = try RedisTestSupport.configuration()
        configuration.username = user
        configuration.password = "hosted-secret-1"
        let hosted = try RedisConnection.connect(configuration)
        defer { hosted.close() }

        for command in [["INFO"], ["CONFIG", "GET", "maxmemory"], ["SCAN", "0"]] {
            XCTAssertThrowsError(try hosted.command(command)) { error in
                XCTAssertTrue((error as? RedisError)?.isCommandRefused ?? false, "\(command): \(error)")
            }
        }
        XCTAssertThrowsError(try hosted.command("NOSUCHCOMMAND")) { error in
            XCTAssertTrue((error as? RedisError)?.isCommandRefused ?? false, "\(error)")
        }
        let key = RedisTestSupport.uniquePrefix() + "list"
        try hosted.command("RPUSH", key, "a")
        defer { _ = try? hosted.command("UNLINK", key) }
        XCTAssertThrowsError(try hosted.command("GET", key)) { error in
            XCTAssertFalse((error as? RedisError)?.isCommandRefused ?? true, "WRONGTYPE is not a refusal: \(error)")
        }
    }
}
