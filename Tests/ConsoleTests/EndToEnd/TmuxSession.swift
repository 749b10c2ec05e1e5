import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// Drives a real program in a private tmux server, as a person would: type keys, read the screen.
/// Waits until the screen shows what is expected (never sleeps a fixed time and then asserts).
final class TmuxSession {
    let socketName: String
    let sessionName = "rotation"

    /// Starts `command` in a detached tmux session of the given size.
    init(command: [String], environment: [String: String] = [:], columns: Int = 120, rows: Int = 40) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed")
        }
        socketName = "rotation-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let exports = environment.map { "\($0.key)=\(Self.shellQuote($0.value))" }.joined(separator: " ")
        let shellCommand = "env TERM=xterm-256color \(exports) " + command.map(Self.shellQuote).joined(separator: " ")
        try tmux(["new-session", "-d", "-s", sessionName, "-x", String(columns), "-y", String(rows), shellCommand])
        // Keep the pane after the program exits, so its last screen (an error message) can be read.
        try tmux(["set-option", "-t", sessionName, "remain-on-exit", "on"])
    }

    deinit { try? tmux(["kill-server"]) }

    /// Sends keys in tmux's notation: "j", "Enter", "Tab", "C-c", "Escape". Literal text goes with `literal: true`.
    func send(_ keys: String..., literal: Bool = false) throws {
        try tmux(["send-keys", "-t", sessionName] + (literal ? ["-l"] : []) + keys)
    }

    /// The visible screen as text.
    func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", sessionName])
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

    func resize(columns: Int, rows: Int) throws {
        try tmux(["resize-window", "-t", sessionName, "-x", String(columns), "-y", String(rows)])
    }

    /// Whether the program in the pane has exited.
    func programExited() throws -> Bool {
        try tmux(["display-message", "-p", "-t", sessionName, "#{pane_dead}"]).trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        // posix_spawn + waitpid rather than Foundation's Process: Process learns that a child exited from a
        // descriptor the child inherits, and the tmux server that new-session forks keeps it open forever.
        let outputFile = NSTemporaryDirectory() + "\(socketName)-\(UUID().uuidString).out"
        defer { unlink(outputFile) }
        let argv = ["/usr/bin/tmux", "-L", socketName, "-f", "/dev/null"] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else {
            throw NSError(domain: "tmux", code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot start tmux"])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let output = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        guard exitCode == 0 else {
            throw NSError(domain: "tmux", code: Int(exitCode),
                          userInfo: [NSLocalizedDescriptionKey: "tmux \(arguments.first ?? "") failed: \(output)"])
        }
        return output
    }

    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// The `rotation` executable built beside the test bundle.
enum BuiltProducts {
    static var rotation: URL {
        get throws {
            var dir = Bundle(for: TmuxSession.self).bundleURL
            for _ in 0..<3 {
                let candidate = dir.appendingPathComponent("rotation")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                dir.deleteLastPathComponent()
            }
            // swift test builds the executables too; a missing one is a broken build, not a reason to skip.
            throw NSError(domain: "BuiltProducts", code: 1, userInfo: [
                NSLocalizedDescriptionKey: "the rotation executable was not found next to \(Bundle(for: TmuxSession.self).bundleURL.path)"])
        }
    }
}
