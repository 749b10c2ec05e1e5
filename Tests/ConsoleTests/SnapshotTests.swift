import XCTest
import Terminal
@testable import Console

/// Renders each screen into the memory terminal and compares the text with goldens in `Snapshots/`. To update
/// them after an intended change: `RECORD_SNAPSHOTS=1 swift test --filter SnapshotTests`, then read the diff.
final class SnapshotTests: XCTestCase {
    static let small = TerminalSize(columns: 80, rows: 24)
    static let large = TerminalSize(columns: 120, rows: 40)

    func withLivePanes(_ state: ConsoleState) -> ConsoleState {
        var state = state
        _ = ConsoleUpdate.update(&state, .healthChanged(HealthSnapshot(
            postgres: TierStatus(isUp: true, roundTripMilliseconds: 1.2), redis: TierStatus(isUp: true, roundTripMilliseconds: 0.4))))
        for (index, ops) in [120.0, 340, 280, 900, 760, 410, 95, 600].enumerated() {
            _ = ConsoleUpdate.update(&state, .cacheStatsSampled(CacheSnapshot(
                totalKeys: 1_204_331, matchKeys: 1_180_002, scanAgeSeconds: 42, memoryUsedBytes: 734_003_200,
                memoryMaxBytes: 2_147_483_648, evictions: 0, opsPerSecond: ops, hitRate: 0.934,
                serviceHits: 9_340 + index, serviceMisses: 660,
                ttlSpread: CacheTTLSpread(buckets: [.init("<1h", 40_000), .init("1-6h", 200_000), .init("6-12h", 300_000),
                                                    .init("12-24h", 640_002)], withoutTTL: 2))))
            _ = ConsoleUpdate.update(&state, .queueStatsSampled(QueueSnapshot(
                counts: [.queued: 1_250, .processing: 4, .completed: 88_120, .failed: 3], oldestQueuedSeconds: 754,
                throughputPerMinute: 310 + Double(index * 10), stuck: 1, failed: 3)))
        }
        return state
    }

    func reviewState(_ size: TerminalSize) -> ConsoleState {
        var state = withLivePanes(ConsoleFixtures.loadedState(size: size))
        _ = ConsoleFixtures.press(&state, .character("j"), .character(" "))
        _ = ConsoleFixtures.press(&state, .character("k"))
        return state
    }

    func inventoryState(_ size: TerminalSize) -> ConsoleState {
        var state = withLivePanes(ConsoleFixtures.loadedState(size: size))
        let effects = ConsoleFixtures.press(&state, .character("2"))
        _ = ConsoleUpdate.update(&state, .inventoryLoaded(effects.last!.requestID, store: "deepgroove-records", [
            InventoryRelease(discogsID: 1_000_001, title: "Blue Train", artist: "John Coltrane", year: 1957, trackCount: 5,
                             approved: 1, pending: 3),
            InventoryRelease(discogsID: 1_000_002, title: "Kind of Blue", artist: "Miles Davis", year: 1959, trackCount: 5,
                             approved: 4, pending: 1),
            InventoryRelease(discogsID: 1_000_003, title: "風街ろまん", artist: "はっぴいえんど", year: 1971, trackCount: 12,
                             approved: 0, pending: 2),
        ], syncLog: [
            SyncLogEntry(at: ConsoleFixtures.epoch.addingTimeInterval(-3600), listingsProcessed: 1_532, newReleases: 12, matchesCreated: 97),
            SyncLogEntry(at: ConsoleFixtures.epoch.addingTimeInterval(-90_000), listingsProcessed: 1_530, newReleases: 0, matchesCreated: 3),
        ]))
        _ = ConsoleFixtures.press(&state, .tab, .character("j"))
        return state
    }

    func cacheState(_ size: TerminalSize) -> ConsoleState {
        var state = withLivePanes(ConsoleFixtures.loadedState(size: size))
        let effects = ConsoleFixtures.press(&state, .character("3"))
        _ = ConsoleUpdate.update(&state, .cacheKeysLoaded(effects.last!.requestID, [
            CacheKeyRow(key: "match:1000001:0", store: "deepgroove-records", ttlSeconds: 80_125,
                        valueSummary: "youtube 0.93 approved by matcher https://www.youtube.com/watch?v=XpZHUVjQydI"),
            CacheKeyRow(key: "match:1000001:1", store: "deepgroove-records", ttlSeconds: 3_600,
                        valueSummary: "youtube 0.72 pending"),
            CacheKeyRow(key: "match:1000003:4", store: "tokyo-vinyl-exchange", ttlSeconds: nil,
                        valueSummary: "garbage JSON (treated as a miss)", drifted: true),
        ], nextPage: "1024"))
        return state
    }

    func queueState(_ size: TerminalSize) -> ConsoleState {
        var state = withLivePanes(ConsoleFixtures.loadedState(size: size))
        let effects = ConsoleFixtures.press(&state, .character("4"))
        _ = ConsoleUpdate.update(&state, .queueRowsLoaded(effects.last!.requestID, [
            QueueJobRow(id: 88_121, store: "deepgroove-records", discogsID: 1_000_009, status: .processing, ageSeconds: 1_900,
                        stuck: true),
            QueueJobRow(id: 88_007, store: "tokyo-vinyl-exchange", discogsID: 2_345_678, status: .failed, priority: 0,
                        retryCount: 3, ageSeconds: 7_300, errorMessage: "Discogs API 429 Too Many Requests"),
            QueueJobRow(id: 87_990, store: "berlin-basement", discogsID: 998, status: .failed, retryCount: 5,
                        ageSeconds: 90_000, errorMessage: "release has no tracklist"),
        ]))
        return state
    }

    func testReviewScreen() {
        assertSnapshot(reviewState(Self.small), "review-80x24")
        assertSnapshot(reviewState(Self.large), "review-120x40")
    }

    func testReviewDetailPaneWithScoreBreakdown() {
        var state = reviewState(Self.large)
        _ = ConsoleFixtures.press(&state, .character("l"), .character("j"))
        assertSnapshot(state, "review-detail-120x40")
    }

    func testInventoryScreen() {
        assertSnapshot(inventoryState(Self.small), "inventory-80x24")
        assertSnapshot(inventoryState(Self.large), "inventory-120x40")
    }

    func testCacheScreen() {
        assertSnapshot(cacheState(Self.small), "cache-80x24")
        assertSnapshot(cacheState(Self.large), "cache-120x40")
    }

    func testQueueScreen() {
        assertSnapshot(queueState(Self.small), "queue-80x24")
        assertSnapshot(queueState(Self.large), "queue-120x40")
    }

    func testWideClearDialog() {
        var state = cacheState(Self.small)
        let id = ConsoleFixtures.press(&state, .character("X")).first!.requestID
        _ = ConsoleUpdate.update(&state, .cacheClearPreviewed(id, CacheClearPreview(
            scope: .allMatchKeys, keyCount: 1_180_002, sample: ["match:1000001:0", "match:1000001:1", "match:1000003:4"])))
        _ = ConsoleFixtures.type(&state, "clear")
        assertSnapshot(state, "cache-clear-all-80x24")
        _ = ConsoleFixtures.type(&state, " all")
        let clear = ConsoleFixtures.press(&state, .enter).first!.requestID
        _ = ConsoleUpdate.update(&state, .cacheClearProgress(clear, cleared: 400_000, total: 1_180_002))
        assertSnapshot(state, "cache-clear-progress-80x24")
    }

    func testReplaceFormAndConfirmation() {
        var state = reviewState(Self.small)
        _ = ConsoleFixtures.press(&state, .character("j"), .character("j"), .character("r"))
        _ = ConsoleFixtures.type(&state, "https://vimeo.com/1")
        assertSnapshot(state, "replace-form-80x24")
        state.modal = nil
        _ = ConsoleFixtures.press(&state, .character("A"))
        assertSnapshot(state, "bulk-approve-confirm-80x24")
    }

    func testHelpAndPalette() {
        var state = reviewState(Self.small)
        _ = ConsoleFixtures.press(&state, .character("?"))
        assertSnapshot(state, "help-80x24")
        state.modal = nil
        _ = ConsoleFixtures.press(&state, .character(":"))
        _ = ConsoleFixtures.type(&state, "ap")
        assertSnapshot(state, "palette-80x24")
    }

    func testOutageBannerAndReadOnly() {
        var state = reviewState(Self.small)
        state.session.readOnly = true
        _ = ConsoleUpdate.update(&state, .healthChanged(HealthSnapshot(
            postgres: TierStatus(isUp: false, problem: "connection refused"), redis: TierStatus(isUp: true, roundTripMilliseconds: 0.5))))
        assertSnapshot(state, "postgres-down-80x24")
    }

    func testTooSmallWindowExplainsItself() {
        let state = ConsoleFixtures.loadedState(size: TerminalSize(columns: 60, rows: 20))
        assertSnapshot(state, "too-small-60x20")
    }

    func testBigWindowRendersWithoutGaps() {
        let state = reviewState(TerminalSize(columns: 200, rows: 60))
        let lines = ConsoleView.render(state).lines
        XCTAssertEqual(lines.count, 60)
        XCTAssertTrue(lines[0].contains("Rotation"))
    }

    // MARK: - Golden files

    func assertSnapshot(_ state: ConsoleState, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let terminal = MemoryTerminal(size: state.size)
        let presenter = FramePresenter(backend: terminal, minimumSize: TerminalSize(columns: 1, rows: 1))
        presenter.present(ConsoleView.render(state))
        let actual = terminal.text + "\n"
        let directory = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Snapshots")
        let path = directory.appendingPathComponent("\(name).txt")
        let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
        guard !record, let expected = try? String(contentsOf: path, encoding: .utf8) else {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? actual.write(to: path, atomically: true, encoding: .utf8)
            if !record { XCTFail("recorded new snapshot \(name); check it and run again", file: file, line: line) }
            return
        }
        if expected != actual {
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let first = Array(zip(expectedLines, actualLines)).firstIndex { $0.0 != $0.1 } ?? min(expectedLines.count, actualLines.count)
            XCTFail("snapshot \(name) differs at line \(first + 1):\nexpected: \(first < expectedLines.count ? String(expectedLines[first]) : "<none>")\nactual:   \(first < actualLines.count ? String(actualLines[first]) : "<none>")\n\nactual screen:\n\(actual)",
                    file: file, line: line)
        }
    }
}
