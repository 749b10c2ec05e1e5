import Foundation
import LocalServers
import Postgres
import Redis
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// What one run of the `rotation` binary gave.
struct CLIResult: CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var stdout: String
    var stderr: String

    /// The whole standard output parsed as JSON.
    func json() throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
        } catch {
            throw CLITestError("stdout of `rotation \(arguments.joined(separator: " "))` is not JSON: \(stdout.prefix(500))")
        }
    }

    func object() throws -> [String: Any] {
        guard let object = try json() as? [String: Any] else { throw CLITestError("not a JSON object: \(stdout.prefix(500))") }
        return object
    }

    func array() throws -> [Any] {
        guard let array = try json() as? [Any] else { throw CLITestError("not a JSON array: \(stdout.prefix(500))") }
        return array
    }

    var description: String {
        "`rotation \(arguments.joined(separator: " "))` exited \(status)\n--- stdout\n\(stdout.prefix(2000))\n--- stderr\n\(stderr.prefix(2000))"
    }
}

struct CLITestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Where the repository and the built binary are.
enum CLILocations {
    /// The package root: walked up from this file (symlinks resolved) to the directory holding Package.swift.
    static let repositoryRoot: URL = {
        var directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) { return directory }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// The `rotation` executable `swift build` put beside the test bundle: walked up from the bundle to a directory
    /// holding an executable regular file named `rotation`.
    static func binary(near bundleURL: URL) -> URL? {
        var directory = bundleURL.resolvingSymlinksInPath()
        let fm = FileManager.default
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("rotation")
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               fm.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    static func fixture(_ relative: String) -> String {
        repositoryRoot.appendingPathComponent("Tests/Fixtures/discogs").appendingPathComponent(relative).path
    }

    /// A loopback port nothing listens on.
    static func closedPort() -> Int {
        (try? LocalServers.freePort()) ?? 9
    }
}

/// Replaces the database name of a Postgres URL.
func postgresURL(_ url: String, database: String) throws -> String {
    guard var components = URLComponents(string: url) else { throw CLITestError("not a URL: Postgres URL") }
    components.path = "/" + database
    guard let result = components.string else { throw CLITestError("cannot rebuild the Postgres URL") }
    return result
}

/// The password of a URL (to check it is never printed).
func password(in url: String) -> String? {
    URLComponents(string: url)?.password.flatMap { $0.isEmpty ? nil : $0 }
}

/// A test class with its own private Postgres and Redis (started once per class, stopped in the class tear-down),
/// a fresh database per test cloned from a template the CLI itself migrated, and a flushed Redis per test.
/// The servers take the test shape the environment asks for, as the shared test servers do (`TestEnvironment`,
/// LocalServers+TestShapes.swift): `ROTATION_TEST_TLS` (both TLS-only; the URLs handed to the CLI carry the CA),
/// `ROTATION_TEST_REDIS=cluster` (Redis is a private cluster), `ROTATION_TEST_POSTGRES=pgbouncer` (each test's
/// database is reached through PgBouncer in transaction mode; the template and the admin work stay direct).
class CLITestCase: XCTestCase {
    nonisolated(unsafe) private static var servers: LocalServers?
    nonisolated(unsafe) private static var startError: Error?
    nonisolated(unsafe) private static var templateError: String?
    nonisolated(unsafe) private static var templateReady = false
    nonisolated(unsafe) private static var databaseCounter = 0
    static let templateName = "cli_template"

    /// This test's database and Redis, and clients to inspect them.
    var databaseURL = ""
    var redisURL = ""
    var db: PostgresConnection!
    /// One server or the cluster of the shape (`DetectingRedisClient`, with the tests' commands: TestRedisCommands).
    var redis: DetectingRedisClient!
    var reviewer = "cli-tester"
    /// Where DISCOGS_API_URL points: nothing listens there, so a run never reaches the network.
    let discogsAPI = "http://127.0.0.1:\(CLILocations.closedPort())/"

    override class func setUp() {
        super.setUp()
        templateReady = false
        templateError = nil
        do {
            servers = try LocalServers.startTestShape()
            startError = nil
        } catch {
            servers = nil
            startError = error
        }
    }

    override class func tearDown() {
        servers?.stop()
        servers = nil
        super.tearDown()
    }

    /// The class's Postgres, direct (creating databases, migrating the template).
    var serverPostgresURL: String { Self.servers?.postgresURL ?? "" }
    /// The class's Postgres as the CLI reaches it in this shape (through PgBouncer when one runs).
    var serverTestPostgresURL: String { Self.servers?.testPostgresURL ?? "" }
    var serverRedisURL: String { Self.servers?.testRedisURL ?? "" }

    override func setUpWithError() throws {
        try super.setUpWithError()
        if let error = Self.startError { throw CLITestError("private servers did not start: \(error)") }
        guard Self.servers?.postgresURL != nil, Self.servers?.testRedisURL != nil else {
            throw CLITestError("private servers did not start")
        }
        _ = try binary()
        try prepareTemplate()
        databaseURL = try freshDatabase(template: Self.templateName)
        redisURL = serverRedisURL
        db = try PostgresConnection(url: databaseURL)
        redis = try DetectingRedisClient(url: redisURL)
        try redis.flushEveryMaster()
    }

    override func tearDownWithError() throws {
        db?.close()
        db = nil
        redis = nil
        try super.tearDownWithError()
    }

    /// The built executable; a missing one fails the test (it is built by `swift build` / `swift test`).
    func binary() throws -> URL {
        guard let url = CLILocations.binary(near: Bundle(for: CLITestCase.self).bundleURL) else {
            XCTFail("the rotation executable was not found next to the test bundle \(Bundle(for: CLITestCase.self).bundleURL.path): build it first")
            throw CLITestError("rotation executable missing")
        }
        return url
    }

    /// Creates an empty database (or a copy of `template`) on the class's server and returns its URL (through the
    /// shape's pooler, if any).
    func freshDatabase(template: String? = nil) throws -> String {
        let admin = try PostgresConnection(url: serverPostgresURL)
        defer { admin.close() }
        Self.databaseCounter += 1
        let name = "cli_\(getpid())_\(Self.databaseCounter)_\(UInt32.random(in: 0...UInt32.max))"
        let clause = template.map { " TEMPLATE \(admin.quoteIdentifier($0))" } ?? ""
        try admin.query("CREATE DATABASE \(admin.quoteIdentifier(name))\(clause)")
        return try postgresURL(serverTestPostgresURL, database: name)
    }

    /// Migrates the template once per class, through the CLI.
    private func prepareTemplate() throws {
        if let error = Self.templateError { throw CLITestError(error) }
        if Self.templateReady { return }
        let admin = try PostgresConnection(url: serverPostgresURL)
        try admin.query("DROP DATABASE IF EXISTS \(admin.quoteIdentifier(Self.templateName))")
        try admin.query("CREATE DATABASE \(admin.quoteIdentifier(Self.templateName))")
        admin.close()
        let url = try postgresURL(serverPostgresURL, database: Self.templateName)
        let result = try rotation(["migrate"], environment: ["DATABASE_URL": url])
        guard result.status == 0 else {
            Self.templateError = "migrating the template failed: \(result)"
            throw CLITestError(Self.templateError!)
        }
        Self.templateReady = true
    }

    /// The environment of a run: the caller's minus everything Rotation reads, plus this test's servers.
    func environment(_ overrides: [String: String?]) -> [String: String] {
        let read = ["DATABASE_URL", "REDIS_URL", "ENCRYPTION_KEY", "DISCOGS_USER_TOKEN", "DISCOGS_API_URL",
                    "CACHE_PERSISTENCE_THRESHOLD", "AUDIO_MATCHING_BATCH_SIZE", "BACKGROUND_PROCESSING_ENABLED"]
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !read.contains(key) && !key.hasPrefix("ROTATION_")
        }
        environment["DATABASE_URL"] = databaseURL
        environment["REDIS_URL"] = redisURL
        environment["ROTATION_REVIEWER"] = reviewer
        environment["ROTATION_MIGRATIONS"] = CLILocations.repositoryRoot.appendingPathComponent("migrations").path
        environment["DISCOGS_API_URL"] = discogsAPI
        for (key, value) in overrides { environment[key] = value }
        return environment
    }

    /// Runs `rotation arguments…` with standard input from /dev/null (not a terminal), capturing standard output and
    /// standard error separately. A run that hangs is killed after a generous limit and fails the test.
    @discardableResult
    func rotation(_ arguments: [String], environment overrides: [String: String?] = [:],
                  file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.environment = environment(overrides)
        process.currentDirectoryURL = CLILocations.repositoryRoot
        let outputs = FileManager.default.temporaryDirectory
            .appendingPathComponent("rotation-cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outputs) }
        let outURL = outputs.appendingPathComponent("stdout"), errURL = outputs.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if finished.wait(timeout: .now() + 600) == .timedOut {
            process.terminate()
            finished.wait()
            XCTFail("`rotation \(arguments.joined(separator: " "))` did not finish; killed", file: file, line: line)
        }
        try out.close()
        try err.close()
        return CLIResult(
            arguments: arguments, status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Runs and requires exit status 0.
    @discardableResult
    func ok(_ arguments: [String], environment overrides: [String: String?] = [:],
            file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        let result = try rotation(arguments, environment: overrides, file: file, line: line)
        XCTAssertEqual(result.status, 0, "\(result)", file: file, line: line)
        if result.status != 0 { throw CLITestError("command failed: \(result)") }
        return result
    }

    // MARK: Data by plain SQL

    /// A release row (with a tracklist of `tracks` entries) of `store`.
    func insertRelease(_ id: Int64, store: String, title: String = "Some Title", artist: String = "Some Artist",
                       tracks: Int = 3) throws {
        let tracklist = (0..<tracks).map { #"{"position":"A\#($0 + 1)","title":"Track \#($0)","duration":"3:00","type_":"track"}"# }
        try db.query("""
            INSERT INTO releases (discogs_id, store_username, title, artist, tracklist, has_audio_matches)
            VALUES ($1, $2, $3, $4, $5::jsonb, true)
            """, id, store, title, artist, "[" + tracklist.joined(separator: ",") + "]")
    }

    /// A `track_matches` row; pending unless `approved`.
    func insertMatch(_ release: Int64, _ track: Int, url: String? = nil, platform: String = "youtube",
                     confidence: Double = 0.6, approved: Bool = false) throws {
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
            VALUES ($1, $2, $3, $4, $5::real, $6)
            """, release, track, platform, url ?? "https://www.youtube.com/watch?v=r\(release)t\(track)", confidence, approved)
    }

    func count(_ sql: String, _ parameters: any PostgresEncodable...) throws -> Int {
        try db.query(sql, parameters: parameters).scalar(Int.self)
    }

    /// The `track_matches` row of a track, nil when absent.
    func matchRow(_ release: Int64, _ track: Int) throws -> PostgresRow? {
        try db.query("SELECT * FROM track_matches WHERE release_id = $1 AND track_index = $2", release, track).first
    }

    /// The cache value of a track parsed as JSON, nil when absent.
    func cached(_ release: Int64, _ track: Int) throws -> [String: Any]? {
        guard let text = try redis.get("match:\(release):\(track)") else { return nil }
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }
}

extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? { self[key] as? String }
    func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
    func double(_ key: String) -> Double? { (self[key] as? NSNumber)?.doubleValue }
    func bool(_ key: String) -> Bool? { (self[key] as? NSNumber)?.boolValue }
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func array(_ key: String) -> [Any]? { self[key] as? [Any] }
}
