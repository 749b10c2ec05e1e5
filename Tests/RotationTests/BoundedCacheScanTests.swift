import Foundation
import LocalServers
import Redis
import Rotation
import XCTest

/// Bounded Redis work (issue 9, item 7): on a shared Redis where `match:*` keys are few among many others, a
/// browse page, a dry-run step and a clear each spend a fixed SCAN budget, say how far they got, and stop on their
/// stop signal between batches. Against a real private Redis; the assertions count SCAN calls, never time.
final class BoundedCacheScanTests: XCTestCase {
    nonisolated(unsafe) private static var servers: LocalServers?
    private var redis: RedisConnection!

    static let otherKeys = 200_000
    static let matchKeys = ["match:7001:0", "match:7002:3", "match:7003:1"]

    override class func setUp() {
        super.setUp()
        servers = try? LocalServers.start(postgres: false, redis: true)
    }

    override class func tearDown() {
        servers?.stop()
        servers = nil
        super.tearDown()
    }

    override func setUpWithError() throws {
        guard let url = Self.servers?.redisURL else { throw XCTSkip("no private Redis could be started") }
        redis = try RedisConnection(url: url)
        _ = try redis.command(["FLUSHDB"])
    }

    /// 200,000 keys of another program (`session:*`, in MSETs of 1,000, pipelined) and the three match keys.
    private func fillSharedKeyspace(matchKeys: [String] = matchKeys) throws {
        let perCommand = 1000
        var commands: [[any RedisArgument]] = []
        for start in stride(from: 0, to: Self.otherKeys, by: perCommand) {
            var command: [any RedisArgument] = ["MSET"]
            for i in start..<min(start + perCommand, Self.otherKeys) { command += ["session:\(i)", "x"] }
            commands.append(command)
        }
        for chunk in stride(from: 0, to: commands.count, by: 20) {
            _ = try redis.pipeline(Array(commands[chunk..<min(chunk + 20, commands.count)]))
        }
        for key in matchKeys { try redis.set(key, "{}") }
        XCTAssertEqual(try redis.dbsize(), Self.otherKeys + matchKeys.count)
    }

    private func scanCallsSoFar() throws -> Int {
        try redis.info(section: "commandstats").commandStats["scan"]?.calls ?? 0
    }

    private func remainingMatchKeys() throws -> Set<String> {
        var keys = Set<String>()
        try redis.scanAll(match: "match:*", count: 1000) { batch in keys.formUnion(batch); return true }
        return keys
    }

    func testABrowsePageSpendsItsBudgetAndResumesUntilEveryMatchKeyIsFound() throws {
        try fillSharedKeyspace()
        let budget = ScanBudget.browse
        let browser = CacheKeyBrowser(redis: redis, database: nil)
        let before = try scanCallsSoFar()
        var page = try browser.page(after: nil)
        XCTAssertEqual(try scanCallsSoFar() - before, page.scanCalls, "the page counts the SCAN calls Redis saw")
        XCTAssertEqual(page.scanCalls, budget.callsPerStep, "a sparse keyspace spends the whole budget, and no more")
        XCTAssertNotNil(page.nextCursor, "200,003 keys are not walked in one page")
        XCTAssertEqual(page.progress.totalKeys, Self.otherKeys + 3)
        XCTAssertEqual(page.progress.examined, budget.keysPerStep)
        XCTAssertFalse(page.progress.complete)

        var found = Set(page.items.map(\.key))
        var pages = 1
        while let next = page.nextCursor, pages < 1000 {
            let callsBefore = try scanCallsSoFar()
            page = try browser.page(after: next)
            XCTAssertLessThanOrEqual(try scanCallsSoFar() - callsBefore, budget.callsPerStep)
            XCTAssertLessThanOrEqual(page.items.count, 3)
            found.formUnion(page.items.map(\.key))
            pages += 1
        }
        XCTAssertEqual(found, Set(Self.matchKeys), "continuing reaches every match key")
        XCTAssertGreaterThanOrEqual(pages, Self.otherKeys / budget.keysPerStep / 2, "the walk took many bounded pages")
        XCTAssertTrue(page.progress.complete)
        XCTAssertEqual(page.progress.examined, Self.otherKeys + 3, "a complete walk examined the whole keyspace")
    }

    func testABrowseCursorThatIsNotOneIsRefused() throws {
        XCTAssertThrowsError(try CacheKeyBrowser(redis: redis, database: nil).page(after: "banana")) { error in
            XCTAssertTrue("\(error)".contains("not a cache browse cursor"), "\(error)")
        }
    }

    func testADryRunOfClearAllIsBuiltInBudgetedStepsAndStopsOnItsSignal() throws {
        try fillSharedKeyspace()
        let clearer = CacheClearer(redis: redis, database: nil)
        let before = try scanCallsSoFar()
        var plan = try clearer.dryRun(.allMatches)
        XCTAssertEqual(try scanCallsSoFar() - before, ScanBudget.standard.callsPerStep)
        XCTAssertFalse(plan.isComplete, "one step of 20,000 keys does not cover 200,003")
        XCTAssertEqual(plan.progress.examined, ScanBudget.standard.keysPerStep)
        var steps = 1
        while !plan.isComplete, steps < 1000 {
            plan = try clearer.dryRun(.allMatches, continuing: plan)
            steps += 1
        }
        XCTAssertEqual(plan.count, 3)
        XCTAssertEqual(Set(plan.sample), Set(Self.matchKeys))
        XCTAssertGreaterThan(steps, 5)

        let stop = StopSignal()
        var progressCalls = 0
        let stopped = try clearer.fullDryRun(.allMatches, stop: stop) { _ in
            progressCalls += 1
            stop.requestStop()
        }
        XCTAssertEqual(progressCalls, 1, "the stop is seen before the next step")
        XCTAssertFalse(stopped.isComplete)
        XCTAssertEqual(stopped.progress.examined, ScanBudget.standard.keysPerStep, "one step, then the stop")
        XCTAssertEqual(try redis.dbsize(), Self.otherKeys + 3, "a dry run deletes nothing")
    }

    func testAClearStoppedAfterItsFirstBatchDeletedExactlyWhatItReports() throws {
        let matchKeys = (0..<2_000).map { "match:\(8000 + $0):0" }
        for chunk in stride(from: 0, to: matchKeys.count, by: 500) {
            _ = try redis.pipeline(matchKeys[chunk..<chunk + 500].map { ["SET", $0, "{}"] })
        }
        try redis.set("session:keep", "x")
        let clearer = CacheClearer(redis: redis, database: nil, batchSize: 100)
        let stop = StopSignal()
        var reports: [CacheClearProgress] = []
        let result = try clearer.clear(.allMatches, stop: stop) { progress in
            reports.append(progress)
            stop.requestStop()
        }
        XCTAssertTrue(result.stopped)
        XCTAssertEqual(reports.count, 1, "no batch runs after the stop")
        XCTAssertEqual(result.unlinked, 100)
        XCTAssertEqual(reports.first?.unlinked, 100)
        let remaining = try remainingMatchKeys()
        XCTAssertEqual(remaining.count, matchKeys.count - result.unlinked, "exactly the reported keys went")
        XCTAssertTrue(remaining.isSubset(of: Set(matchKeys)))
        XCTAssertEqual(try redis.get("session:keep"), "x")

        // Unstopped, the same clear takes the rest.
        let rest = try clearer.clear(.allMatches)
        XCTAssertFalse(rest.stopped)
        XCTAssertEqual(rest.unlinked, remaining.count)
        XCTAssertEqual(try remainingMatchKeys(), [])
    }

    func testAStopSignalTrippedBeforeTheClearStartsDeletesNothing() throws {
        for i in 0..<10 { try redis.set("match:\(9000 + i):0", "{}") }
        let stop = StopSignal()
        stop.requestStop()
        let result = try CacheClearer(redis: redis, database: nil).clear(.allMatches, stop: stop)
        XCTAssertTrue(result.stopped)
        XCTAssertEqual(result.unlinked, 0)
        XCTAssertEqual(try remainingMatchKeys().count, 10)
    }
}
