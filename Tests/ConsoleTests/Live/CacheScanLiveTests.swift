import Foundation
import Redis
import Rotation
import XCTest
@testable import Console

/// The handler's bounded cache work against the private Redis: a browse step spends one budget however few
/// `match:*` keys there are, and a `.cancel` trips the request's stop signal, which dry runs and clears check
/// between batches.
final class CacheScanLiveTests: LiveTestCase {
    static let otherKeys = 30_000

    /// Keys of another program, in pipelined MSETs.
    private func fillOtherKeys() throws {
        let commands: [[any RedisArgument]] = stride(from: 0, to: Self.otherKeys, by: 1000).map { start in
            (start..<start + 1000).reduce(into: ["MSET"] as [any RedisArgument]) { $0 += ["session:\($1)", "x"] }
        }
        _ = try redis.pipeline(commands)
    }

    func testBrowseStepsAreBoundedAndReportHowFarTheWalkGot() throws {
        try fillOtherKeys()
        for key in ["match:7001:0", "match:7002:1"] { try redis.set(key, "{}") }
        var found: [String] = []
        var cursor: String?
        var steps: [CacheScanProgress] = []
        repeat {
            let events = perform(.loadCacheKeys(requestID(), after: cursor))
            guard events.count == 1, case .cacheKeysLoaded(_, let rows, let next, let progress?) = events[0] else {
                return XCTFail("\(events)")
            }
            found += rows.map(\.key)
            steps.append(progress)
            cursor = next
        } while cursor != nil && steps.count < 100
        XCTAssertEqual(Set(found), ["match:7001:0", "match:7002:1"])
        XCTAssertEqual(steps.first?.examined, ScanBudget.browse.keysPerStep, "the first step stops at its budget")
        XCTAssertEqual(steps.first?.totalKeys, Self.otherKeys + 2)
        XCTAssertFalse(steps.first?.complete ?? true)
        XCTAssertEqual(steps.last?.complete, true)
        XCTAssertEqual(steps.last?.examined, Self.otherKeys + 2)
        XCTAssertEqual(steps.map(\.examined), steps.map(\.examined).sorted(), "progress only grows")
    }

    func testAClearWhoseStopWasTrippedBeforeItRanDeletesNothingAndSaysSo() throws {
        for i in 0..<50 { try redis.set("match:\(8000 + i):0", "{}") }
        let id = requestID()
        XCTAssertTrue(perform(.cancel(id)).isEmpty, "a cancel answers nothing")
        let events = perform(.clearCache(id, .allMatchKeys))
        guard case .cacheClearStopped(id, 0)? = events.last else { return XCTFail("\(events)") }
        var left = 0
        try redis.scanAll(match: "match:*") { left += $0.count; return true }
        XCTAssertEqual(left, 50)

        // The stop belonged to that request only: the next clear runs to the end.
        let next = perform(.clearCache(requestID(), .allMatchKeys))
        guard case .cacheClearFinished(_, 50)? = next.last else { return XCTFail("\(next)") }
    }

    func testAStoppedDryRunReportsItsPartialCountAsProgressNeverAsAPreview() throws {
        try fillOtherKeys()
        try redis.set("match:7001:0", "{}")
        let id = requestID()
        _ = perform(.cancel(id))
        let events = perform(.previewCacheClear(id, .allMatchKeys))
        XCTAssertFalse(events.contains { if case .cacheClearPreviewed = $0 { return true } else { return false } }, "\(events)")
        guard case .cacheClearPreviewProgress(id, let partial)? = events.last else { return XCTFail("\(events)") }
        XCTAssertEqual(partial.progress?.complete, false)

        // Unstopped, the dry run walks the keyspace in steps, reporting each, and ends with the preview.
        let full = perform(.previewCacheClear(requestID(), .allMatchKeys))
        let steps = full.filter { if case .cacheClearPreviewProgress = $0 { return true } else { return false } }
        XCTAssertGreaterThanOrEqual(steps.count, 1, "30,001 keys take more than one step of \(ScanBudget.standard.keysPerStep)")
        guard case .cacheClearPreviewed(_, let preview)? = full.last else { return XCTFail("\(full)") }
        XCTAssertEqual(preview.keyCount, 1)
        XCTAssertEqual(preview.progress?.complete, true)
    }
}
