import XCTest
import Terminal
@testable import Console

/// The cache screen's bounded Redis work, as update logic: a browse goes on one budgeted step at a time while the
/// list is short, shows how far it got, and Esc / Ctrl-C stop it or a running clear between batches.
final class CacheScanControlTests: XCTestCase {
    /// The cache screen with its first browse step in flight; returns its request.
    private func cacheScreen(_ state: inout ConsoleState) -> RequestID {
        let effects = ConsoleFixtures.press(&state, .character("3"))
        guard case .loadCacheKeys(let id, nil)? = effects.last else { XCTFail("\(effects)"); return RequestID(0) }
        return id
    }

    private func sparseStep(examined: Int) -> CacheScanProgress {
        CacheScanProgress(examined: examined, totalKeys: 2_100_000, found: 0, complete: false)
    }

    func testAnEmptyBudgetedStepIsAnAnswerAndTheBrowseGoesOnShowingProgress() throws {
        var state = ConsoleFixtures.loadedState()
        let first = cacheScreen(&state)
        let next = ConsoleUpdate.update(&state, .cacheKeysLoaded(first, [], nextPage: "512:10000",
                                                                  progress: sparseStep(examined: 10_000)))
        guard case .loadCacheKeys(_, "512:10000")? = next.last else { return XCTFail("the browse should go on: \(next)") }
        XCTAssertEqual(state.cache.scan, CacheScanProgress(examined: 10_000, totalKeys: 2_100_000, found: 0, complete: false))
        XCTAssertEqual(state.cacheScanStatus, "scanned 10.0k of 2.1M keys · 0 match keys · Esc stops")

        // A step with keys: they are listed and counted; with fewer than a screenful the walk still goes on.
        let more = ConsoleUpdate.update(&state, .cacheKeysLoaded(next.last!.requestID, [
            CacheKeyRow(key: "match:1:0", ttlSeconds: 60, valueSummary: "youtube 0.9 approved"),
        ], nextPage: "77:20000", progress: sparseStep(examined: 20_000)))
        XCTAssertEqual(state.cache.keys.items.map(\.key), ["match:1:0"])
        XCTAssertEqual(state.cache.scan?.found, 1)
        XCTAssertTrue(more.contains { if case .loadCacheKeys(_, "77:20000") = $0 { return true } else { return false } })

        // The end of the keyspace ends the walk.
        let done = ConsoleUpdate.update(&state, .cacheKeysLoaded(more.last!.requestID, [], nextPage: nil,
            progress: CacheScanProgress(examined: 2_100_000, totalKeys: 2_100_000, found: 0, complete: true)))
        XCTAssertEqual(done, [])
        XCTAssertEqual(state.cache.scan?.complete, true)
        XCTAssertNil(state.cacheScanStatus)
    }

    func testEscStopsARunningBrowseKeepsWhatItFoundAndDownGoesOn() throws {
        var state = ConsoleFixtures.loadedState()
        let first = cacheScreen(&state)
        let next = ConsoleUpdate.update(&state, .cacheKeysLoaded(first, [
            CacheKeyRow(key: "match:1:0", ttlSeconds: 60, valueSummary: "youtube 0.9 approved"),
        ], nextPage: "512:10000", progress: sparseStep(examined: 10_000)))
        let running = next.last!.requestID

        let stop = ConsoleFixtures.press(&state, .escape)
        XCTAssertEqual(stop, [.cancel(running)], "Esc trips the running step's stop signal")
        XCTAssertTrue(state.cache.scanStopped)
        XCTAssertFalse(state.isCacheWorkRunning)
        XCTAssertEqual(state.message?.text, "Stopped scanning: scanned 10.0k of 2.1M keys · 1 match keys; j continues, "
                       + "\(state.keymap.keyLabel(for: .refresh)!) starts over")
        XCTAssertEqual(state.cacheScanStatus, "stopped: scanned 10.0k of 2.1M keys · 1 match keys · j continues")
        // The stopped step's late answer is dropped and asks for nothing more.
        XCTAssertEqual(ConsoleUpdate.update(&state, .cacheKeysLoaded(running, [], nextPage: "9:20000",
                                                                      progress: sparseStep(examined: 20_000))), [])
        XCTAssertEqual(state.cache.keys.items.map(\.key), ["match:1:0"])

        let resume = ConsoleFixtures.press(&state, .character("j"))
        guard case .loadCacheKeys(_, "512:10000")? = resume.last else { return XCTFail("down goes on: \(resume)") }
        XCTAssertFalse(state.cache.scanStopped)
    }

    func testCtrlCStopsARunningBrowseInsteadOfQuitting() throws {
        var state = ConsoleFixtures.loadedState()
        let first = cacheScreen(&state)
        let stop = ConsoleFixtures.press(&state, .control("c"))
        XCTAssertEqual(stop, [.cancel(first)])
        XCTAssertTrue(state.isRunning, "the first Ctrl-C stops the work, not the console")
        _ = ConsoleFixtures.press(&state, .control("c"))
        XCTAssertFalse(state.isRunning, "with nothing running, Ctrl-C quits")
    }

    func testAnEmptyStoppedBrowseSaysHowFarItLookedNotThatThereAreNoKeys() throws {
        var state = ConsoleFixtures.loadedState()
        let first = cacheScreen(&state)
        _ = ConsoleUpdate.update(&state, .cacheKeysLoaded(first, [], nextPage: "512:10000", progress: sparseStep(examined: 10_000)))
        _ = ConsoleFixtures.press(&state, .escape)
        let screen = ConsoleView.render(state).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("No match:* keys in the first 10.0k of 2.1M keys examined; j continues"), screen)
    }

    func testEscStopsARunningClearWhichReportsWhatItDeleted() throws {
        var state = ConsoleFixtures.loadedState()
        let first = cacheScreen(&state)
        _ = ConsoleUpdate.update(&state, .cacheKeysLoaded(first, [
            CacheKeyRow(key: "match:1:0", ttlSeconds: 60, valueSummary: "youtube 0.9 approved"),
        ], nextPage: nil, progress: CacheScanProgress(examined: 50, totalKeys: 50, found: 1, complete: true)))
        let preview = ConsoleFixtures.press(&state, .character("X"))
        guard case .previewCacheClear(let previewID, .allMatchKeys)? = preview.first else { return XCTFail("\(preview)") }
        // While the dry run walks the keyspace the dialog shows how far it got.
        _ = ConsoleUpdate.update(&state, .cacheClearPreviewProgress(previewID, CacheClearPreview(
            scope: .allMatchKeys, keyCount: 4_000, sample: [],
            progress: CacheScanProgress(examined: 20_000, totalKeys: 2_100_000, found: 4_000, complete: false))))
        guard case .cacheClear(let counting) = state.modal else { return XCTFail("the dialog stays open") }
        XCTAssertEqual(counting.counted?.keyCount, 4_000)
        XCTAssertNil(counting.preview, "a partial count is not a preview to confirm")
        XCTAssertEqual(ConsoleFixtures.press(&state, .enter), [], "nothing to confirm before the count is complete")

        _ = ConsoleUpdate.update(&state, .cacheClearPreviewed(previewID, CacheClearPreview(
            scope: .allMatchKeys, keyCount: 10_000, sample: ["match:1:0"],
            progress: CacheScanProgress(examined: 2_100_000, totalKeys: 2_100_000, found: 10_000, complete: true))))
        _ = ConsoleFixtures.type(&state, "clear all")
        let clear = ConsoleFixtures.press(&state, .enter)
        guard case .clearCache(let clearID, .allMatchKeys)? = clear.first else { return XCTFail("\(clear)") }
        XCTAssertEqual(state.pending.first { $0.id == clearID }?.progress, RequestProgress(done: 0, total: 10_000))
        _ = ConsoleUpdate.update(&state, .cacheClearProgress(clearID, cleared: 500, total: 500))
        XCTAssertEqual(state.pending.first { $0.id == clearID }?.progress, RequestProgress(done: 500, total: 10_000),
                       "a walking clear keeps the dry run's count as its total")

        let stop = ConsoleFixtures.press(&state, .escape)
        XCTAssertEqual(stop, [.cancel(clearID)])
        XCTAssertEqual(state.pending.first { $0.id == clearID }?.stopRequested, true, "it still answers with what it did")
        XCTAssertEqual(ConsoleFixtures.press(&state, .escape), [], "a second Esc sends no second cancel")

        let reload = ConsoleUpdate.update(&state, .cacheClearStopped(clearID, cleared: 4_200))
        XCTAssertEqual(state.message?.text,
                       "Stopped: cleared 4,200 of about 10,000 key(s) of every match:* key; the rest stay cached")
        XCTAssertEqual(state.message?.severity, .warning)
        XCTAssertFalse(state.pending.contains { $0.id == clearID })
        XCTAssertTrue(reload.contains { if case .loadCacheKeys(_, nil) = $0 { return true } else { return false } })
    }

    func testCtrlCInTheClearDialogStopsTheDryRun() throws {
        var state = ConsoleFixtures.loadedState()
        _ = cacheScreen(&state)
        let preview = ConsoleFixtures.press(&state, .character("X"))
        guard case .previewCacheClear(let previewID, .allMatchKeys)? = preview.first else { return XCTFail("\(preview)") }
        XCTAssertEqual(ConsoleFixtures.press(&state, .control("c")).filter { $0 == .cancel(previewID) }, [.cancel(previewID)])
        XCTAssertNil(state.modal)
        XCTAssertTrue(state.isRunning)
    }
}
