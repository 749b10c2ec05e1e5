import Foundation
import Redis
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// `rotation cache clear` and `cache keys` on a keyspace where match:* keys are few: budgeted steps with progress,
/// and Ctrl-C: SIGINT between UNLINK batches stops a clear cleanly; it reports what it deleted and exits non-zero,
/// and exactly the keys it did not report are still cached.
final class BoundedCacheCLITests: CLITestCase {
    static let matchKeys = 20_000

    func testSIGINTStopsAClearBetweenBatchesAndItReportsWhatItDeleted() throws {
        // Many keys and one key per UNLINK: the clear runs for 20,000 batches and prints a progress line after
        // each, so the signal is sent once the first line shows the clear is under way. It cannot finish meanwhile:
        // nothing reads its stderr between that line and the signal, and a full pipe (about 1,400 lines) blocks it.
        for start in stride(from: 0, to: Self.matchKeys, by: 1000) {
            _ = try redis.pipeline((start..<start + 1000).map { ["SET", "match:\(100_000 + $0):0", "{}"] })
        }
        try redis.set("session:keep", "x")

        let arguments = ["cache", "clear", "all", "--yes", "--batch", "1"]
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.environment = environment([:])
        process.currentDirectoryURL = CLILocations.repositoryRoot
        let output = Pipe(), errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()

        // Read standard error until the first progress line, then interrupt.
        var stderrText = ""
        while !stderrText.contains("unlinked 1 of about") {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // the process ended before any progress: the test fails below
            stderrText += String(decoding: chunk, as: UTF8.self)
        }
        XCTAssertTrue(stderrText.contains("unlinked 1 of about 20000"), stderrText)
        kill(process.processIdentifier, SIGINT)
        stderrText += String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stdoutText = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if finished.wait(timeout: .now() + 600) == .timedOut {
            process.terminate()
            return XCTFail("the interrupted clear did not end")
        }

        XCTAssertEqual(process.terminationReason, .exit, "SIGINT stops the clear; it does not kill the process")
        XCTAssertEqual(process.terminationStatus, 130, "a stopped clear exits non-zero\n\(stdoutText)\n\(stderrText)")
        XCTAssertTrue(stderrText.contains("stopping after the batch in hand"), stderrText)
        let pattern = try NSRegularExpression(pattern: #"stopped: deleted ([0-9,]+) of about 20,000 keys; the rest are still cached"#)
        guard let match = pattern.firstMatch(in: stdoutText, range: NSRange(stdoutText.startIndex..., in: stdoutText)),
              let range = Range(match.range(at: 1), in: stdoutText),
              let deleted = Int(stdoutText[range].replacingOccurrences(of: ",", with: "")) else {
            return XCTFail("no stop report in:\n\(stdoutText)")
        }
        XCTAssertGreaterThanOrEqual(deleted, 1)
        XCTAssertLessThan(deleted, Self.matchKeys, "the clear stopped before the end")

        var remaining = 0
        try redis.scanAll(match: "match:*") { remaining += $0.count; return true }
        XCTAssertEqual(remaining, Self.matchKeys - deleted, "exactly the keys it reported went")
        XCTAssertEqual(try redis.get("session:keep"), "x")
    }

    func testADryRunStepsThroughAKeyspaceOfOtherKeysAndFindsTheFewMatchKeys() throws {
        // 60,000 keys of another program: a dry run walks them in budgeted steps, with a progress line per step.
        for start in stride(from: 0, to: 60_000, by: 1000) {
            let mset = (start..<start + 1000).reduce(into: ["MSET"] as [any RedisArgument]) { $0 += ["session:\($1)", "x"] }
            _ = try redis.command(mset)
        }
        for key in ["match:1:0", "match:2:0"] { try redis.set(key, "{}") }
        let dry = try ok(["cache", "clear", "all", "--dry-run"])
        XCTAssertTrue(dry.stdout.hasPrefix("2 keys (every match:* key) would be unlinked"), dry.description)
        XCTAssertTrue(dry.stderr.contains("counting: scanned about 20,000 of 60,002 keys"), dry.description)
        XCTAssertEqual(try redis.dbsize(), 60_002)

        // `cache keys` pages with the same budget: the first page may hold nothing, and says how to go on.
        let first = try ok(["cache", "keys"])
        XCTAssertTrue(first.stdout.contains("scanned about 10,000 of 60,002 keys; more: rotation cache keys --after "),
                      first.description)
        var found: [String] = []
        var after: String?
        var pages = 0
        repeat {
            let page = try ok(["cache", "keys", "--json"] + (after.map { ["--after", $0] } ?? [])).object()
            found += (page["keys"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
            XCTAssertLessThanOrEqual(page["scanCalls"] as? Int ?? .max, 50)
            after = page["next"] as? String
            pages += 1
        } while after != nil && pages < 100
        XCTAssertEqual(Set(found), ["match:1:0", "match:2:0"])
        XCTAssertGreaterThan(pages, 2)
        let refused = try rotation(["cache", "keys", "--after", "banana"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("--after takes the cursor a previous page printed"), refused.description)
    }
}
