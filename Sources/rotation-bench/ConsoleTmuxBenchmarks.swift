import Foundation
import TmuxDriver
#if canImport(Glibc)
import Glibc
#endif

// MARK: - 3, 4, 5: the real binary under tmux

/// First paint, keystroke latency and resident memory of the real `rotation review` under tmux. First paint is
/// also given as a ratio to the process start floor measured here (issue 13: at most 2x at 10M rows).
func consoleTmuxBenchmarks(rotation: String, postgresURL: String, redisURL: String, target: ConsoleFirstScreen,
                           memoryBudgetMB: Double = 50, figureLabel: String? = nil) {
    let configHome = NSTemporaryDirectory() + "rotation-bench-\(getpid())"
    try? FileManager.default.createDirectory(atPath: configHome, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: configHome) }
    let environment = ["TERM": "xterm-256color", "DATABASE_URL": postgresURL, "REDIS_URL": redisURL,
                       "ROTATION_REVIEWER": "bench", "XDG_CONFIG_HOME": configHome]
    let pollPause: useconds_t = 1_000
    let processFloor = consoleProcessStartFloor(rotation)
    let startFloor = processFloor?.seconds
    if let floor = processFloor {
        consoleLine("process start floor", String(format: "%6.1f ms median: spawn to exit of `rotation --help` (its peak RSS %.1f MB)",
                                                  floor.seconds * 1e3, floor.peakKB / 1024))
    }

    // 3. First paint: from the exec of `rotation review` to the capture showing the first store's releases.
    var fromExec: [Double] = [], fromExecTracks: [Double] = [], fromExecFirstOutput: [Double] = [], fromSpawn: [Double] = []
    var captures: [Double] = []
    var lastSession: TmuxSession?
    let runs = 5
    for run in 0..<runs {
        let stampFile = configHome + "/exec-\(run)"
        let spawnedAt = consoleRealtime()
        guard let session = try? consoleStartReview(rotation: rotation, environment: environment, stampFile: stampFile) else {
            consoleLine("first paint under tmux", "not measured: tmux could not start a session")
            return
        }
        var firstOutputAt: Double?
        var releasesAt: Double?
        var tracksAt: Double?
        let deadline = consoleRealtime() + 30
        while consoleRealtime() < deadline {
            let before = consoleRealtime()
            guard let screen = try? session.screen() else { break }
            let after = consoleRealtime()
            captures.append(after - before)
            if firstOutputAt == nil && screen.contains(where: { !$0.isWhitespace }) { firstOutputAt = after }
            if releasesAt == nil && screen.contains(target.catno + " ") { releasesAt = after }
            if releasesAt != nil, let label = consoleTracksLabel(screen), label.total > 0 { tracksAt = after; break }
            usleep(pollPause)
        }
        let execAt = (try? String(contentsOfFile: stampFile, encoding: .utf8)).flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        if let releasesAt, let execAt {
            fromExec.append(releasesAt - execAt)
            fromSpawn.append(releasesAt - spawnedAt)
            if let tracksAt { fromExecTracks.append(tracksAt - execAt) }
            if let firstOutputAt { fromExecFirstOutput.append(firstOutputAt - execAt) }
        }
        if run == runs - 1 { lastSession = session } else { session.kill() }
    }
    if fromExec.isEmpty {
        consoleLine("first paint under tmux", "not measured: the first store's releases never showed")
    } else {
        consoleLine("first paint under tmux", String(format: "%6.1f ms median of %ld (min %.1f, max %.1f) from exec to releases on screen  budget 200 ms  ratio %.3f",
            median(fromExec) * 1e3, fromExec.count, (fromExec.min() ?? 0) * 1e3, (fromExec.max() ?? 0) * 1e3, median(fromExec) / 0.2))
        if let startFloor {
            consoleLine("  vs the process start floor", String(format: "%.2fx (%.1f ms / %.1f ms; budget 2x)",
                ratio(median(fromExec), to: startFloor), median(fromExec) * 1e3, startFloor * 1e3))
            if let figureLabel {
                IssueFigures.record("first paint of `rotation review` under tmux \(figureLabel) (exec to releases on screen) vs `rotation --help`",
                                    measured: String(format: "%.1f ms (first non-blank %.1f ms)", median(fromExec) * 1e3,
                                                     median(fromExecFirstOutput) * 1e3),
                                    floor: String(format: "%.1f ms", startFloor * 1e3),
                                    ratio: ratioText(ratio(median(fromExec), to: startFloor)), goal: "<= 2x")
            }
        }
        consoleLine("  first non-blank screen", String(format: "%6.1f ms median from exec (process start, ncurses, layout before any data)",
            median(fromExecFirstOutput) * 1e3))
        consoleLine("  tracks of the first release too", String(format: "%6.1f ms median from exec", median(fromExecTracks) * 1e3))
        consoleLine("  releases from tmux new-session", String(format: "%6.1f ms median (adds tmux server and pane start, bash)",
            median(fromSpawn) * 1e3))
        consoleLine("  poll granularity", String(format: "capture-pane round trip median %.1f ms (p90 %.1f) + %ld µs pause: figures are upper bounds by up to one poll",
            median(captures) * 1e3, percentile(captures, 0.9) * 1e3, Int(pollPause)))
    }
    guard let session = lastSession, let pid = session.panePID else {
        consoleLine("memory and latency under tmux", "not measured: no running session")
        return
    }
    defer { session.kill() }

    // Browse: a few stores (each loads its releases), a few releases (each loads its tracks), then the tracks.
    func waitQuiet(_ what: String) -> String? {
        // The screen is settled when two captures 150 ms apart agree and nothing says "Loading".
        var last = ""
        let deadline = consoleRealtime() + 20
        while consoleRealtime() < deadline {
            guard let screen = try? session.screen() else { return nil }
            if screen == last && !screen.contains("Loading") { return screen }
            last = screen
            usleep(150_000)
        }
        return last
    }
    for _ in 0..<3 { try? session.send("j"); _ = waitQuiet("store") }
    try? session.send("Tab")
    for _ in 0..<3 { try? session.send("j"); _ = waitQuiet("release") }
    try? session.send("Tab")
    guard let screen = waitQuiet("tracks"), var label = consoleTracksLabel(screen), label.total > 1 else {
        consoleLine("keystroke latency under tmux", "not measured: the tracks pane never showed a cursor position")
        return
    }

    // 5. Keystroke to screen: send j (k on the way back) and poll until the tracks title shows the new position.
    var upper: [Double] = [], sendCalls: [Double] = [], bytes: [Double] = [], keyCaptures: [Double] = []
    var firstPoll = 0
    var down = true
    for _ in 0..<30 {
        if label.position >= label.total { down = false } else if label.position <= 1 { down = true }
        let expected = label.position + (down ? 1 : -1)
        let written = consoleWrittenBytes(pid)
        let start = consoleRealtime()
        do { try session.send(down ? "j" : "k") } catch { break }
        sendCalls.append(consoleRealtime() - start)
        var polls = 0
        var seen = false
        let deadline = start + 5
        while consoleRealtime() < deadline {
            let before = consoleRealtime()
            guard let screen = try? session.screen() else { break }
            keyCaptures.append(consoleRealtime() - before)
            polls += 1
            if let now = consoleTracksLabel(screen), now.position == expected {
                upper.append(consoleRealtime() - start)
                if polls == 1 { firstPoll += 1 }
                label = now
                seen = true
                break
            }
            usleep(pollPause)
        }
        if !seen { break }
        usleep(20_000)
        if let written, let after = consoleWrittenBytes(pid) { bytes.append(Double(after - written)) }
    }
    if upper.isEmpty {
        consoleLine("keystroke latency under tmux", "not measured: the cursor never moved")
    } else {
        consoleLine("keystroke latency under tmux", String(format: "median %5.1f ms  p90 %5.1f ms over %ld keys (send-keys to capture showing it)",
            median(upper) * 1e3, percentile(upper, 0.9) * 1e3, upper.count))
        consoleLine("  resolution", String(format: "the first capture after send-keys already showed the move for %ld/%ld keys; "
            + "send-keys takes %.1f ms and a capture %.1f ms (medians), so the figures above are upper bounds, mostly tmux's own round trips",
            firstPoll, upper.count, median(sendCalls) * 1e3, median(keyCaptures) * 1e3))
        if !bytes.isEmpty {
            consoleLine("  bytes written per move (tty)", String(format: "median %.0f  min %.0f  max %.0f  (/proc/PID/io wchar, includes any other write(2) of the process)",
                median(bytes), bytes.min() ?? 0, bytes.max() ?? 0))
        }
    }

    // 4. Resident memory after browsing: the other screens too, then back to review.
    for key in ["2", "j", "j", "3", "4", "1"] { try? session.send(key); _ = waitQuiet(key) }
    if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
        let rss = consoleStatusKB(status, "VmRSS"), hwm = consoleStatusKB(status, "VmHWM")
        consoleLine("resident memory (rotation review)", String(format: "VmRSS %.1f MB  VmHWM %.1f MB  budget %.0f MB  ratio %.3f (HWM %.3f)",
            rss / 1024, hwm / 1024, memoryBudgetMB, rss / 1024 / memoryBudgetMB, hwm / 1024 / memoryBudgetMB))
        if let processFloor {
            consoleLine("  vs the process floor", String(format: "%.2fx the peak RSS of `rotation --help` (%.1f MB)",
                ratio(hwm, to: processFloor.peakKB), processFloor.peakKB / 1024))
            if let figureLabel {
                IssueFigures.record("resident memory of `rotation review` \(figureLabel) after every screen (VmHWM) vs the peak of `rotation --help`",
                                    measured: String(format: "%.1f MB", hwm / 1024),
                                    floor: String(format: "%.1f MB", processFloor.peakKB / 1024),
                                    ratio: ratioText(ratio(hwm, to: processFloor.peakKB)),
                                    goal: String(format: "< %.0f MB", memoryBudgetMB))
            }
        }
        consoleLine("  after", "first paint, 3 stores, 3 releases, \(upper.count) track moves, inventory, cache, queue screens")
        // Read to the end through a file handle: procfs reports a size of 0, and smaps is longer than one read.
        if let data = try? FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(pid)/smaps")).readToEnd(),
           let smaps = String(data: data, encoding: .utf8) {
            let parts = ResidentMemoryParts(smaps: smaps)
            consoleLine("  made of (Rss by mapping)", parts.summary)
            consoleLine("  shared / private", String(format: "%.1f MB clean pages of files shared with other processes, %.1f MB private (%.1f MB anonymous)",
                parts.sharedClean / 1024, parts.privateTotal / 1024, parts.anonymous / 1024))
        }
    } else {
        consoleLine("resident memory (rotation review)", "not measured: /proc/\(pid)/status unreadable")
    }
}

/// Exec to exit of `rotation --help`: what starting the process costs before the console does anything, in time
/// (median) and in peak resident memory (through GNU time when installed; else the largest `wait4` figure, an
/// upper bound).
private func consoleProcessStartFloor(_ rotation: String) -> (seconds: Double, peakKB: Double)? {
    var times: [Double] = []
    var peakKB = 0.0
    for _ in 0..<5 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = [rotation, "--help"]
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let start = consoleRealtime()
        guard posix_spawn(&pid, rotation, &actions, nil, cArguments, environ) == 0 else { return nil }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        times.append(consoleRealtime() - start)
        peakKB = max(peakKB, Double(usage.ru_maxrss))
    }
    // ru_maxrss above counts this benchmark's own resident memory (see `spawn`): the exact peak, when GNU time can
    // give it, replaces it.
    if let measured = try? spawn(rotation, ["--help"], environment: [:]), measured.peakIsExact {
        peakKB = measured.maxResidentMegabytes * 1024
    }
    return (median(times), peakKB)
}

/// "Tracks 3/10" in the tracks pane's title: the cursor position (1-based) and the count.
private func consoleTracksLabel(_ screen: String) -> (position: Int, total: Int)? {
    guard let range = screen.range(of: "Tracks ") else { return nil }
    let rest = screen[range.upperBound...]
    let position = rest.prefix { $0.isNumber }
    guard !position.isEmpty, rest.dropFirst(position.count).first == "/" else { return nil }
    let total = rest.dropFirst(position.count + 1).prefix { $0.isNumber }
    guard let p = Int(position), let t = Int(total) else { return nil }
    return (p, t)
}

private func consoleWrittenBytes(_ pid: pid_t) -> Int? {
    guard let io = try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8) else { return nil }
    for line in io.split(separator: "\n") where line.hasPrefix("wchar:") {
        return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
    }
    return nil
}

private func consoleStatusKB(_ status: String, _ field: String) -> Double {
    for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
    return 0
}

/// The `rotation` executable in the same build directory as this one.
func consoleRotationExecutable() -> String? {
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let candidate = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("rotation").path
    return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
}

/// `rotation review` in a private tmux server at the benchmark size. The pane runs bash, which writes its wall-clock
/// time to `stampFile` and execs the program (so the pane's pid is the program's, and the stamp is its start).
private func consoleStartReview(rotation: String, environment: [String: String], stampFile: String) throws -> TmuxSession {
    let exports = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(TmuxSession.shellQuote($0.value))" }.joined(separator: " ")
    let script = "printf '%s' \"$EPOCHREALTIME\" > \(TmuxSession.shellQuote(stampFile)); "
        + "exec env \(exports) \(TmuxSession.shellQuote(rotation)) review"
    return try TmuxSession(newSessionCommand: ["/bin/bash", "-c", script], sessionName: "bench", socketPrefix: "rotation-bench",
                           columns: consoleFrameSize.columns, rows: consoleFrameSize.rows)
}

/// Wall-clock seconds, comparable with bash's $EPOCHREALTIME in the tmux pane.
private func consoleRealtime() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
