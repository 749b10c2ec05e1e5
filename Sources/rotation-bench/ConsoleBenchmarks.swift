import Console
import Foundation
import Postgres
import Rotation
import Terminal
#if canImport(Glibc)
import Glibc
#endif

/// The review console against the budgets of DESIGN.md section 8: a full 200x60 frame (< 2 ms) and the cells a
/// cursor move writes; first paint (< 200 ms) and resident memory (< 50 MB) with 1M `track_matches` rows; and
/// keystroke-to-screen latency of the real `rotation review` under tmux. Prints figures, asserts nothing.
///
/// With fewer than 1M `track_matches` rows it seeds 1M synthetic ones (`SyntheticDataSeeder`, Discogs ids from
/// 9e9 up, about a minute) into the given database and leaves them there. The tmux figures need `tmux` and the
/// `rotation` executable from the same build directory; without them they are reported as not measured.
func runConsoleBenchmarks(postgresURL: String, redisURL: String) throws {
    print("== Console (review console, 200x60) ==")
    consoleFrameBenchmarks()

    let db = try PostgresConnection(url: postgresURL)
    defer { db.close() }
    _ = try MigrationRunner(connection: db).apply()
    try consoleEnsureMillionRows(db)
    let target = try ConsoleFirstScreen(db: db)
    print("  first store \(target.store), its first release \(target.releaseID) (Cat# \(target.catno)), "
          + "\(target.trackCount) tracks")

    consoleInProcessFirstPaint(postgresURL: postgresURL, redisURL: redisURL, target: target)
    guard let rotation = consoleRotationExecutable() else {
        print("  tmux figures (first paint, memory, latency): not measured, no `rotation` executable next to \(CommandLine.arguments[0])")
        print("")
        return
    }
    guard FileManager.default.isExecutableFile(atPath: ConsoleTmux.tmuxPath) else {
        print("  tmux figures (first paint, memory, latency): not measured, tmux is not installed")
        print("")
        return
    }
    consoleTmuxBenchmarks(rotation: rotation, postgresURL: postgresURL, redisURL: redisURL, target: target)
    print("")
}

// MARK: - 1 and 2: frames in memory

private let consoleFrameSize = TerminalSize(columns: 200, rows: 60)

private func consoleFrameBenchmarks() {
    var state = ConsoleFixture.realisticState(size: consoleFrameSize)
    let terminal = MemoryTerminal(size: consoleFrameSize)
    let presenter = FramePresenter(backend: terminal, minimumSize: ConsoleLayout.minimumSize)
    let frames = 400

    // Warm up (first-touch allocations, caches).
    for _ in 0..<20 { presenter.invalidate(); presenter.present(ConsoleView.render(state)) }

    // A full frame: render, diff against nothing, draw every cell.
    var total: [Double] = [], render: [Double] = [], diff: [Double] = [], draw: [Double] = []
    var fullCells = 0
    for _ in 0..<frames {
        presenter.invalidate()
        terminal.resetCounters()
        total.append(seconds {
            let frame = ConsoleView.render(state)
            fullCells = presenter.present(frame).cellsWritten
        })
        var frame = CellBuffer(size: consoleFrameSize)
        render.append(seconds { frame = ConsoleView.render(state) })
        var runs: [CellRun] = []
        diff.append(seconds { runs = BufferDiff.changes(from: nil, to: frame) })
        let scratch = MemoryTerminal(size: consoleFrameSize)
        draw.append(seconds { scratch.draw(runs) })
    }
    let fullMedian = median(total)
    consoleLine("full frame (render+diff+draw)", String(format: "median %7.1f µs  p90 %7.1f µs  %5ld cells written  budget 2000 µs  ratio %.3f",
        fullMedian * 1e6, consolePercentile(total, 0.9) * 1e6, fullCells, fullMedian / 0.002))
    consoleLine("  of which render", String(format: "median %7.1f µs", median(render) * 1e6))
    consoleLine("  of which diff (vs nothing)", String(format: "median %7.1f µs", median(diff) * 1e6))
    consoleLine("  of which MemoryTerminal draw", String(format: "median %7.1f µs", median(draw) * 1e6))

    // A steady frame: nothing changed since the last one.
    presenter.present(ConsoleView.render(state))
    var steady: [Double] = []
    var steadyCells = 0
    terminal.resetCounters()
    for _ in 0..<frames {
        steady.append(seconds { steadyCells += presenter.present(ConsoleView.render(state)).cellsWritten })
    }
    consoleLine("steady frame (no change)", String(format: "median %7.1f µs  p90 %7.1f µs  %5ld cells written per frame (MemoryTerminal: %ld)",
        median(steady) * 1e6, consolePercentile(steady, 0.9) * 1e6, steadyCells / frames, terminal.cellsWritten / frames))

    // A cursor move in the tracks pane: key, update, render, diff, draw. Down to the last track, then back up.
    state.reviewFocus = .tracks
    presenter.present(ConsoleView.render(state))
    let count = state.tracks.visible.count
    var moveTimes: [Double] = [], moveCells: [Double] = [], moveRuns: [Double] = []
    var counted = 0
    var down = true
    terminal.resetCounters()
    for _ in 0..<frames {
        if state.tracks.cursor >= count - 1 { down = false } else if state.tracks.cursor == 0 { down = true }
        var statistics: FramePresenter.Statistics?
        moveTimes.append(seconds {
            _ = ConsoleUpdate.update(&state, .key(.character(down ? "j" : "k")))
            statistics = presenter.present(ConsoleView.render(state))
        })
        moveCells.append(Double(statistics?.cellsWritten ?? 0))
        moveRuns.append(Double(statistics?.runs ?? 0))
        counted += 1
    }
    consoleLine("cursor move j/k in tracks", String(format: "median %7.1f µs  p90 %7.1f µs  (key+update+render+diff+draw, %ld tracks)",
        median(moveTimes) * 1e6, consolePercentile(moveTimes, 0.9) * 1e6, count))
    consoleLine("  cells written per move", String(format: "median %.0f  min %.0f  max %.0f  (%ld runs median; MemoryTerminal mean %.1f) of %ld cells = %.1f %%",
        median(moveCells), moveCells.min() ?? 0, moveCells.max() ?? 0, Int(median(moveRuns)),
        Double(terminal.cellsWritten) / Double(counted), consoleFrameSize.columns * consoleFrameSize.rows,
        median(moveCells) / Double(consoleFrameSize.columns * consoleFrameSize.rows) * 100))
}

/// A review screen as a curator sees it mid-session, built through `update` as the event loop would.
private enum ConsoleFixture {
    static func realisticState(size: TerminalSize) -> ConsoleState {
        let epoch = Date(timeIntervalSince1970: 1_763_700_000)
        var state = ConsoleState(session: ConsoleSession(user: "bench"), themeNames: ["default", "light"],
                                 themeName: "default", size: size, now: epoch)
        var effects = ConsoleUpdate.update(&state, .started)
        let stores = (0..<20).map { StoreRow(name: storeNames[$0 % storeNames.count] + ($0 < storeNames.count ? "" : "-\($0)"),
                                             pending: 50_000 - $0 * 1_700, unmatched: 900 + $0 * 13) }
        effects = ConsoleUpdate.update(&state, .storesLoaded(loadID(effects), stores))
        let releases = (0..<100).map { index in
            ReleaseRow(discogsID: 9_000_000_000 + Int64(index), title: titles[index % titles.count] + (index < titles.count ? "" : " (\(index))"),
                       artist: artists[index % artists.count], catno: "SYN-\(index * 37)", pending: 10 - index % 9)
        }
        effects = ConsoleUpdate.update(&state, .releasesLoaded(loadID(effects), store: stores[0].name, releases, nextPage: "more"))
        let releaseID = releases[0].discogsID
        let seen = epoch.addingTimeInterval(-3_600)
        let tracks = (0..<12).map { index -> TrackRow in
            let status: TrackRowStatus = index % 5 == 4 ? .unmatched : (index % 3 == 0 ? .approved : .pending)
            let candidates = (0..<4).map { candidate(track: index, rank: $0) }
            return TrackRow(releaseID: releaseID, index: index, position: "\(index < 6 ? "A" : "B")\(index % 6 + 1)",
                            title: trackTitles[index % trackTitles.count], duration: "\(3 + index % 5):\(10 + index * 3 % 50)",
                            platform: status == .unmatched ? nil : (index % 2 == 0 ? .youtube : .soundcloud),
                            url: status == .unmatched ? nil : candidates[0].url,
                            confidence: status == .unmatched ? nil : candidates[0].confidence, status: status,
                            updatedAt: status == .unmatched ? nil : seen, verifiedBy: status == .approved ? "matcher" : nil,
                            candidates: candidates)
        }
        _ = ConsoleUpdate.update(&state, .tracksLoaded(loadID(effects), releaseID: releaseID, tracks))
        _ = ConsoleUpdate.update(&state, .healthChanged(HealthSnapshot(
            postgres: TierStatus(isUp: true, roundTripMilliseconds: 0.4), redis: TierStatus(isUp: true, roundTripMilliseconds: 0.2))))
        for sample in 0..<ConsoleState.historyLength {
            let wave = Double(sample % 17) / 17
            _ = ConsoleUpdate.update(&state, .cacheStatsSampled(CacheSnapshot(
                totalKeys: 1_012_345, matchKeys: 998_765, scanAgeSeconds: 12, memoryUsedBytes: 412 << 20,
                memoryMaxBytes: 1 << 30, evictions: 0, opsPerSecond: 800 + 400 * wave, hitRate: 0.93,
                serviceHits: 120_000 + sample, serviceMisses: 9_000,
                ttlSpread: CacheTTLSpread(buckets: [.init("<1h", 41_000), .init("1-6h", 250_000), .init("6-12h", 300_000),
                                                    .init("12-24h", 407_765)]))))
            _ = ConsoleUpdate.update(&state, .queueStatsSampled(QueueSnapshot(
                counts: [.queued: 1_000 - sample, .processing: 4, .completed: 95_000 + sample, .failed: 12],
                oldestQueuedSeconds: 340, throughputPerMinute: 300 + 60 * wave, stuck: 1, failed: 12)))
        }
        _ = ConsoleUpdate.update(&state, .tick(epoch))
        return state
    }

    static func candidate(track index: Int, rank: Int) -> CandidateOption {
        let youtube = rank % 2 == 0
        let url = youtube ? "https://www.youtube.com/watch?v=cand\(index)x\(rank)aZ" : "https://soundcloud.com/label/track-\(index)-\(rank)"
        let suffix = rank == 0 ? "(Official Audio)" : "live \(2000 + rank)"
        let title = artists[0] + " - " + trackTitles[index % trackTitles.count] + " " + suffix
        let rankValue = Double(rank)
        let confidence: Double = 0.92 - rankValue * 0.11 - Double(index % 4) * 0.03
        let evidence: [ScoreEvidence] = [
            ScoreEvidence(signal: "title", value: 0.95 - rankValue * 0.1, weight: 0.45),
            ScoreEvidence(signal: "artist", value: 0.9, weight: 0.3),
            ScoreEvidence(signal: "duration", value: 0.8 - rankValue * 0.2, weight: 0.15),
            ScoreEvidence(signal: "channel", value: rank == 0 ? 1 : 0.2, weight: 0.1),
            ScoreEvidence(signal: "live penalty", value: rank == 0 ? 0 : 1, weight: 0.1, contribution: rank == 0 ? 0 : -0.1),
        ]
        return CandidateOption(url: url, platform: youtube ? .youtube : .soundcloud, title: title, confidence: confidence,
                               evidence: evidence, rejected: rank == 3)
    }

    static func loadID(_ effects: [ConsoleEffect]) -> RequestID {
        (effects.last { if case .loadStores = $0 { return true }; if case .loadReleases = $0 { return true }
                        if case .loadTracks = $0 { return true }; return false } ?? effects[0]).requestID
    }

    static let storeNames = ["deepgroove-records", "tokyo-vinyl-exchange", "berlin-basement", "récords-de-montréal",
                             "sound-of-são-paulo", "kyiv-crate-diggers", "lagos-highlife-house", "detroit-techno-depot"]
    static let artists = ["John Coltrane", "はっぴいえんど", "Fela Kuti & Africa 70", "Björk", "Кино", "Ryuichi Sakamoto",
                          "Os Mutantes", "Underground Resistance", "Αφροδίτη Μάνου"]
    static let titles = ["Blue Train", "風街ろまん", "Zombie", "Homogenic", "Группа крови", "B-2 Unit",
                         "A Divina Comédia ou Ando Meio Desligado", "Interstellar Fugitives", "Τα Παράθυρα"]
    static let trackTitles = ["Blue Train", "Moment's Notice", "Locomotion", "I'm Old Fashioned", "Lazy Bird",
                              "夏なんです", "Hold On (Extended Mix)", "Жизнь в стеклах", "Riot in Lagos", "Hyperballad",
                              "Ave Lúcifer", "Jupiter Jazz"]
}

// MARK: - 3: data at scale

private let consoleMillion = 1_000_000

private func consoleEnsureMillionRows(_ db: PostgresConnection) throws {
    let existing = try db.query("SELECT count(*) FROM track_matches").scalar(Int.self)
    if existing >= consoleMillion {
        consoleLine("track_matches rows", "\(existing) already present (seed skipped)")
        return
    }
    FileHandle.standardError.write(Data("seeding 1M track_matches rows (about a minute)…\n".utf8))
    var report: SeedReport?
    let elapsed = seconds {
        report = try SyntheticDataSeeder(connection: db).seed(
            SeedRequest(stores: 20, releases: 100_000, tracksPerRelease: 10, queuedReleases: 1000, seed: 1))
    }
    let now = try db.query("SELECT count(*) FROM track_matches").scalar(Int.self)
    consoleLine("track_matches rows", String(format: "%ld (seeded %ld matches, %ld candidates in %.1f s)",
                                             now, report?.trackMatches ?? 0, report?.candidates ?? 0, elapsed))
}

/// What the first screen shows: the first store, its first release and how many tracks that has.
private struct ConsoleFirstScreen {
    var store: String
    var releaseID: Int64
    var catno: String
    var trackCount: Int

    init(db: PostgresConnection) throws {
        let queries = ConsoleQueries(database: db)
        guard let store = try queries.stores(limit: 1000).items.first?.store,
              let release = try queries.releases(of: store, order: .mostPending, after: nil, limit: 100).items.first else {
            throw PostgresError(.connectionFailed, message: "the seeded database has no store with releases")
        }
        self.store = store
        releaseID = release.releaseID
        catno = release.catno ?? ""
        trackCount = try queries.release(release.releaseID).tracks.filter { $0.status != .heading }.count
    }
}

private func consoleInProcessFirstPaint(postgresURL: String, redisURL: String, target: ConsoleFirstScreen) {
    let settings = RotationSettings(environment: ["DATABASE_URL": postgresURL, "REDIS_URL": redisURL])
    let session = ConsoleSession(user: "bench")

    // The real event loop: ServiceEffectHandler + ConsoleApp on a MemoryTerminal, effects on the app's queues.
    var appReleases: [Double] = [], appTracks: [Double] = []
    var shown = true
    for _ in 0..<7 {
        let clock = ContinuousClock()
        let start = clock.now
        let handler = ServiceEffectHandler(settings: settings, reviewer: "bench")
        let terminal = MemoryTerminal(size: consoleFrameSize)
        let app = ConsoleApp(state: ConsoleState(session: session, size: consoleFrameSize), backend: terminal, handler: handler)
        app.send(.started)
        var releasesAt: Double?
        let deadline = start + .seconds(30)
        while clock.now < deadline {
            app.step(keyTimeout: .zero)
            if releasesAt == nil && app.state.releases.loaded { releasesAt = consoleSeconds(clock.now - start) }
            if app.state.tracks.loaded {
                appTracks.append(consoleSeconds(clock.now - start))
                break
            }
            usleep(100)
        }
        if let releasesAt { appReleases.append(releasesAt) }
        shown = shown && terminal.text.contains(target.catno) && terminal.text.contains("Tracks 1/")
        _ = app.waitForWrites(timeout: .seconds(1))
    }
    if appTracks.isEmpty {
        consoleLine("first paint in process (app)", "not measured: the tracks never loaded within 30 s")
    } else {
        consoleLine("first paint in process (app)", String(format: "releases %6.1f ms  tracks %6.1f ms median of %ld (first run %.1f ms)  budget 200 ms  ratio %.3f",
            median(appReleases) * 1e3, median(appTracks) * 1e3, appTracks.count, appTracks[0] * 1e3, median(appTracks) / 0.2)
            + (shown ? "" : "  (the screen did not show the expected release!)"))
    }

    // The same loop on a backend that waits out the key timeout as ncurses does when no key comes (MemoryTerminal
    // returns at once): answers posted to the inbox wait for the key read to time out before they are applied.
    var waitingTracks: [Double] = []
    for _ in 0..<5 {
        let clock = ContinuousClock()
        let start = clock.now
        let handler = ServiceEffectHandler(settings: settings, reviewer: "bench")
        let terminal = ConsoleKeyWaitingTerminal(size: consoleFrameSize)
        let app = ConsoleApp(state: ConsoleState(session: session, size: consoleFrameSize), backend: terminal, handler: handler)
        app.send(.started)
        let deadline = start + .seconds(30)
        while clock.now < deadline {
            app.step()
            if app.state.tracks.loaded { waitingTracks.append(consoleSeconds(clock.now - start)); break }
        }
        _ = app.waitForWrites(timeout: .seconds(1))
    }
    if !waitingTracks.isEmpty {
        consoleLine("  app, key read waits as ncurses", String(format: "tracks %6.1f ms median of %ld: each load round waits for the key read's timeout (30 ms while requests are pending)",
            median(waitingTracks) * 1e3, waitingTracks.count))
    }

    // The same three loads run through the handler synchronously on this thread, with each step timed.
    var setup: [Double] = [], stores: [Double] = [], releases: [Double] = [], tracks: [Double] = [], paint: [Double] = [], total: [Double] = []
    for _ in 0..<7 {
        var state = ConsoleState(session: session, size: consoleFrameSize)
        let inbox = ConsoleEventInbox()
        var handler: ServiceEffectHandler?
        let terminal = MemoryTerminal(size: consoleFrameSize)
        var steps: [String: Double] = [:]
        let all = seconds {
            steps["setup"] = seconds { handler = ServiceEffectHandler(settings: settings, reviewer: "bench") }
            var effects = ConsoleUpdate.update(&state, .started)
            var rounds = 0
            while !state.tracks.loaded && rounds < 10 {
                rounds += 1
                for effect in effects {
                    let name: String
                    switch effect {
                    case .loadStores: name = "stores"
                    case .loadReleases: name = "releases"
                    case .loadTracks: name = "tracks"
                    default: continue
                    }
                    steps[name, default: 0] += seconds { handler!.perform(effect, events: inbox) }
                }
                effects = inbox.drain().flatMap { ConsoleUpdate.update(&state, $0) }
            }
            steps["paint"] = seconds {
                FramePresenter(backend: terminal, minimumSize: ConsoleLayout.minimumSize).present(ConsoleView.render(state))
            }
        }
        guard state.tracks.loaded else { continue }
        setup.append(steps["setup"] ?? 0); stores.append(steps["stores"] ?? 0); releases.append(steps["releases"] ?? 0)
        tracks.append(steps["tracks"] ?? 0); paint.append(steps["paint"] ?? 0); total.append(all)
    }
    if total.isEmpty {
        consoleLine("first paint in process (sync)", "not measured: the loads failed")
    } else {
        consoleLine("first paint in process (sync)", String(format: "%6.1f ms median of %ld  budget 200 ms  ratio %.3f",
            median(total) * 1e3, total.count, median(total) / 0.2))
        consoleLine("  handler init / stores / releases", String(format: "%6.2f / %6.2f / %6.2f ms", median(setup) * 1e3, median(stores) * 1e3, median(releases) * 1e3))
        consoleLine("  tracks / render+diff+draw", String(format: "%6.2f / %6.2f ms", median(tracks) * 1e3, median(paint) * 1e3))
    }
}

// MARK: - 3, 4, 5: the real binary under tmux

private func consoleTmuxBenchmarks(rotation: String, postgresURL: String, redisURL: String, target: ConsoleFirstScreen) {
    let configHome = NSTemporaryDirectory() + "rotation-bench-\(getpid())"
    try? FileManager.default.createDirectory(atPath: configHome, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: configHome) }
    let environment = ["TERM": "xterm-256color", "DATABASE_URL": postgresURL, "REDIS_URL": redisURL,
                       "ROTATION_REVIEWER": "bench", "XDG_CONFIG_HOME": configHome]
    let pollPause: useconds_t = 1_000
    if let floor = consoleProcessStartFloor(rotation) {
        consoleLine("process start floor", String(format: "%6.1f ms median: spawn to exit of `rotation --help`", floor * 1e3))
    }

    // 3. First paint: from the exec of `rotation review` to the capture showing the first store's releases.
    var fromExec: [Double] = [], fromExecTracks: [Double] = [], fromExecFirstOutput: [Double] = [], fromSpawn: [Double] = []
    var captures: [Double] = []
    var lastSession: ConsoleTmux?
    let runs = 5
    for run in 0..<runs {
        let stampFile = configHome + "/exec-\(run)"
        guard let session = try? ConsoleTmux(rotation: rotation, environment: environment, stampFile: stampFile) else {
            consoleLine("first paint under tmux", "not measured: tmux could not start a session")
            return
        }
        let spawnedAt = session.spawnedAtRealtime
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
        consoleLine("  first non-blank screen", String(format: "%6.1f ms median from exec (process start, ncurses, layout before any data)",
            median(fromExecFirstOutput) * 1e3))
        consoleLine("  tracks of the first release too", String(format: "%6.1f ms median from exec", median(fromExecTracks) * 1e3))
        consoleLine("  releases from tmux new-session", String(format: "%6.1f ms median (adds tmux server and pane start, bash)",
            median(fromSpawn) * 1e3))
        consoleLine("  poll granularity", String(format: "capture-pane round trip median %.1f ms (p90 %.1f) + %ld µs pause: figures are upper bounds by up to one poll",
            median(captures) * 1e3, consolePercentile(captures, 0.9) * 1e3, Int(pollPause)))
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
            median(upper) * 1e3, consolePercentile(upper, 0.9) * 1e3, upper.count))
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
        consoleLine("resident memory (rotation review)", String(format: "VmRSS %.1f MB  VmHWM %.1f MB  budget 50 MB  ratio %.3f (HWM %.3f)",
            rss / 1024, hwm / 1024, rss / 1024 / 50, hwm / 1024 / 50))
        consoleLine("  after", "first paint, 3 stores, 3 releases, \(upper.count) track moves, inventory, cache, queue screens")
    } else {
        consoleLine("resident memory (rotation review)", "not measured: /proc/\(pid)/status unreadable")
    }
}

/// A MemoryTerminal whose key read, with no key queued, blocks for its timeout as ncurses' wget_wch does.
private final class ConsoleKeyWaitingTerminal: TerminalBackend {
    let memory: MemoryTerminal
    init(size: TerminalSize) { memory = MemoryTerminal(size: size) }
    var size: TerminalSize { memory.size }
    var colorCapability: ColorCapability { memory.colorCapability }
    func setTheme(_ theme: Theme) { memory.setTheme(theme) }
    func clear() { memory.clear() }
    func draw(_ runs: [CellRun]) { memory.draw(runs) }
    func setCursor(_ position: CellPosition?) { memory.setCursor(position) }
    func flush() { memory.flush() }
    func readKey(timeout: Duration?) -> KeyEvent? {
        if let key = memory.readKey(timeout: nil) { return key }
        if let timeout { Thread.sleep(forTimeInterval: consoleSeconds(timeout)) }
        return nil
    }
}

/// Exec to exit of `rotation --help`: what starting the process costs before the console does anything.
private func consoleProcessStartFloor(_ rotation: String) -> Double? {
    var times: [Double] = []
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
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        times.append(consoleRealtime() - start)
    }
    return median(times)
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
private func consoleRotationExecutable() -> String? {
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let candidate = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("rotation").path
    return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
}

/// `rotation review` in a private tmux server. The pane runs bash, which writes its wall-clock time to
/// `stampFile` and execs the program (so the pane's pid is the program's, and the stamp is its start).
private final class ConsoleTmux {
    static let tmuxPath = "/usr/bin/tmux"
    let socketName = "rotation-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let spawnedAtRealtime: Double
    private var killed = false

    init(rotation: String, environment: [String: String], stampFile: String) throws {
        let exports = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        let script = "printf '%s' \"$EPOCHREALTIME\" > \(Self.quote(stampFile)); exec env \(exports) \(Self.quote(rotation)) review"
        spawnedAtRealtime = consoleRealtime()
        try run(["new-session", "-d", "-s", "bench", "-x", "200", "-y", "60", "/bin/bash", "-c", script])
        try run(["set-option", "-t", "bench", "remain-on-exit", "on"])
    }

    deinit { kill() }

    func kill() {
        guard !killed else { return }
        killed = true
        _ = try? run(["kill-server"])
    }

    var panePID: pid_t? {
        (try? run(["display-message", "-p", "-t", "bench", "#{pane_pid}"])).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func send(_ key: String) throws { try run(["send-keys", "-t", "bench", key]) }

    func screen() throws -> String { try run(["capture-pane", "-p", "-t", "bench"]) }

    @discardableResult
    private func run(_ arguments: [String]) throws -> String {
        // posix_spawn + waitpid, not Foundation's Process: the tmux server keeps Process's exit descriptor open.
        let outputFile = NSTemporaryDirectory() + "\(socketName)-out"
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
        guard spawned == 0 else { throw ConsoleTmuxError(message: "cannot start tmux (\(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        guard status == 0 else { throw ConsoleTmuxError(message: "tmux \(arguments.first ?? "") failed: \(output)") }
        return output
    }

    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

private struct ConsoleTmuxError: Error { var message: String }

// MARK: - Helpers

private func consoleLine(_ name: String, _ figures: String) {
    print("  \(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(figures)")
}

private func consolePercentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
}

private func consoleSeconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Wall-clock seconds, comparable with bash's $EPOCHREALTIME in the tmux pane.
private func consoleRealtime() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
