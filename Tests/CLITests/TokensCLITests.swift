import Foundation
import Postgres
import XCTest

/// Issue 14, item 4, from the shell: `rotation tokens add|list|remove|encrypt|rotate-key` with tokens and keys on
/// standard input or in the environment, and no output of any run ever holding a token, a secret or a key.
final class TokensCLITests: CLITestCase {
    private let token = "CliTok-Access-4d1e0b"
    private let secret = "CliTok-Secret-93aa7c"
    private let key = String(repeating: "3f9a", count: 16)
    private let otherKey = String(repeating: "c0de", count: 8)
    private var results: [CLIResult] = []

    /// Runs `rotation arguments…` with `input` as standard input (a pipe, not a terminal).
    @discardableResult
    private func runRotation(_ arguments: [String], input: String = "", environment overrides: [String: String?] = [:]) throws -> CLIResult {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.environment = environment(overrides)
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        // The outputs are small; read both to the end, then wait.
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let result = CLIResult(arguments: arguments, status: process.terminationStatus,
                               stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
        results.append(result)
        return result
    }

    override func tearDownWithError() throws {
        for result in results {
            for hidden in [token, secret, key, otherKey] {
                XCTAssertFalse(result.stdout.contains(hidden) || result.stderr.contains(hidden), "a secret was printed: \(result)")
            }
        }
        results = []
        try super.tearDownWithError()
    }

    private func rawRow(_ username: String) throws -> (token: String, secret: String)? {
        try db.query("SELECT access_token, access_secret FROM discogs_tokens WHERE username = $1", username).first.map {
            (try $0.decode("access_token"), try $0.decode("access_secret"))
        }
    }

    func testAddListAndRemoveThroughStandardInput() throws {
        let added = try runRotation(["tokens", "add", "crate-records"], input: "\(token)\n\(secret)\n", environment: ["ENCRYPTION_KEY": key])
        XCTAssertEqual(added.status, 0, "\(added)")
        XCTAssertTrue(added.stdout.contains("stored the Discogs token of crate-records"), "\(added)")
        let row = try XCTUnwrap(rawRow("crate-records"))
        XCTAssertTrue(row.token.hasPrefix("enc:v1:") && row.secret.hasPrefix("enc:v1:"))
        XCTAssertFalse(row.token.contains(token) || row.secret.contains(secret))

        // Windows line ends and a replacement.
        XCTAssertEqual(try runRotation(["tokens", "add", "crate-records"], input: "\(token)\r\n\(secret)\r\n", environment: ["ENCRYPTION_KEY": key]).status, 0)
        let missingLine = try runRotation(["tokens", "add", "deep-records"], input: "\(token)\n", environment: ["ENCRYPTION_KEY": key])
        XCTAssertEqual(missingLine.status, 1, "\(missingLine)")
        XCTAssertTrue(missingLine.stderr.contains("expected two lines"), "\(missingLine)")
        let noKey = try runRotation(["tokens", "add", "deep-records"], input: "\(token)\n\(secret)\n")
        XCTAssertEqual(noKey.status, 1, "\(noKey)")
        XCTAssertTrue(noKey.stderr.contains("ENCRYPTION_KEY is not set"), "\(noKey)")
        XCTAssertEqual(try count("SELECT count(*) FROM discogs_tokens"), 1)

        try db.query("INSERT INTO discogs_tokens (username, access_token, access_secret) VALUES ('web-store', $1, $2)", token, secret)
        let list = try runRotation(["tokens", "list"])
        XCTAssertEqual(list.status, 0, "\(list)")
        let lines = list.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("crate-records") && $0.contains("encrypted") && $0.contains("oauth") }, list.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("web-store") && $0.contains("plaintext") }, list.stdout)
        XCTAssertTrue(list.stdout.contains("rotation tokens encrypt"), list.stdout)
        let json = try runRotation(["tokens", "list", "--json"])
        let rows = try XCTUnwrap(try json.array() as? [[String: Any]])
        XCTAssertEqual(rows.map { $0.string("username") }, ["crate-records", "web-store"])
        XCTAssertEqual(rows.map { $0.string("storage") }, ["encrypted", "plaintext"])

        let refused = try runRotation(["tokens", "remove", "crate-records"])
        XCTAssertEqual(refused.status, 1, "\(refused)")
        XCTAssertTrue(refused.stderr.contains("--yes"), "\(refused)")
        XCTAssertNotNil(try rawRow("crate-records"))
        XCTAssertEqual(try runRotation(["tokens", "remove", "crate-records", "--yes"]).status, 0)
        XCTAssertNil(try rawRow("crate-records"))
        let gone = try runRotation(["tokens", "remove", "crate-records", "--yes"])
        XCTAssertEqual(gone.status, 1, "\(gone)")
        XCTAssertTrue(gone.stderr.contains("no Discogs token stored for 'crate-records'"), "\(gone)")
    }

    func testRotateKeyAndAWrongKey() throws {
        for store in ["a-store", "b-store"] {
            XCTAssertEqual(try runRotation(["tokens", "add", store], input: "\(token)\n\(secret)\n", environment: ["ENCRYPTION_KEY": key]).status, 0)
        }
        let before = try rawRow("a-store")

        let rotated = try runRotation(["tokens", "rotate-key"], environment: ["ENCRYPTION_KEY": key, "NEW_ENCRYPTION_KEY": otherKey])
        XCTAssertEqual(rotated.status, 0, "\(rotated)")
        XCTAssertTrue(rotated.stdout.contains("re-encrypted 2 rows"), "\(rotated)")
        XCTAssertNotEqual(try rawRow("a-store")?.token, before?.token)

        // The old key no longer opens them: a clear error, and nothing changes.
        let snapshot = try rawRow("b-store")
        let wrong = try runRotation(["tokens", "rotate-key"], input: "\(key)\n", environment: ["ENCRYPTION_KEY": key])
        XCTAssertEqual(wrong.status, 1, "\(wrong)")
        XCTAssertTrue(wrong.stderr.contains("ENCRYPTION_KEY does not decrypt the stored tokens: wrong key?"), "\(wrong)")
        XCTAssertEqual(try rawRow("b-store")?.token, snapshot?.token)

        // The new key read from standard input; back to the first key.
        let back = try runRotation(["tokens", "rotate-key"], input: "\(key)\n", environment: ["ENCRYPTION_KEY": otherKey])
        XCTAssertEqual(back.status, 0, "\(back)")
        let badNewKey = try runRotation(["tokens", "rotate-key"], input: "xyz\n", environment: ["ENCRYPTION_KEY": key])
        XCTAssertEqual(badNewKey.status, 1, "\(badNewKey)")
        XCTAssertTrue(badNewKey.stderr.contains("the new key must be 32 or 64 hexadecimal characters"), "\(badNewKey)")

        // sync refuses a store whose sealed token the key does not open, before any request.
        let sync = try runRotation(["sync", "a-store"], environment: ["ENCRYPTION_KEY": otherKey, "DISCOGS_CONSUMER_KEY": "ck", "DISCOGS_CONSUMER_SECRET": "cs"])
        XCTAssertEqual(sync.status, 1, "\(sync)")
        XCTAssertTrue(sync.stderr.contains("ENCRYPTION_KEY does not decrypt the stored tokens: wrong key?"), "\(sync)")
        let noConsumer = try runRotation(["sync", "a-store"], environment: ["ENCRYPTION_KEY": key])
        XCTAssertEqual(noConsumer.status, 1, "\(noConsumer)")
        XCTAssertTrue(noConsumer.stderr.contains("DISCOGS_CONSUMER_KEY"), "\(noConsumer)")
    }

    func testPlaintextRowsAreEncryptedOnRequest() throws {
        try db.query("INSERT INTO discogs_tokens (username, access_token, access_secret) VALUES ('web-store', $1, $2)", token, secret)
        let refused = try runRotation(["tokens", "encrypt"], environment: ["ENCRYPTION_KEY": key])
        XCTAssertEqual(refused.status, 1, "\(refused)")
        XCTAssertEqual(try rawRow("web-store")?.token, token)

        let encrypted = try runRotation(["tokens", "encrypt", "--yes"], environment: ["ENCRYPTION_KEY": key])
        XCTAssertEqual(encrypted.status, 0, "\(encrypted)")
        XCTAssertTrue(encrypted.stdout.contains("encrypted 1 row"), "\(encrypted)")
        let row = try XCTUnwrap(rawRow("web-store"))
        XCTAssertTrue(row.token.hasPrefix("enc:v1:") && row.secret.hasPrefix("enc:v1:"), "\(row)")
        XCTAssertTrue(try runRotation(["tokens", "encrypt", "--yes"], environment: ["ENCRYPTION_KEY": key]).stdout.contains("encrypted already"))
        XCTAssertTrue(try runRotation(["tokens", "list"]).stdout.contains("encrypted"))
    }
}
