import FuzzChecks
import Foundation
import XCTest

/// Every seed and every input a fuzz run found (`Tests/Fixtures/fuzz/<target>/`) goes through the same check the
/// fuzz binary runs, so a fixed crash or leak stays fixed. Findings not fixed yet wait in `<target>/open/`, which
/// this suite does not replay (README "Fuzzing").
final class FuzzRegressionTests: XCTestCase {
    func testDiscogsReleaseInputs() throws { try assertInvariantsHold(.discogsRelease) }
    func testDiscogsInventoryInputs() throws { try assertInvariantsHold(.discogsInventory) }
    func testCacheValueInputs() throws { try assertInvariantsHold(.cacheValue) }
    func testTerminalTextInputs() throws { try assertInvariantsHold(.terminalText) }
    func testThemeConfigInputs() throws { try assertInvariantsHold(.themeConfig) }
    func testRedisURLInputs() throws { try assertInvariantsHold(.redisURL) }
    func testPostgresConninfoInputs() throws { try assertInvariantsHold(.postgresConninfo) }

    private func assertInvariantsHold(_ target: FuzzTarget, file: StaticString = #filePath, line: UInt = #line) throws {
        let seeds = target.seeds(repository: try Self.repository())
        XCTAssertFalse(seeds.isEmpty, "no inputs for \(target.rawValue)", file: file, line: line)
        for seed in seeds {
            for violation in target.check(seed.bytes) {
                XCTFail("\(seed.name): \(violation)", file: file, line: line)
            }
        }
    }

    /// The repository holding this file: the first folder upward with `Tests/Fixtures/fuzz`.
    private static func repository(from file: String = #filePath) throws -> URL {
        var directory = URL(fileURLWithPath: file).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Tests/Fixtures/fuzz").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        throw XCTSkip("Tests/Fixtures/fuzz not found above \(file)")
    }
}
