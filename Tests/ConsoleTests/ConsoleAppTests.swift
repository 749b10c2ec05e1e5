import Foundation
import XCTest
import Terminal
@testable import Console

/// A handler that answers from fixed data, on the background queue the app hands it to, and records what it ran.
final class ScriptedEffectHandler: ConsoleEffectHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var performed: [ConsoleEffect] = []
    private var threads: [Bool] = []

    var effects: [ConsoleEffect] { lock.lock(); defer { lock.unlock() }; return performed }
    var ranOnMainThread: [Bool] { lock.lock(); defer { lock.unlock() }; return threads }

    func perform(_ effect: ConsoleEffect, events: ConsoleEventInbox) {
        lock.lock()
        performed.append(effect)
        threads.append(Thread.isMainThread)
        lock.unlock()
        switch effect {
        case .loadStores(let id): events.post(.storesLoaded(id, ConsoleFixtures.stores))
        case .loadReleases(let id, let store, _):
            events.post(.releasesLoaded(id, store: store, ConsoleFixtures.releases, nextPage: nil))
        case .loadTracks(let id, let release): events.post(.tracksLoaded(id, releaseID: release, ConsoleFixtures.tracks(release: release)))
        case .review(let id, let command):
            var rows = ConsoleFixtures.tracks().filter { row in command.targets.contains { $0.track == row.reference } }
            for index in rows.indices { rows[index].status = .approved }
            events.post(.reviewApplied(id, rows, summary: "Approved \(rows.count)"))
        default: events.post(.requestFailed(effect.requestID, "not scripted"))
        }
    }
}

final class ConsoleAppTests: XCTestCase {
    /// Steps the loop until `condition` holds (waiting for what is expected, never sleeping a fixed time).
    func step(_ app: ConsoleApp, until condition: () -> Bool, file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(5)
        while !condition() && Date() < deadline { app.step(keyTimeout: .milliseconds(5)) }
        XCTAssertTrue(condition(), "condition not reached", file: file, line: line)
    }

    func testLoadsReviewsAndQuitsWithEffectsOffTheUIThread() {
        let terminal = MemoryTerminal(size: TerminalSize(columns: 100, rows: 30))
        let handler = ScriptedEffectHandler()
        let app = ConsoleApp(state: ConsoleFixtures.emptyState(), backend: terminal, handler: handler)
        app.send(.started)
        step(app) { terminal.text.contains("Moment's Notice") }
        XCTAssertTrue(terminal.text.contains("deepgroove-records"))

        terminal.enqueue(.tab, .tab, .character("j"), .character("a"))
        step(app) { handler.effects.contains { if case .review = $0 { return true } else { return false } } }
        step(app) { app.state.message?.text == "Approved 1" }
        XCTAssertEqual(app.state.review.tracks.items[1].status, .approved)
        XCTAssertFalse(handler.ranOnMainThread.contains(true), "effects must run off the UI thread")

        terminal.enqueue(.character("q"))
        step(app) { !app.state.isRunning }
    }

    func testResizeRepaintsAtTheNewSizeAndTooSmallExplains() {
        let terminal = MemoryTerminal(size: TerminalSize(columns: 80, rows: 24))
        let app = ConsoleApp(state: ConsoleFixtures.emptyState(), backend: terminal, handler: ScriptedEffectHandler())
        app.send(.started)
        step(app) { terminal.text.contains("I'm Old Fa…") }
        terminal.resize(to: TerminalSize(columns: 70, rows: 20))
        step(app) { terminal.text.contains("Window too small: 70x20") }
        terminal.resize(to: TerminalSize(columns: 120, rows: 40))
        step(app) { terminal.text.contains("Moment's Notice") && terminal.lines.count == 40 }
        XCTAssertEqual(app.state.size, TerminalSize(columns: 120, rows: 40))
    }

    func testACursorMoveWritesFewCells() {
        let terminal = MemoryTerminal(size: TerminalSize(columns: 120, rows: 40))
        let app = ConsoleApp(state: ConsoleFixtures.emptyState(), backend: terminal, handler: ScriptedEffectHandler())
        app.send(.started)
        step(app) { terminal.text.contains("Moment's Notice") }
        terminal.enqueue(.tab, .tab)
        app.step(keyTimeout: .milliseconds(1))
        app.step(keyTimeout: .milliseconds(1))
        terminal.resetCounters()
        terminal.enqueue(.character("j"))
        app.step(keyTimeout: .milliseconds(1))
        XCTAssertGreaterThan(terminal.cellsWritten, 0)
        XCTAssertLessThan(terminal.cellsWritten, 600, "a cursor move should not repaint the \(120 * 40)-cell screen")
    }
}

final class ConsoleAppThemeTests: XCTestCase {
    func testTheThemeKeySwitchesTheBackendTheme() {
        let catalog = ThemeCatalog(userDirectory: nil)
        var initial = ConsoleFixtures.emptyState()
        initial.themeNames = catalog.names
        let terminal = MemoryTerminal(size: TerminalSize(columns: 80, rows: 24))
        let app = ConsoleApp(state: initial, backend: terminal, handler: ScriptedEffectHandler(), themes: catalog)
        app.step(keyTimeout: .milliseconds(1))
        let before = terminal.theme
        terminal.enqueue(.character("T"))
        app.step(keyTimeout: .milliseconds(1))
        XCTAssertEqual(app.state.themeName, catalog.names[1])
        XCTAssertNotEqual(terminal.theme, before)
        XCTAssertEqual(terminal.theme, catalog.theme(named: catalog.names[1])!.resolved(for: terminal.colorCapability))
    }

    func testAThemeThatCannotBeAppliedIsReportedThroughUpdate() throws {
        let catalog = ThemeCatalog(userDirectory: nil)
        var initial = ConsoleFixtures.emptyState()
        initial.themeNames = catalog.names
        initial.themeName = "no-such-theme"
        let terminal = MemoryTerminal(size: TerminalSize(columns: 80, rows: 24))
        let app = ConsoleApp(state: initial, backend: terminal, handler: ScriptedEffectHandler(), themes: catalog)
        app.step(keyTimeout: .milliseconds(1))
        let problem = try XCTUnwrap(catalog.select("no-such-theme").problem)
        XCTAssertEqual(app.state.message, StatusMessage(problem, severity: .warning))
        XCTAssertEqual(terminal.theme, catalog.theme(named: "default")!.resolved(for: terminal.colorCapability))
    }
}
