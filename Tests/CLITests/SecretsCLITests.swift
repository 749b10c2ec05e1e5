import Foundation
import Postgres
import XCTest

/// Issue 9, secrets: hostile passwords never printed by `rotation health` (text or `--json`), URLs passed by file
/// instead of argv, and migrations that never come from the current directory.
final class SecretsCLITests: CLITestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("rotation-secrets-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
        try super.tearDownWithError()
    }

    private func assertNothingShows(_ secrets: [String], in results: [CLIResult], file: StaticString = #filePath,
                                    line: UInt = #line) {
        for result in results {
            for secret in secrets {
                XCTAssertFalse(result.stdout.contains(secret) || result.stderr.contains(secret),
                               "'\(secret)' was printed: \(result)", file: file, line: line)
            }
        }
    }

    /// The reports of issue 9: `u:p@ss@host` showed `***@ss@`, and `?sslpassword=` was printed whole.
    func testHealthNeverPrintsHostilePasswords() throws {
        let port = CLILocations.closedPort()
        let cases: [(url: String, secrets: [String])] = [
            ("postgres://u:p@ss@127.0.0.1:\(port)/x", ["p@ss", "@ss@"]),
            ("postgres://u@127.0.0.1:\(port)/x?sslpassword=KeyPass9z&sslmode=disable", ["KeyPass9z"]),
            ("postgres://127.0.0.1:\(port)/x?user=u&password=Qu%27o%20te9z", ["Qu'o te9z", "Qu%27o%20te9z"]),
            ("host=127.0.0.1 port=\(port) user=u password='sp ace\\'9z'", ["sp ace'9z", "sp ace\\'9z"]),
            ("postgres://u:50%off9z@127.0.0.1:\(port)/x", ["50%off9z"]),
            ("postgres://u:pw9z@127.0.0.1:\(port)/x?bogus=Unparseable9z", ["Unparseable9z", "pw9z"]),
        ]
        for (url, secrets) in cases {
            let human = try rotation(["health", "--timeout", "2"], environment: ["DATABASE_URL": url])
            let json = try rotation(["health", "--json", "--timeout", "2"], environment: ["DATABASE_URL": url])
            XCTAssertEqual(human.status, 1, "\(human)")
            XCTAssertEqual(try json.object().object("postgres")?.bool("up"), false, "\(json)")
            assertNothingShows(secrets, in: [human, json])
        }
        let unparseable = try rotation(["health", "--json"], environment: ["DATABASE_URL": cases.last!.url])
        XCTAssertEqual(try unparseable.object().object("postgres")?.string("target"), "(unparseable connection string)")

        let redis = try rotation(["health", "--json", "--timeout", "2"],
                                 environment: ["REDIS_URL": "redis://ops:r3d@is@9z@127.0.0.1:\(port)/0"])
        XCTAssertEqual(try redis.object().object("redis")?.bool("up"), false, "\(redis)")
        assertNothingShows(["r3d@is@9z", "@is@"], in: [redis])
    }

    func testURLsComeFromFilesNamedByFlagsOrTheEnvironment() throws {
        let databaseFile = scratch.appendingPathComponent("database-url")
        let redisFile = scratch.appendingPathComponent("redis-url")
        try (databaseURL + "\n").write(to: databaseFile, atomically: true, encoding: .utf8)
        try (redisURL + "\r\n").write(to: redisFile, atomically: true, encoding: .utf8)
        chmod(databaseFile.path, 0o600)
        chmod(redisFile.path, 0o600)
        let noURLs: [String: String?] = ["DATABASE_URL": nil, "REDIS_URL": nil]

        let byFlags = try rotation(["health", "--json", "--database-url-file", databaseFile.path,
                                    "--redis-url-file", redisFile.path], environment: noURLs)
        XCTAssertEqual(byFlags.status, 0, "\(byFlags)")
        XCTAssertEqual(try byFlags.object().object("postgres")?.bool("up"), true, "\(byFlags)")
        XCTAssertFalse(byFlags.stderr.contains("warning"), "\(byFlags)")

        var environment = noURLs
        environment["DATABASE_URL_FILE"] = databaseFile.path
        environment["REDIS_URL_FILE"] = redisFile.path
        let byEnvironment = try rotation(["health", "--json"], environment: environment)
        XCTAssertEqual(byEnvironment.status, 0, "\(byEnvironment)")
        XCTAssertEqual(try byEnvironment.object().object("redis")?.bool("up"), true, "\(byEnvironment)")

        chmod(databaseFile.path, 0o644)
        let readable = try rotation(["health", "--database-url-file", databaseFile.path], environment: noURLs)
        XCTAssertTrue(readable.stderr.contains("readable by other users"), "\(readable)")
        assertNothingShows([password(in: databaseURL), password(in: redisURL)].compactMap { $0 },
                           in: [byFlags, byEnvironment, readable])
    }

    /// `--database-url-file <(pass show db)`: the URL through a pipe, on no disk and in no argument.
    func testAURLFileMayBeAPipe() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", #"exec "$0" health --json --database-url-file <(printf '%s\n' "$PIPED_URL")"#,
                             try binary().path]
        var environment = self.environment(["DATABASE_URL": nil])
        environment["PIPED_URL"] = databaseURL
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(report.object("postgres")?.bool("up"), true, String(decoding: data, as: UTF8.self))
    }

    func testUnusableURLFilesAreClearErrors() throws {
        let missing = scratch.appendingPathComponent("missing")
        let result = try rotation(["health", "--database-url-file", missing.path])
        XCTAssertNotEqual(result.status, 0, "\(result)")
        XCTAssertTrue(result.stderr.contains("cannot use the URL file"), "\(result)")
        XCTAssertTrue(result.stderr.contains("No such file"), "\(result)")

        let empty = scratch.appendingPathComponent("empty")
        try "\n".write(to: empty, atomically: true, encoding: .utf8)
        let emptyResult = try rotation(["health", "--database-url-file", empty.path])
        XCTAssertNotEqual(emptyResult.status, 0, "\(emptyResult)")
        XCTAssertTrue(emptyResult.stderr.contains("is empty"), "\(emptyResult)")

        let both = try rotation(["health", "--database-url", databaseURL, "--database-url-file", empty.path])
        XCTAssertNotEqual(both.status, 0, "\(both)")
        XCTAssertTrue(both.stderr.contains("both given"), "\(both)")
    }

    func testHelpSaysWhyURLsStayOutOfTheArguments() throws {
        let help = try ok(["health", "--help"])
        XCTAssertTrue(help.stdout.contains("--database-url-file"), "\(help)")
        XCTAssertTrue(help.stdout.contains("ps"), "\(help)")
    }

    /// A `migrations/` folder planted above the working directory is never run: the binary's own are.
    func testMigrateIgnoresMigrationsPlantedAboveTheWorkingDirectory() throws {
        let planted = scratch.appendingPathComponent("migrations")
        let working = scratch.appendingPathComponent("work/deeper")
        try FileManager.default.createDirectory(at: planted, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: working, withIntermediateDirectories: true)
        try "CREATE TABLE planted_by_an_attacker (id int);\n"
            .write(to: planted.appendingPathComponent("0001_web_app_tables.sql"), atomically: true, encoding: .utf8)
        let target = try freshDatabase()

        let process = Process()
        process.executableURL = try binary()
        process.arguments = ["migrate"]
        var environment = self.environment(["DATABASE_URL": target])
        environment["ROTATION_MIGRATIONS"] = nil
        process.environment = environment
        process.currentDirectoryURL = working
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)

        let migrated = try PostgresConnection(url: target)
        defer { migrated.close() }
        XCTAssertEqual(try migrated.query("SELECT to_regclass('planted_by_an_attacker') IS NULL").scalar(Bool.self), true)
        XCTAssertEqual(try migrated.query("SELECT to_regclass('match_reviews') IS NOT NULL").scalar(Bool.self), true)
        XCTAssertEqual(try migrated.query("SELECT name FROM schema_migrations WHERE version = 1").scalar(String.self),
                       "web_app_tables")
    }
}
