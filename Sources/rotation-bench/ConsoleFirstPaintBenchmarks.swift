import Console
import ConsoleLive
import Foundation
import Postgres
import Rotation
import Terminal
#if canImport(Glibc)
import Glibc
#endif

// MARK: - 3: data at scale

private let consoleMillion = 1_000_000

func consoleEnsureMillionRows(_ db: PostgresConnection) throws {
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
struct ConsoleFirstScreen {
    var store: String
    var releaseID: Int64
    var catno: String
    var trackCount: Int

    init(db: PostgresConnection) throws {
        let queries = ReviewQueries(database: db)
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


// MARK: - 3: first paint in process

/// First paint through the real event loop on a MemoryTerminal, then the same loads step by step.
func consoleInProcessFirstPaint(postgresURL: String, redisURL: String, target: ConsoleFirstScreen) {
    let settings = RotationSettings(environment: ["DATABASE_URL": postgresURL, "REDIS_URL": redisURL])
    let session = ConsoleSession(user: "bench")

    // The real event loop: ServiceEffectHandler + ConsoleApp on a MemoryTerminal, effects on the app's queues.
    var appReleases: [Double] = [], appTracks: [Double] = []
    var shown = true
    for _ in 0..<7 {
        let clock = ContinuousClock()
        let start = clock.now
        let terminal = MemoryTerminal(size: consoleFrameSize)
        let app = consoleStartedApp(settings: settings, session: session, backend: terminal)
        var releasesAt: Double?
        let deadline = start + .seconds(30)
        while clock.now < deadline {
            app.step(keyTimeout: .zero)
            if releasesAt == nil && app.state.review.releases.loaded { releasesAt = seconds(clock.now - start) }
            if app.state.review.tracks.loaded {
                appTracks.append(seconds(clock.now - start))
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
        let app = consoleStartedApp(settings: settings, session: session, backend: ConsoleKeyWaitingTerminal(size: consoleFrameSize))
        let deadline = start + .seconds(30)
        while clock.now < deadline {
            app.step()
            if app.state.review.tracks.loaded { waitingTracks.append(seconds(clock.now - start)); break }
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
            while !state.review.tracks.loaded && rounds < 10 {
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
        guard state.review.tracks.loaded else { continue }
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

/// The real event loop as `rotation review` starts it: a fresh handler (its connections included), sent `.started`.
private func consoleStartedApp(settings: RotationSettings, session: ConsoleSession, backend: any TerminalBackend) -> ConsoleApp {
    let handler = ServiceEffectHandler(settings: settings, reviewer: "bench")
    let app = ConsoleApp(state: ConsoleState(session: session, size: consoleFrameSize), backend: backend, handler: handler)
    app.send(.started)
    return app
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
        if let timeout { Thread.sleep(forTimeInterval: seconds(timeout)) }
        return nil
    }
}
