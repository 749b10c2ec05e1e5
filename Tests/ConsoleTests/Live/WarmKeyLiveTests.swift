import Foundation
import Postgres
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive

/// The cache screen's warm key against real Postgres and Redis, through the console's handler: the confirmation
/// from a dry run on seeded rows, the job's progress reaching the model, a stopped warm resumed, and a second warm
/// that writes nothing.
final class WarmKeyLiveTests: LiveTestCase {
    override func seed() throws {
        try super.seed()
        // Two more approved matches of the seeded release (track 2 is approved already), and one elsewhere.
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved, verified_by)
            VALUES ($1, 3, 'youtube', 'https://www.youtube.com/watch?v=lasttrain01', 0.91, true, 'ana'),
                   ($1, 4, 'youtube', 'https://www.youtube.com/watch?v=encore00001', 0.88, true, NULL),
                   (9090, 0, 'youtube', 'https://www.youtube.com/watch?v=elsewhere01', 0.95, true, NULL)
            """, Self.release)
    }

    private func warm(_ id: RequestID, into state: inout ConsoleState) -> CacheWarmStatus? {
        var finished: CacheWarmStatus?
        var progressSeen = 0
        for event in perform(.warmCache(id, .store(Self.store))) {
            if case .cacheWarmProgress(id, let status) = event {
                progressSeen += 1
                _ = ConsoleUpdate.update(&state, event)
                XCTAssertEqual(state.cache.warm, status, "the job's progress reaches the model")
            } else if case .cacheWarmFinished(id, let status) = event {
                finished = status
                _ = ConsoleUpdate.update(&state, event)
            } else {
                XCTFail("unexpected \(event)")
            }
        }
        XCTAssertGreaterThan(progressSeen, 0)
        return finished
    }

    func testTheWarmKeyAsksWithTheDryRunWarmsOnceAndResumes() throws {
        let previewID = requestID()
        let planned = perform(.previewCacheWarm(previewID, .store(Self.store)))
        guard planned.count == 1, case .cacheWarmPlanned(previewID, let plan) = planned[0] else { return XCTFail("\(planned)") }
        XCTAssertEqual(plan, CacheWarmPlanSummary(target: .store(Self.store), approved: 3, alreadyCached: 0))
        XCTAssertEqual(try redis.exists(["match:\(Self.release):2", "match:\(Self.release):3"]), 0, "a dry run writes nothing")

        var state = ConsoleFixtures.loadedState()
        state.confirmCacheWarm(plan)
        guard case .confirm(let dialog)? = state.modal else { return XCTFail("a confirmation") }
        XCTAssertEqual(dialog.lines[1], "Write 3 key(s) from Postgres? Keys present are kept.")

        // Stopped before its first batch (Esc as soon as it started): nothing written, the job left to resume.
        let stoppedID = requestID()
        _ = perform(.cancel(stoppedID))
        let stoppedEvents = perform(.warmCache(stoppedID, .store(Self.store)))
        guard case .cacheWarmFinished(stoppedID, let stopped)? = stoppedEvents.last else { return XCTFail("\(stoppedEvents)") }
        XCTAssertEqual(stopped.status, "stopped")
        XCTAssertEqual(stopped.written, 0)

        // The key again resumes that job and writes the store's keys, reporting as it goes.
        let effects = ConsoleFixtures.press(&state, .character("y"))
        guard case .warmCache(let id, _)? = effects.last else { return XCTFail("\(effects)") }
        let first = try XCTUnwrap(warm(id, into: &state))
        XCTAssertEqual(first.jobID, stopped.jobID)
        XCTAssertTrue(first.resumed)
        XCTAssertEqual(first.written, 3)
        XCTAssertEqual(first.status, "finished")
        XCTAssertNil(state.cache.warm)
        XCTAssertEqual(state.message?.text, "Warmed store \(Self.store): 3 of 3 · 3 written, 0 already cached")
        XCTAssertEqual(try cached(track: 3)?.matchURL, "https://www.youtube.com/watch?v=lasttrain01")
        XCTAssertFalse(try redis.exists("match:9090:0"), "another store's key is not written")

        // A second warm writes nothing.
        _ = state.warmCache(.store(Self.store))
        let secondID = state.pending.last!.id
        let second = try XCTUnwrap(warm(secondID, into: &state))
        XCTAssertEqual(second.written, 0)
        XCTAssertEqual(second.skipped, 3)
        XCTAssertFalse(second.resumed)
    }
}
