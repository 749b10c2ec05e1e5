import Foundation
import TmuxDriver
import XCTest

/// The tests' use of the shared driver (module TmuxDriver): drive a real program as a person would, type keys and
/// read the screen, waiting until the screen shows what is expected (never sleeping a fixed time and then asserting).
extension TmuxSession {
    /// Starts `command` with TERM=xterm-256color and `environment` in a detached session of the given size; skips
    /// the test when tmux is not installed.
    convenience init(command: [String], environment: [String: String] = [:], columns: Int = 120, rows: Int = 40) throws {
        guard TmuxSession.isInstalled else { throw XCTSkip("tmux is not installed") }
        let exports = environment.map { "\($0.key)=\(TmuxSession.shellQuote($0.value))" }.joined(separator: " ")
        let shellCommand = "env TERM=xterm-256color \(exports) "
            + command.map(TmuxSession.shellQuote).joined(separator: " ")
        try self.init(newSessionCommand: [shellCommand], sessionName: "rotation", socketPrefix: "rotation-test",
                      columns: columns, rows: rows)
    }

    /// Polls the screen until `predicate` holds; fails the test with the last screen if it never does.
    @discardableResult
    func waitFor(_ description: String, timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line,
                 _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = (try? screen()) ?? last
            if predicate(last) { return last }
            usleep(100_000)
        }
        XCTFail("screen never showed \(description). Last screen:\n\(last)", file: file, line: line)
        throw XCTSkip("stopping after the failed wait above")
    }

    @discardableResult
    func waitFor(text: String, timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try waitFor("'\(text)'", timeout: timeout, file: file, line: line) { $0.contains(text) }
    }
}

/// The `rotation` executable built beside the test bundle.
enum BuiltProducts {
    private final class TestBundleMarker {}

    static var rotation: URL {
        get throws {
            let bundleURL = Bundle(for: TestBundleMarker.self).bundleURL
            var dir = bundleURL
            for _ in 0..<3 {
                let candidate = dir.appendingPathComponent("rotation")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                dir.deleteLastPathComponent()
            }
            // swift test builds the executables too; a missing one is a broken build, not a reason to skip.
            throw NSError(domain: "BuiltProducts", code: 1, userInfo: [
                NSLocalizedDescriptionKey: "the rotation executable was not found next to \(bundleURL.path)"])
        }
    }
}
