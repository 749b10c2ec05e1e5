import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who a process is: its pid and the kernel's start time for it (`/proc/PID/stat` field 22, in clock ticks since
/// boot). A pid is reused once its process is gone; the pair is not, so a stale record never names a stranger.
struct ProcessIdentity: Equatable, Sendable {
    let pid: Int32
    let startTime: String

    /// The identity of a running process; nil when it is gone (or not visible in /proc).
    init?(pid: Int32) {
        guard pid > 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let startTime = Self.startTime(fromStat: stat)
        else { return nil }
        self.pid = pid
        self.startTime = startTime
    }

    /// Field 22 of a stat line. The command name (field 2) is in parentheses and may hold spaces and `)`, so the
    /// fields are counted from after its last `)`, where field 3 starts.
    static func startTime(fromStat stat: String) -> String? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count >= 20 else { return nil }
        return String(fields[19])
    }

}

/// A detached `/bin/sh` that outlives the process that started the private servers only to clean up after it:
/// when that process is gone (even by SIGKILL) it stops every process recorded in the directory's `*.pid` files
/// (SIGINT, then SIGKILL) and removes the directory unless its data is kept.
///
/// The script is constant text: the directory and the owner arrive as arguments (`"$1"`), so no path is ever
/// parsed as shell. `NAME.pid` holds the pid (alone, as pid files do) and `NAME.start` its start time; a process is
/// signalled only while its start time still matches, so a stale file (its process gone, the pid reused) never
/// gets an unrelated process killed, and a pid without a start time is never signalled. A zombie (exited, not yet
/// reaped) counts as gone.
enum ServerWatchdog {
    static let script = """
        dir=$1 owner=$2 owner_start=$3 cleanup=$4
        trap '' INT HUP; trap 'exit 0' TERM
        start_time() {
            stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
            set -- ${stat##*)}
            [ "$1" != Z ] || return 1
            shift 19
            printf '%s' "$1"
        }
        is_recorded() { [ -n "$2" ] && [ "$(start_time "$1")" = "$2" ]; }
        signal_recorded() {
            any=1
            for file in "$dir"/*.pid; do
                [ -f "$file" ] || continue
                pid= start=
                read -r pid < "$file"
                [ -f "${file%.pid}.start" ] && read -r start < "${file%.pid}.start"
                case $pid in ''|*[!0-9]*) continue ;; esac
                if is_recorded "$pid" "$start"; then
                    any=0
                    [ "$1" = check ] || kill "-$1" "$pid" 2>/dev/null
                fi
            done
            return $any
        }
        while is_recorded "$owner" "$owner_start"; do sleep 0.5; done
        signal_recorded INT
        tries=0
        while [ $tries -lt 50 ] && signal_recorded check; do sleep 0.1; tries=$((tries + 1)); done
        signal_recorded KILL
        if [ "$cleanup" = remove ]; then rm -rf -- "$dir"; fi
        exit 0
        """

    /// Starts the watchdog for `owner` (this process by default) over `directory`.
    static func start(directory: URL, owner: ProcessIdentity, removeDirectory: Bool) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "rotation-watchdog", directory.path, String(owner.pid), owner.startTime,
                             removeDirectory ? "remove" : "keep"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Records a process for the watchdog: `directory/NAME.start`, then `directory/NAME.pid`. A process already
    /// gone is not recorded.
    static func record(pid: Int32, name: String, in directory: URL) throws {
        forget(name: name, in: directory)
        guard let identity = ProcessIdentity(pid: pid) else { return }
        try "\(identity.startTime)\n".write(to: directory.appendingPathComponent("\(name).start"), atomically: true,
                                           encoding: .utf8)
        try "\(identity.pid)\n".write(to: directory.appendingPathComponent("\(name).pid"), atomically: true,
                                     encoding: .utf8)
    }

    /// Removes the record of a process that was stopped or has exited.
    static func forget(name: String, in directory: URL) {
        for suffix in ["pid", "start"] {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent("\(name).\(suffix)"))
        }
    }
}
