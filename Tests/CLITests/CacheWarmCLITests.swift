import Foundation
import XCTest

/// `rotation cache warm` as an admin runs it before a busy day: a dry run, a store warmed once, a second run that
/// writes nothing, and a choice of scope that must be made.
final class CacheWarmCLITests: CLITestCase {
    func testWarmAStoreThenAgainWritesNothing() throws {
        try insertRelease(910, store: "warm-store")
        try insertRelease(911, store: "other-store")
        for track in 0..<4 { try insertMatch(910, track, confidence: 0.9, approved: track != 3) }
        try insertMatch(911, 0, confidence: 0.9, approved: true)

        let dry = try ok(["cache", "warm", "--store", "warm-store", "--dry-run", "--json"]).object()
        XCTAssertEqual(dry.int("approved"), 3, "\(dry)")
        XCTAssertNil(try cached(910, 0), "a dry run writes nothing")

        let first = try ok(["cache", "warm", "--store", "warm-store"])
        XCTAssertTrue(first.stdout.contains("3 keys written, 0 already cached"), "\(first)")
        XCTAssertEqual(try cached(910, 1)?.bool("approved"), true)
        XCTAssertNil(try cached(910, 3), "a pending match is not cached")
        XCTAssertNil(try cached(911, 0), "another store's match is not written")
        let ttl = try XCTUnwrap(try redis.ttl("match:910:0").seconds)
        XCTAssertLessThanOrEqual(ttl, 86_400, "the jitter never lengthens the contract's 24 h")

        let second = try ok(["cache", "warm", "--store", "warm-store", "--json"]).object()
        XCTAssertEqual(second.int("written"), 0, "\(second)")
        XCTAssertEqual(second.int("skipped"), 3, "\(second)")
        XCTAssertEqual(try count("SELECT count(*) FROM cache_warm_jobs WHERE status = 'finished'"), 2)

        let unscoped = try rotation(["cache", "warm"])
        XCTAssertNotEqual(unscoped.status, 0)
        XCTAssertTrue(unscoped.stderr.contains("choose one of --store, --release or --all"), "\(unscoped)")
    }
}
