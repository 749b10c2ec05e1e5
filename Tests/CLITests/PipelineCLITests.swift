import Foundation
import Postgres
import XCTest

/// `rotation import`, `rotation queue`, `rotation seed` + `rotation worker --once` (`rotation matcher eval`:
/// MatcherEvalCLITests).
final class PipelineCLITests: CLITestCase {
    private func snapshotCounts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in ["releases", "processing_queue", "store_sync_log", "track_matches"] {
            counts[table] = try count("SELECT count(*) FROM \(table)")
        }
        counts["last_updated"] = try count("SELECT count(DISTINCT last_updated) FROM releases")
        return counts
    }

    func testImportInventoryThenAgainIsANoOp() throws {
        let directory = CLILocations.fixture("inventory")
        let first = try ok(["import", "inventory", directory, "--json"]).object()
        XCTAssertEqual(first.int("filesRead"), 5, "\(first)")
        XCTAssertEqual(first.int("itemsProcessed"), 326, "\(first)")
        let change = try XCTUnwrap(first.object("change"))
        let newReleases = try XCTUnwrap(change.int("newReleases"))
        XCTAssertGreaterThan(newReleases, 0)
        XCTAssertEqual(change.int("enqueued"), newReleases)
        XCTAssertEqual(try count("SELECT count(*) FROM releases"), newReleases)
        XCTAssertEqual(try count("SELECT count(*) FROM processing_queue WHERE status = 'queued'"), newReleases)
        XCTAssertEqual(Set((first.array("storesLogged") as? [String]) ?? []), ["BrotherLogic", "rappcats"])
        XCTAssertEqual(try count("SELECT count(*) FROM releases WHERE store_username = 'rappcats'"), 4)
        let before = try snapshotCounts()

        let again = try ok(["import", "inventory", directory])
        XCTAssertTrue(again.stdout.contains("0 new releases, 0 updated, 0 queued"), "\(again)")
        XCTAssertEqual(try snapshotCounts(), before)
    }

    func testImportReleaseForAStore() throws {
        let file = CLILocations.fixture("releases/1.json")
        let result = try ok(["import", "release", "--store", "release-store", file, "--json"]).object()
        XCTAssertEqual(result.int("filesRead"), 1)
        XCTAssertEqual(result.int("itemsProcessed"), 1)
        XCTAssertEqual(result.object("change")?.int("newReleases"), 1)
        XCTAssertEqual(result.object("change")?.int("enqueued"), 1)
        let release = try XCTUnwrap(try db.query("SELECT store_username, title, artist, tracklist::text FROM releases WHERE discogs_id = 1").first)
        XCTAssertEqual(try release.decode("store_username", as: String.self), "release-store")
        XCTAssertEqual(try release.decode("title", as: String.self), "Stockholm")
        XCTAssertEqual(try count("SELECT count(*) FROM processing_queue WHERE discogs_id = 1 AND store_username = 'release-store' AND status = 'queued'"), 1)
        XCTAssertEqual(try count("SELECT count(*) FROM store_sync_log WHERE store_username = 'release-store'"), 1)

        let again = try ok(["import", "release", "--store", "release-store", file, "--json"]).object()
        XCTAssertEqual(again.object("change")?.int("newReleases"), 0)
        XCTAssertEqual(again.object("change")?.int("enqueued"), 0)
        XCTAssertEqual(try count("SELECT count(*) FROM store_sync_log"), 1)
    }

    func testATruncatedFileIsSkippedWithExit5AndTheRestIsImported() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-import-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try Data(contentsOf: URL(fileURLWithPath: CLILocations.fixture("releases/1.json")))
        let other = try Data(contentsOf: URL(fileURLWithPath: CLILocations.fixture("releases/2.json")))
        try good.write(to: directory.appendingPathComponent("a-good.json"))
        try other.prefix(other.count / 2).write(to: directory.appendingPathComponent("b-truncated.json"))

        let result = try rotation(["import", "release", "--store", "partial-store", directory.path, "--json"])
        XCTAssertEqual(result.status, 5, "\(result)")
        let summary = try result.object()
        XCTAssertEqual(summary.int("filesRead"), 2)
        XCTAssertEqual(summary.int("itemsProcessed"), 1)
        let issues = try XCTUnwrap(summary.array("issues") as? [[String: Any]])
        XCTAssertEqual(issues.count, 1)
        XCTAssertTrue(issues.first?.string("source")?.hasSuffix("b-truncated.json") == true, "\(issues)")
        XCTAssertTrue(result.stderr.contains("skipped"), "\(result)")
        XCTAssertTrue(result.stderr.contains("b-truncated.json"), "\(result)")
        // The good file was still imported; the truncated one was not.
        XCTAssertEqual(try count("SELECT count(*) FROM releases WHERE discogs_id = 1"), 1)
        XCTAssertEqual(try count("SELECT count(*) FROM releases WHERE discogs_id = 2"), 0)

        // Alone, the truncated file imports nothing and also exits 5.
        let alone = try rotation(["import", "release", "--store", "partial-store", directory.appendingPathComponent("b-truncated.json").path])
        XCTAssertEqual(alone.status, 5, "\(alone)")
        XCTAssertEqual(try count("SELECT count(*) FROM releases"), 1)

        let missing = try rotation(["import", "inventory", directory.appendingPathComponent("nope.json").path])
        XCTAssertNotEqual(missing.status, 0, "\(missing)")
        XCTAssertTrue(missing.stderr.contains("no such file"), "\(missing)")
    }

    func testQueueListStatsBumpAndRequeue() throws {
        for (id, status) in [(1001, "queued"), (1002, "queued"), (1003, "queued"), (1004, "failed"), (1005, "completed")] as [(Int64, String)] {
            try db.query("""
                INSERT INTO processing_queue (store_username, discogs_id, status, retry_count, error_message, completed_at)
                VALUES ('queue-store', $1, $2, $3, $4, CASE WHEN $2 = 'completed' THEN now() END)
                """, id, status, status == "failed" ? 3 : 0, status == "failed" ? "boom" : nil as String?)
        }
        let list = try ok(["queue", "list", "--json"]).array()
        XCTAssertEqual(list.count, 5)
        let queued = try XCTUnwrap(try ok(["queue", "list", "--status", "queued", "--json"]).array() as? [[String: Any]])
        XCTAssertEqual(queued.compactMap { $0.int("discogsID") }.count, 3)
        XCTAssertTrue(queued.allSatisfy { $0.string("status") == "queued" && $0.string("store") == "queue-store" })
        let human = try ok(["queue", "list"])
        XCTAssertTrue(human.stdout.contains("1004"), "\(human)")

        let stats = try ok(["queue", "stats", "--json"]).object()
        XCTAssertEqual(stats.object("counts")?.int("queued"), 3, "\(stats)")
        XCTAssertEqual(stats.object("counts")?.int("failed"), 1)
        XCTAssertEqual(stats.object("counts")?.int("completed"), 1)
        XCTAssertEqual((stats.array("recentFailures") as? [[String: Any]])?.first?.int("discogsID"), 1004)
        _ = try ok(["queue", "stats"])

        // bump: the last queued release goes to the front of the claim order.
        let lastInLine = try XCTUnwrap(queued.last?.int("discogsID"))
        let bump = try ok(["queue", "bump", String(lastInLine)])
        XCTAssertTrue(bump.stdout.contains("moved 1 job"), "\(bump)")
        let reordered = try XCTUnwrap(try ok(["queue", "list", "--status", "queued", "--json"]).array() as? [[String: Any]])
        XCTAssertEqual(reordered.first?.int("discogsID"), lastInLine)

        let notQueued = try rotation(["queue", "bump", "1005"])
        XCTAssertEqual(notQueued.status, 1, "\(notQueued)")
        XCTAssertTrue(notQueued.stderr.contains("not queued"), "\(notQueued)")
        let absent = try rotation(["queue", "bump", "4242"])
        XCTAssertEqual(absent.status, 1, "\(absent)")
        XCTAssertTrue(absent.stderr.contains("not in the queue"), "\(absent)")

        // requeue --failed: back to queued with attempts reset.
        let requeue = try ok(["queue", "requeue", "--failed", "--json"]).object()
        XCTAssertEqual(requeue.int("requeued"), 1)
        let row = try XCTUnwrap(try db.query("SELECT status, retry_count FROM processing_queue WHERE discogs_id = 1004").first)
        XCTAssertEqual(try row.decode("status", as: String.self), "queued")
        XCTAssertEqual(try row.decode("retry_count", as: Int?.self) ?? 0, 0)
        let none = try ok(["queue", "requeue", "--failed"])
        XCTAssertTrue(none.stdout.contains("requeued 0 jobs"), "\(none)")

        let nothing = try rotation(["queue", "requeue"])
        XCTAssertNotEqual(nothing.status, 0, "\(nothing)")
    }

    func testSeedThenWorkerOnceCompletesTheQueuedReleases() throws {
        let seed = try ok(["seed", "--stores", "2", "--releases", "20", "--tracks", "3", "--queued", "5", "--json"]).object()
        XCTAssertEqual(seed.int("stores"), 2, "\(seed)")
        XCTAssertEqual(seed.int("trackMatches"), 60, "\(seed)")
        XCTAssertEqual(seed.int("releaseBodies"), 5, "\(seed)")
        let queuedIDs = try db.query("SELECT discogs_id FROM processing_queue WHERE status = 'queued' ORDER BY discogs_id")
            .column("discogs_id", as: Int64.self)
        XCTAssertEqual(queuedIDs.count, 5)
        let matchesBefore = try count("SELECT count(*) FROM track_matches")

        let worker = try ok(["worker", "--once", "--concurrency", "1", "--json"])
        let report = try worker.object()
        XCTAssertEqual(report.int("completed"), 5, "\(worker)")
        XCTAssertEqual(report.int("failed"), 0, "\(worker)")
        XCTAssertEqual(try count("SELECT count(*) FROM processing_queue WHERE status = 'queued' AND discogs_id = ANY($1::bigint[])",
                                 queuedIDs), 0)
        // The seed's stuck row (processing without a lease for longer than the stuck limit) was taken over.
        XCTAssertEqual(try count("SELECT count(*) FROM processing_queue WHERE status = 'processing'"), 0)
        XCTAssertEqual(try count("""
            SELECT count(*) FROM processing_queue WHERE discogs_id = ANY($1::bigint[]) AND status = 'completed'
            """, queuedIDs), 5)
        XCTAssertGreaterThan(try count("SELECT count(*) FROM track_matches"), matchesBefore)
        XCTAssertGreaterThan(try count("SELECT count(*) FROM match_candidates WHERE release_id = ANY($1::bigint[])", queuedIDs), 0)
        // Approved matches of the worked releases are in the cache.
        let approved = try db.query("""
            SELECT release_id, track_index FROM track_matches WHERE release_id = ANY($1::bigint[]) AND approved
            """, queuedIDs).rows
        for row in approved {
            let key = "match:\(try row.decode("release_id", as: Int64.self)):\(try row.decode("track_index", as: Int.self))"
            XCTAssertTrue(try redis.exists(key), "\(key) not cached")
        }
        XCTAssertEqual(report.int("autoApproved"), approved.count, "\(report)")
    }
}
