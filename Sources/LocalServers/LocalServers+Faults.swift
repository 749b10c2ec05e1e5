import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Faults on the private servers, for the fault drills: Redis frozen and thawed (SIGSTOP / SIGCONT: its
/// connections stay open and every command times out, as with a stalled or swapping server) and Postgres restarted.
/// Only the servers this instance started are signalled, and only while their process is still that server.
extension LocalServers {
    /// Freezes Redis with SIGSTOP. Always pair with `resumeRedis()` (a frozen Redis cannot be stopped by SIGTERM).
    public func pauseRedis() throws {
        try signalRedis(SIGSTOP)
    }

    /// Thaws Redis with SIGCONT: it answers again, including commands sent while it was frozen.
    public func resumeRedis() throws {
        try signalRedis(SIGCONT)
    }

    /// Stops Postgres (fast shutdown: sessions are terminated, open transactions roll back) and starts it again
    /// on the same port and data.
    public func restartPostgres() throws {
        stopPostgres()
        try startPostgres()
    }

    private func signalRedis(_ signal: Int32) throws {
        guard let pid = redisProcessID else { throw LocalServerError.commandFailed("signal Redis", output: "Redis is not running") }
        guard Self.processName(pid).hasPrefix("redis-server") else {
            throw LocalServerError.commandFailed("signal Redis", output: "process \(pid) is no longer redis-server")
        }
        guard kill(pid, signal) == 0 else {
            throw LocalServerError.commandFailed("kill(\(pid), \(signal))", output: String(cString: strerror(errno)))
        }
    }

    /// The command name the kernel holds for `pid` (`/proc/<pid>/comm`), empty when there is no such process.
    static func processName(_ pid: Int32) -> String {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
