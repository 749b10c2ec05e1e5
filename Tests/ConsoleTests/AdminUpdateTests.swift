import XCTest
import Terminal
@testable import Console

final class AdminUpdateTests: XCTestCase {
    func cacheState() -> ConsoleState {
        var state = ConsoleFixtures.loadedState()
        let effects = ConsoleFixtures.press(&state, .character("3"))
        _ = ConsoleUpdate.update(&state, .cacheKeysLoaded(effects.last!.requestID, [
            CacheKeyRow(key: "match:1000001:0", store: "deepgroove-records", ttlSeconds: 80_000, valueSummary: "yt 0.93 approved"),
            CacheKeyRow(key: "match:1000001:1", store: "deepgroove-records", ttlSeconds: 70_000, valueSummary: "yt 0.72"),
        ], nextPage: "17"))
        return state
    }

    func testWideClearNeedsDryRunThenTheTypedPhrase() {
        var state = cacheState()
        let preview = ConsoleFixtures.press(&state, .character("X"))
        guard case .previewCacheClear(let id, .allMatchKeys) = preview.first else { return XCTFail("\(preview)") }
        XCTAssertEqual(ConsoleFixtures.press(&state, .enter), [], "nothing before the dry run answers")
        _ = ConsoleUpdate.update(&state, .cacheClearPreviewed(id, CacheClearPreview(
            scope: .allMatchKeys, keyCount: 1_234_567, sample: ["match:1:0", "match:2:3"])))
        XCTAssertEqual(ConsoleFixtures.press(&state, .enter), [], "Enter without the phrase does nothing")
        guard case .cacheClear(let dialog) = state.modal else { return XCTFail("dialog should stay") }
        XCTAssertEqual(dialog.error, "type \"clear all\" exactly to confirm")
        XCTAssertEqual(ConsoleFixtures.type(&state, "clear al"), [])
        XCTAssertEqual(ConsoleFixtures.press(&state, .enter), [])
        _ = ConsoleFixtures.type(&state, "l")
        let effects = ConsoleFixtures.press(&state, .enter)
        guard case .clearCache(let clearID, .allMatchKeys) = effects.first else { return XCTFail("\(effects)") }
        XCTAssertNil(state.modal)

        _ = ConsoleUpdate.update(&state, .cacheClearProgress(clearID, cleared: 500_000, total: 1_234_567))
        XCTAssertEqual(state.pending.first { $0.id == clearID }?.progress?.done, 500_000)
        let reload = ConsoleUpdate.update(&state, .cacheClearFinished(clearID, cleared: 1_234_567))
        XCTAssertEqual(state.message?.text, "Cleared 1,234,567 key(s) of every match:* key")
        XCTAssertTrue(reload.contains { if case .loadCacheKeys(_, nil) = $0 { return true } else { return false } })
    }

    func testTypingYIsPartOfTheWideClearPhraseNotAConfirmation() {
        var state = cacheState()
        let id = ConsoleFixtures.press(&state, .character("F")).first!.requestID
        _ = ConsoleUpdate.update(&state, .cacheClearPreviewed(id, CacheClearPreview(scope: .drift, keyCount: 3, sample: [])))
        XCTAssertEqual(ConsoleFixtures.press(&state, .character("y")), [])
        guard case .cacheClear(let dialog) = state.modal else { return XCTFail() }
        XCTAssertEqual(dialog.typed.text, "y")
    }

    func testNarrowClearAsksYesOrNo() {
        var state = cacheState()
        let id = ConsoleFixtures.press(&state, .character("d")).first!.requestID
        _ = ConsoleUpdate.update(&state, .cacheClearPreviewed(id, CacheClearPreview(scope: .key("match:1000001:0"),
                                                                                    keyCount: 1, sample: ["match:1000001:0"])))
        let effects = ConsoleFixtures.press(&state, .character("y"))
        XCTAssertEqual(effects.first, .clearCache(effects.first!.requestID, .key("match:1000001:0")))
    }

    func testEscapeDuringTheDryRunCancelsIt() {
        var state = cacheState()
        let id = ConsoleFixtures.press(&state, .character("S")).first!.requestID
        XCTAssertEqual(ConsoleFixtures.press(&state, .escape), [.cancel(id)])
        // The late answer is ignored.
        _ = ConsoleUpdate.update(&state, .cacheClearPreviewed(id, CacheClearPreview(scope: .store("x"), keyCount: 9, sample: [])))
        XCTAssertNil(state.modal)
    }

    func testNothingToClearClosesWithoutDeleting() {
        var state = cacheState()
        let id = ConsoleFixtures.press(&state, .character("D")).first!.requestID
        _ = ConsoleUpdate.update(&state, .cacheClearPreviewed(id, CacheClearPreview(scope: .release(1_000_001), keyCount: 0, sample: [])))
        XCTAssertEqual(ConsoleFixtures.press(&state, .enter), [])
        XCTAssertNil(state.modal)
    }

    func testQueueRequeueOnlyTakesFailedOrStuckRowsAndBumpTakesAny() {
        var state = ConsoleFixtures.loadedState()
        let id = ConsoleFixtures.press(&state, .character("4")).last!.requestID
        _ = ConsoleUpdate.update(&state, .queueRowsLoaded(id, [
            QueueJobRow(id: 7, store: "deepgroove-records", discogsID: 1_000_009, status: .queued, ageSeconds: 30),
            QueueJobRow(id: 8, store: "deepgroove-records", discogsID: 1_000_010, status: .failed, retryCount: 3,
                        errorMessage: "Discogs 429"),
        ]))
        XCTAssertEqual(ConsoleFixtures.press(&state, .character("r")), [])
        XCTAssertTrue(state.message?.text.contains("failed or stuck") ?? false)
        guard case .bumpPriority(_, [7]) = ConsoleFixtures.press(&state, .character("+")).first else { return XCTFail() }
        _ = ConsoleFixtures.press(&state, .character("j"))
        let effects = ConsoleFixtures.press(&state, .character("r"))
        guard case .requeue(let requeueID, [8]) = effects.first else { return XCTFail("\(effects)") }
        var moved = state.queue.rows.items[1]
        moved.status = .queued
        _ = ConsoleUpdate.update(&state, .queueRowsChanged(requeueID, [moved], summary: "Requeued 1 row"))
        XCTAssertEqual(state.queue.rows.items[1].status, .queued)
    }

    func testMarkedQueueRowsAreBumpedTogether() {
        var state = ConsoleFixtures.loadedState()
        let id = ConsoleFixtures.press(&state, .character("4")).last!.requestID
        _ = ConsoleUpdate.update(&state, .queueRowsLoaded(id, (1...3).map {
            QueueJobRow(id: Int64($0), store: "s", discogsID: Int64($0), status: .queued)
        }))
        _ = ConsoleFixtures.press(&state, .character(" "), .character("j"), .character(" "))
        guard case .bumpPriority(_, let ids) = ConsoleFixtures.press(&state, .character("+")).first else { return XCTFail() }
        XCTAssertEqual(ids, [1, 3])
    }

    func testLongQueueListsArePaged() {
        var state = ConsoleFixtures.loadedState()
        let id = ConsoleFixtures.press(&state, .character("4")).last!.requestID
        _ = ConsoleUpdate.update(&state, .queueRowsLoaded(id, (1...20).map {
            QueueJobRow(id: Int64($0), store: "s", discogsID: Int64($0), status: .queued)
        }, nextPage: "after-20"))
        var effects: [ConsoleEffect] = []
        for _ in 0..<12 { effects += ConsoleFixtures.press(&state, .character("j")) }
        guard let more = effects.first(where: { if case .loadQueue(_, _, "after-20") = $0 { return true } else { return false } })
        else { return XCTFail("\(effects)") }
        XCTAssertEqual(effects.filter { if case .loadQueue = $0 { return true } else { return false } }.count, 1,
                       "one page request at a time")
        _ = ConsoleUpdate.update(&state, .queueRowsLoaded(more.requestID, [QueueJobRow(id: 21, store: "s", discogsID: 21, status: .queued)],
                                                          nextPage: nil))
        XCTAssertEqual(state.queue.rows.items.count, 21)
        XCTAssertEqual(state.queue.rows.selected?.id, 13, "the cursor stays where it was")
    }

    func testQueueFilterCyclesAndReloads() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("4"))
        let effects = ConsoleFixtures.press(&state, .character("f"))
        XCTAssertEqual(state.queue.filter, .queued)
        XCTAssertTrue(effects.contains { if case .loadQueue(_, .queued, nil) = $0 { return true } else { return false } })
    }
}
