import Foundation
import Redis
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive
#if canImport(Glibc)
import Glibc
#endif

/// Presence across processes (issue 14): `rotation presence hold` in a subprocess is seen by `presence list` and
/// by a console's model; killed with SIGKILL, its lease lapses after its (short) TTL; a clean close deletes only
/// its own lease.
final class PresenceLiveTests: LiveTestCase {
    private var holders: [Process] = []
    private var consoles: [ServiceEffectHandler] = []

    override func tearDown() {
        for process in holders where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        for console in consoles { console.stopPresence() }
        super.tearDown()
    }

    private func environment(ttl: Int) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !key.hasPrefix("ROTATION_") && !["DATABASE_URL", "REDIS_URL"].contains(key)
        }
        environment["REDIS_URL"] = redisURL
        environment["ROTATION_PRESENCE_TTL"] = String(ttl)
        return environment
    }

    /// Starts `rotation presence hold RELEASE --as NAME` in its own process.
    private func startHolding(_ release: Int64, as name: String, ttl: Int) throws -> Process {
        let process = Process()
        process.executableURL = try BuiltProducts.rotation
        process.arguments = ["presence", "hold", String(release), "--as", name]
        process.environment = environment(ttl: ttl)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        holders.append(process)
        return process
    }

    /// Runs `rotation ARGUMENTS` to the end and returns its status and standard output.
    private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = try BuiltProducts.rotation
        process.arguments = arguments
        process.environment = environment(ttl: 30)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    private func console(ttl: Int) -> ServiceEffectHandler {
        let console = ServiceEffectHandler(settings: settings(), reviewer: Self.reviewer,
                                           presenceSettings: PresenceSettings(ttlSeconds: ttl))
        consoles.append(console)
        return console
    }

    /// Polls until `condition` holds, at most `seconds`: waiting for another process, not timing it.
    private func waitUntil(_ what: String, seconds: TimeInterval = 30, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("gave up waiting: \(what)")
        throw XCTSkip("gave up waiting: \(what)")
    }

    /// Applies the console feed's presence answers to a console state until `done` holds for it.
    private func consoleState(until done: (ConsoleState) -> Bool) -> ConsoleState {
        var state = ConsoleFixtures.emptyState()
        _ = collectEvents(from: inbox, timeout: 30) { events in
            for event in events { if case .releasesHeldByOthers = event { _ = ConsoleUpdate.update(&state, event) } }
            return done(state)
        }
        return state
    }

    func testAHolderInAnotherProcessIsSeenAndItsLeaseLapsesAfterItIsKilled() throws {
        let presence = ReleasePresence(redis: redis)
        let holder = try startHolding(Self.release, as: "ana", ttl: 3)
        try waitUntil("the subprocess holds the release") { try presence.leases(of: [Self.release])[Self.release]?.reviewer == "ana" }

        let listed = try run(["presence", "list", "--json"])
        XCTAssertEqual(listed.status, 0, listed.stdout)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let row = try XCTUnwrap(rows.first { ($0["release_id"] as? NSNumber)?.int64Value == Self.release }, listed.stdout)
        XCTAssertEqual(row["reviewer"] as? String, "ana")
        XCTAssertTrue((0...3).contains((row["seconds_left"] as? NSNumber)?.intValue ?? -1), "\(row)")
        let text = try run(["presence", "list"])
        XCTAssertTrue(text.stdout.contains("\(Self.release)") && text.stdout.contains("ana"), text.stdout)

        // The screen's model: a console listing the store is told ana has the release.
        let console = console(ttl: 3)
        console.perform(.loadReleases(requestID(), store: Self.store, after: nil), events: inbox)
        let seen = consoleState { $0.review.heldByOthers == [Self.release: "ana"] }
        XCTAssertEqual(seen.review.heldByOthers, [Self.release: "ana"])

        // Killed without a chance to clean up: nothing deletes the lease, it lapses after its TTL.
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        try waitUntil("the killed holder's lease lapses") { try presence.leases(of: [Self.release]).isEmpty }
        let after = consoleState { $0.review.heldByOthers.isEmpty }
        XCTAssertEqual(after.review.heldByOthers, [:], "the console stops showing it")
        let empty = try run(["presence", "list", "--json"]).stdout
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(empty.utf8)) as? [Any])?.count, 0, empty)
    }

    func testAHostileReviewerNameIsPrintedSafely() throws {
        let presence = ReleasePresence(redis: redis)
        try presence.hold(Self.release, reviewer: "ana\u{1B}[2J\u{1B}]0;pwned\u{07}\u{202E}x\u{9B}31m", session: "hostile")
        for arguments in [["presence", "list"], ["presence", "list", "--json"]] {
            let listed = try run(arguments)
            XCTAssertEqual(listed.status, 0, listed.stdout)
            XCTAssertTrue(listed.stdout.contains("ana"), listed.stdout)
            XCTAssertFalse(listed.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B
                                                                    || $0.value == 0x202E }, listed.stdout)
        }
        try presence.release(Self.release, reviewer: "ana\u{1B}[2J\u{1B}]0;pwned\u{07}\u{202E}x\u{9B}31m", session: "hostile")
    }

    func testACleanCloseDeletesOnlyItsOwnLease() throws {
        let presence = ReleasePresence(redis: redis)
        let other: Int64 = 5002
        try presence.hold(other, reviewer: "bob", session: "bob-console")

        // A console opens the release, holds it under its reviewer's name, and does not report itself.
        let console = console(ttl: 30)
        _ = perform(.loadReleases(requestID(), store: Self.store, after: nil), with: console)
        _ = perform(.loadTracks(requestID(), releaseID: Self.release), with: console)
        try waitUntil("the console holds the release") {
            try presence.leases(of: [Self.release])[Self.release]?.reviewer == Self.reviewer
        }
        console.stopPresence()
        XCTAssertTrue(try presence.leases(of: [Self.release]).isEmpty, "closing deletes the console's lease")
        XCTAssertEqual(try presence.leases(of: [other])[other]?.reviewer, "bob", "and nobody else's")

        // `presence hold` ended by SIGTERM deletes its lease at once (a TTL of 30 s has not run out).
        let holder = try startHolding(Self.release, as: "ana", ttl: 30)
        try waitUntil("the subprocess holds the release") { try presence.leases(of: [Self.release])[Self.release]?.reviewer == "ana" }
        holder.terminate()
        holder.waitUntilExit()
        XCTAssertTrue(try presence.leases(of: [Self.release]).isEmpty, "a clean close deletes the lease")
        XCTAssertEqual(try presence.leases(of: [other])[other]?.reviewer, "bob")
    }
}
