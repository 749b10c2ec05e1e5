import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program running in a detached session of a private tmux server (a socket of its own, no user config):
/// type keys, read the screen, resize, ask whether the program exited. Shared by the end-to-end console tests and
/// `rotation-bench console`; it never waits or asserts, callers poll `screen()` for what they expect.
public final class TmuxSession {
    public static let tmuxPath = "/usr/bin/tmux"
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: tmuxPath) }

    public let socketName: String
    public let sessionName: String
    private var killed = false

    /// Starts `newSessionCommand` in a detached session of the given size. As with `tmux new-session`, one string
    /// runs through the shell and several are executed as they are. The pane stays after the program exits, so its
    /// last screen (an error message) can still be read.
    public init(newSessionCommand: [String], sessionName: String, socketPrefix: String,
                columns: Int, rows: Int) throws {
        self.sessionName = sessionName
        socketName = "\(socketPrefix)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try tmux(["new-session", "-d", "-s", sessionName, "-x", String(columns), "-y", String(rows)]
                 + newSessionCommand)
        try tmux(["set-option", "-t", sessionName, "remain-on-exit", "on"])
    }

    deinit { kill() }

    /// Stops the private server and the program in it; later calls do nothing.
    public func kill() {
        guard !killed else { return }
        killed = true
        _ = try? tmux(["kill-server"])
    }

    /// Sends keys in tmux's notation: "j", "Enter", "Tab", "C-c", "Escape". Literal text goes with `literal: true`.
    public func send(_ keys: String..., literal: Bool = false) throws {
        try tmux(["send-keys", "-t", sessionName] + (literal ? ["-l"] : []) + keys)
    }

    /// The visible screen as text.
    public func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", sessionName])
    }

    public func resize(columns: Int, rows: Int) throws {
        try tmux(["resize-window", "-t", sessionName, "-x", String(columns), "-y", String(rows)])
    }

    /// Whether the program in the pane has exited.
    public func programExited() throws -> Bool {
        try tmux(["display-message", "-p", "-t", sessionName, "#{pane_dead}"])
            .trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    /// The process id of the pane's program (nil when tmux cannot say).
    public var panePID: pid_t? {
        (try? tmux(["display-message", "-p", "-t", sessionName, "#{pane_pid}"]))
            .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// `text` as one single-quoted word for `sh`.
    public static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        // posix_spawn + waitpid rather than Foundation's Process: Process learns that a child exited from a
        // descriptor the child inherits, and the tmux server that new-session forks keeps it open forever.
        let outputFile = NSTemporaryDirectory() + "\(socketName)-\(UUID().uuidString).out"
        defer { unlink(outputFile) }
        let argv = [Self.tmuxPath, "-L", socketName, "-f", "/dev/null"] + arguments
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
        guard spawned == 0 else { throw TmuxError(message: "cannot start tmux (error \(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let output = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        guard exitCode == 0 else { throw TmuxError(message: "tmux \(arguments.first ?? "") failed: \(output)") }
        return output
    }
}

/// A tmux command that could not start or exited non-zero, with what tmux printed.
public struct TmuxError: LocalizedError, CustomStringConvertible {
    public var message: String
    public var description: String { message }
    public var errorDescription: String? { message }
}
