import XCTest
import Terminal
@testable import Console

/// The cache pane's fleet hit rate ("ours", its sparkline per minute) and its alerts, from seeded figures.
final class CacheAlertPaneTests: XCTestCase {
    static let large = TerminalSize(columns: 120, rows: 40)

    /// An hour of the fleet: 40 minutes without cache reads, then rates climbing from 50 % to 100 %.
    static let hour: [Double?] = Array(repeating: nil, count: 40) + (0..<20).map { 0.5 + Double($0) / 38 }

    static func snapshot(alerts: [CachePaneAlert] = [], fleetHitRate: Double? = 0.81) -> CacheSnapshot {
        var cache = CacheSnapshot(
            totalKeys: 1_204_331, matchKeys: 1_180_002, scanAgeSeconds: 42, memoryUsedBytes: 1_975_000_000,
            memoryMaxBytes: 2_147_483_648, evictions: 0, opsPerSecond: 600, hitRate: 0.934, serviceHits: 3, serviceMisses: 1)
        cache.fleetHitRate = fleetHitRate
        cache.fleetMinutes = hour
        cache.alerts = alerts
        return cache
    }

    static let alerts = [
        CachePaneAlert(.hitRate, "low hit rate 42% < 50%"),
        CachePaneAlert(.memory, "memory high 92% > 90% of maxmemory"),
    ]

    static func state(_ size: TerminalSize, _ cache: CacheSnapshot) -> ConsoleState {
        var state = ConsoleFixtures.loadedState(size: size)
        _ = ConsoleUpdate.update(&state, .healthChanged(HealthSnapshot(
            postgres: TierStatus(isUp: true, roundTripMilliseconds: 1.2), redis: TierStatus(isUp: true, roundTripMilliseconds: 0.4))))
        _ = ConsoleUpdate.update(&state, .cacheStatsSampled(cache))
        return state
    }

    private func paneLines(_ buffer: CellBuffer) -> [String] {
        buffer.lines.filter { $0.hasPrefix("│") && $0.contains("││") }.map { String($0.prefix(40)) }
    }

    func testOursIsTheFleetsHourWithItsSparkline() {
        let buffer = ConsoleView.render(Self.state(Self.large, Self.snapshot()))
        let pane = paneLines(buffer).joined(separator: "\n")
        XCTAssertTrue(pane.contains("hit rate    server 93% · ours 81%"), pane)
        XCTAssertTrue(pane.contains("ours/min ·········▅▅▅▅▅▅▆▆▆▆▆▇▇▇▇▇▇███"), pane)
    }

    func testOursFallsBackToThisConsolesReadsWhenTheFleetIsUnknown() {
        let buffer = ConsoleView.render(Self.state(Self.large, Self.snapshot(fleetHitRate: nil)))
        XCTAssertTrue(paneLines(buffer).joined().contains("ours 75%"))
    }

    func testFlaggedFiguresAreInTheWarningStyleAndNamedInWords() throws {
        let buffer = ConsoleView.render(Self.state(Self.large, Self.snapshot(alerts: Self.alerts, fleetHitRate: 0.42)))
        let lines = buffer.lines
        let hitRow = try XCTUnwrap(lines.firstIndex { $0.contains("server 93% · ours 42% low") })
        let memoryRow = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("│memory      1.8G / 2.0G high") })
        let alertRow = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("│⚠ low hit rate 42% < 50% · memory hi") })
        for row in [hitRow, memoryRow, alertRow] {
            XCTAssertEqual(buffer[14, row].style.role, .bannerWarning, lines[row])
        }
        let keysRow = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("│keys") })
        XCTAssertEqual(buffer[14, keysRow].style.role, .paneValue, "an unflagged figure keeps its style")
    }

    func testTheOneLinePanesNameTheAlertsToo() {
        let buffer = ConsoleView.render(Self.state(TerminalSize(columns: 80, rows: 24),
                                                   Self.snapshot(alerts: Self.alerts, fleetHitRate: 0.42)))
        XCTAssertTrue(buffer.lines.contains { $0.contains("Redis ✓ 0.4ms │ ⚠ low hit rate 42% < 50% · memory high 92%") }, buffer.lines.joined(separator: "\n"))
    }

    func testTheHelpSaysTheWebAppsReadsAreNotCounted() {
        let legend = HelpContent.legend.map { "\($0.title) \($0.help)" }.joined(separator: "\n")
        XCTAssertTrue(legend.contains("the web app's reads are not counted"), legend)
    }
}

extension SnapshotTests {
    func testCacheScreenWithTheFleetsHitRateAndAlerts() {
        var state = cacheState(Self.large)
        _ = ConsoleUpdate.update(&state, .cacheStatsSampled(CacheAlertPaneTests.snapshot()))
        assertSnapshot(state, "cache-fleet-120x40")
        _ = ConsoleUpdate.update(&state, .cacheStatsSampled(CacheAlertPaneTests.snapshot(alerts: CacheAlertPaneTests.alerts,
                                                                                           fleetHitRate: 0.42)))
        assertSnapshot(state, "cache-alerts-120x40")
    }
}
