import XCTest
import Terminal
@testable import Console

/// The cache screen's warm key without servers: the dry run first, a confirmation that says how many keys the warm
/// would write, the warm with its job's progress in the model and the keys pane's title, Esc to stop it.
final class WarmKeyTests: XCTestCase {
    private func cacheScreen(selectedStore: String? = "deepgroove-records") -> ConsoleState {
        var state = ConsoleFixtures.loadedState(size: TerminalSize(columns: 120, rows: 40))
        let effects = ConsoleFixtures.press(&state, .character("3"))
        _ = ConsoleUpdate.update(&state, .cacheKeysLoaded(effects.last!.requestID, [
            CacheKeyRow(key: "match:1000001:0", store: selectedStore, ttlSeconds: 80_125, valueSummary: "youtube 0.93 approved"),
        ], nextPage: nil))
        return state
    }

    func testWarmAsksWithTheDryRunsCountThenShowsProgressAndStops() {
        var state = cacheScreen()
        let preview = ConsoleFixtures.press(&state, .character("W"))
        guard case .previewCacheWarm(let previewID, .store("deepgroove-records"))? = preview.last else { return XCTFail("\(preview)") }
        XCTAssertNil(state.modal, "nothing is asked before the dry run answers")

        _ = ConsoleUpdate.update(&state, .cacheWarmPlanned(previewID, CacheWarmPlanSummary(
            target: .store("deepgroove-records"), approved: 40, alreadyCached: 1)))
        guard case .confirm(let dialog)? = state.modal else { return XCTFail("a confirmation: \(String(describing: state.modal))") }
        XCTAssertEqual(dialog.lines, ["store deepgroove-records: 40 approved, 1 cached.",
                                      "Write 39 key(s) from Postgres? Keys present are kept.",
                                      "y warms · a counts every store instead · any other key cancels"])

        let warm = ConsoleFixtures.press(&state, .character("y"))
        guard case .warmCache(let warmID, .store("deepgroove-records"))? = warm.last else { return XCTFail("\(warm)") }
        XCTAssertFalse(warm.last!.isWrite, "decisions never wait behind a warm")

        let halfway = CacheWarmStatus(jobID: 7, total: 40, written: 19, skipped: 1, failed: 0, resumed: false, status: "running")
        _ = ConsoleUpdate.update(&state, .cacheWarmProgress(warmID, halfway))
        XCTAssertEqual(state.cache.warm, halfway)
        XCTAssertEqual(state.pending.first { $0.id == warmID }?.progress, RequestProgress(done: 20, total: 40))
        let screen = ConsoleView.render(state).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("warming store deepgroove-records · 20 of 40 · 19 written, 1 already cached · Esc stops"), screen)

        XCTAssertEqual(ConsoleFixtures.press(&state, .character("W")), [], "one warm at a time")
        XCTAssertEqual(ConsoleFixtures.press(&state, .escape), [.cancel(warmID)])

        let stopped = CacheWarmStatus(jobID: 7, total: 40, written: 29, skipped: 1, failed: 0, resumed: false, status: "stopped")
        _ = ConsoleUpdate.update(&state, .cacheWarmFinished(warmID, stopped))
        XCTAssertNil(state.cache.warm)
        XCTAssertEqual(state.message?.text,
                       "Stopped warming store deepgroove-records: 30 of 40 · 29 written, 1 already cached; W again resumes")
    }

    func testAStoreWithNothingToWriteOffersEveryStore() {
        var state = cacheScreen()
        let preview = ConsoleFixtures.press(&state, .character("W"))
        _ = ConsoleUpdate.update(&state, .cacheWarmPlanned(preview.last!.requestID, CacheWarmPlanSummary(
            target: .store("deepgroove-records"), approved: 5, alreadyCached: 5)))
        guard case .confirm(let dialog)? = state.modal else { return XCTFail("a confirmation") }
        XCTAssertEqual(dialog.lines[1...], ["Nothing to write for store deepgroove-records.",
                                            "y or a counts every store instead · any other key cancels"])
        let all = ConsoleFixtures.press(&state, .character("a"))
        guard case .previewCacheWarm(_, .all)? = all.last else { return XCTFail("\(all)") }
    }

    func testWithoutAStoreEveryMatchIsWarmedAndNothingToWriteAsksNothing() {
        var state = cacheScreen(selectedStore: nil)
        let preview = ConsoleFixtures.press(&state, .character("W"))
        guard case .previewCacheWarm(let id, .all)? = preview.last else { return XCTFail("\(preview)") }
        _ = ConsoleUpdate.update(&state, .cacheWarmPlanned(id, CacheWarmPlanSummary(target: .all, approved: 12, alreadyCached: 12)))
        XCTAssertNil(state.modal)
        XCTAssertEqual(state.message?.text, "Nothing to warm: all 12 approved match(es) of every store are cached")
    }

    func testReadOnlyDisablesTheKey() {
        var state = ConsoleFixtures.loadedState(session: ConsoleSession(user: "ro", readOnly: true, grants: [.review, .admin]))
        _ = ConsoleFixtures.press(&state, .character("3"))
        XCTAssertEqual(ConsoleFixtures.press(&state, .character("W")), [])
    }
}
