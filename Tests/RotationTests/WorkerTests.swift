import Foundation
import Matching
import Postgres
import Redis
import Rotation
import XCTest

final class WorkerTests: XCTestCase {
    func testMatchesEveryTrackAndWritesMatchesByThePolicy() throws {
        let (url, db) = try TestDatabase.fresh()
        try WorkerFixtures.importFixtureReleases(db)
        let redis = try WorkerFixtures.redis()
        let worker = try WorkerFixtures.worker(url, cache: MatchCacheWriter(redis: redis, ttlSeconds: 3600))
        let report = try worker.drain()
        XCTAssertEqual(report.completed, 20)
        XCTAssertEqual(report.failed + report.retried + report.lost, 0)
        XCTAssertEqual(try db.query("SELECT count(*) FROM processing_queue WHERE status = 'completed' AND leased_by IS NULL").scalar(Int.self), 20)

        // Every stored match is what the policy decides over the stored candidates.
        let policy = MatchPolicy.default
        var candidates: [String: [ScoredCandidate]] = [:]
        for row in try db.query("SELECT release_id, track_index, platform, match_url, confidence::float8 AS c, evidence::text AS e FROM match_candidates").rows {
            let evidence = try JSONDecoder().decode(MatchEvidence.self, from: Data(try row.decode("e", as: String.self).utf8))
            XCTAssertFalse(evidence.signals.isEmpty)
            let platform = Platform(rawValue: try row.decode("platform"))
            guard platform != nil else { continue }
            candidates["\(row["release_id"]!):\(row["track_index"]!)", default: []].append(ScoredCandidate(
                url: try row.decode("match_url"), platform: platform, videoTitle: "", durationSeconds: nil,
                source: "discogs", confidence: try row.decode("c"), evidence: evidence))
        }
        var matches: [String: PostgresRow] = [:]
        for row in try db.query("SELECT release_id, track_index, match_url, confidence, approved, verified_by FROM track_matches").rows {
            matches["\(row["release_id"]!):\(row["track_index"]!)"] = row
        }
        XCTAssertGreaterThan(matches.count, 0)
        XCTAssertTrue(matches.values.contains { $0["approved"] == "t" })
        XCTAssertTrue(matches.values.contains { $0["approved"] == "f" })
        for (track, list) in candidates {
            let decision = policy.decide(list)
            let row = matches[track]
            switch decision {
            case .unmatched: XCTAssertNil(row, "\(track) should be unmatched")
            case .autoApproved(let best):
                XCTAssertEqual(row?["match_url"], best.url, track)
                XCTAssertEqual(row?["approved"], "t", track)
                XCTAssertEqual(row?["verified_by"], "rotation-matcher", track)
            case .pending(let best, _):
                XCTAssertEqual(row?["match_url"], best.url, track)
                XCTAssertEqual(row?["approved"], "f", track)
                XCTAssertNil(row?["verified_by"], track)
            }
        }
        XCTAssertEqual(Set(matches.keys).subtracting(candidates.keys), [])

        // has_audio_matches and the store's audio_matches_created follow the rows.
        XCTAssertEqual(try db.query("""
            SELECT count(*) FROM releases r
            WHERE r.has_audio_matches IS DISTINCT FROM EXISTS (SELECT 1 FROM track_matches t WHERE t.release_id = r.discogs_id)
            """).scalar(Int.self), 0)
        XCTAssertEqual(try db.query("SELECT sum(audio_matches_created)::bigint FROM store_sync_log WHERE store_username = 'fixture-store'")
            .scalar(Int.self), matches.count)

        // Approved matches are cached in the web app's format; pending ones are not.
        for (track, row) in matches {
            let value = try redis.get("match:\(track)")
            if row["approved"] == "t" {
                let object = try JSONSerialization.jsonObject(with: Data(XCTUnwrap(value).utf8)) as! [String: Any]
                XCTAssertEqual(Set(object.keys), ["platform", "match_url", "confidence", "approved", "verified_by", "verified_at"])
                XCTAssertEqual(object["match_url"] as? String, row["match_url"])
                XCTAssertEqual(object["approved"] as? Bool, true)
                XCTAssertNotNil((object["verified_at"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/))
                XCTAssertGreaterThan(try redis.ttl("match:\(track)").seconds ?? 0, 0)
            } else {
                XCTAssertNil(value, track)
            }
        }
        try redis.unlink(matches.keys.map { "match:\($0)" })
    }

    func testWithRedisDownMatchesStillCommitAndTheirKeysAreQueuedForRepair() throws {
        let (url, db) = try TestDatabase.fresh()
        try WorkerFixtures.importFixtureReleases(db)
        let unreachable = try RedisConnection(url: "redis://127.0.0.1:1/0")
        let report = try WorkerFixtures.worker(url, batch: 20, cache: MatchCacheWriter(redis: unreachable, ttlSeconds: 60)).drain()
        XCTAssertEqual(report.completed, 20)
        let written = try db.query("SELECT count(*) FROM track_matches").scalar(Int.self)
        XCTAssertGreaterThan(written, 0)
        XCTAssertEqual(report.cacheFailures, written)
        XCTAssertEqual(try db.query("""
            SELECT count(*) FROM track_matches t JOIN cache_repairs c USING (release_id, track_index)
            """).scalar(Int.self), written)
    }

    func testARejectedURLIsNeverProposedAgainAndPeoplesDecisionsStand() throws {
        let (url, db) = try TestDatabase.fresh()
        try WorkerFixtures.importFixtureReleases(db)
        _ = try WorkerFixtures.worker(url).drain()
        let approved = try db.query("""
            SELECT release_id, track_index, match_url FROM track_matches WHERE approved ORDER BY release_id, track_index LIMIT 2
            """).rows
        XCTAssertEqual(approved.count, 2)
        // A reviewer rejects the first and approves a URL of their own for the second.
        let rejected = approved[0], decided = approved[1]
        try db.query("INSERT INTO match_rejections (release_id, track_index, match_url, reviewer) VALUES ($1::bigint, $2::int, $3, 'maria')",
                     rejected["release_id"]!, rejected["track_index"]!, rejected["match_url"]!)
        try db.query("DELETE FROM track_matches WHERE release_id = $1::bigint AND track_index = $2::int",
                     rejected["release_id"]!, rejected["track_index"]!)
        try db.query("""
            UPDATE track_matches SET match_url = 'https://www.youtube.com/watch?v=chosenbyhand', verified_by = 'kwame'
            WHERE release_id = $1::bigint AND track_index = $2::int
            """, decided["release_id"]!, decided["track_index"]!)

        XCTAssertEqual(try ProcessingQueue(connection: db).requeue(failedOnly: false, release: Int64(rejected["release_id"]!)!).requeued, 1)
        if decided["release_id"] != rejected["release_id"] {
            _ = try ProcessingQueue(connection: db).requeue(failedOnly: false, release: Int64(decided["release_id"]!)!)
        }
        XCTAssertGreaterThan(try WorkerFixtures.worker(url).drain().completed, 0)

        let again = try db.query("SELECT match_url FROM track_matches WHERE release_id = $1::bigint AND track_index = $2::int",
                                 rejected["release_id"]!, rejected["track_index"]!)
        XCTAssertNotEqual(again.first?["match_url"], rejected["match_url"])
        XCTAssertEqual(try db.query("SELECT match_url || ' ' || verified_by FROM track_matches WHERE release_id = $1::bigint AND track_index = $2::int",
                                    decided["release_id"]!, decided["track_index"]!).scalar(String.self),
                       "https://www.youtube.com/watch?v=chosenbyhand kwame")
    }

    func testAMissingTracklistIsFetchedAndFetchFailuresRetryThenFail() throws {
        let (url, db) = try TestDatabase.fresh()
        let source = StubReleaseSource()
        source.serve(79, try ImportFixtures.releaseData(79))
        source.fail(80, status: 503)
        for id: Int64 in [79, 80, 81] { try WorkerFixtures.enqueue(db, store: "web-store", id) }
        try db.query("UPDATE processing_queue SET max_retries = 2")
        let worker = try WorkerFixtures.worker(url, source: source)

        let first = try worker.processBatch()
        XCTAssertEqual([first.completed, first.retried, first.failed], [1, 1, 1])
        // The fetched body is stored like an imported one.
        XCTAssertEqual(try db.query("SELECT jsonb_array_length(tracklist) FROM releases WHERE discogs_id = 79").scalar(Int.self), 4)
        let missing = try XCTUnwrap(db.query("SELECT status, error_message FROM processing_queue WHERE discogs_id = 81").first)
        XCTAssertEqual(missing["status"], "failed")
        XCTAssertTrue(missing["error_message"]!.contains("HTTP 404"), missing["error_message"]!)

        let second = try worker.processBatch()
        XCTAssertEqual(second.failed, 1)
        let flaky = try XCTUnwrap(db.query("SELECT status, retry_count, error_message FROM processing_queue WHERE discogs_id = 80").first)
        XCTAssertEqual(flaky["status"], "failed")
        XCTAssertEqual(flaky["retry_count"], "2")
        XCTAssertTrue(flaky["error_message"]!.hasSuffix("(gave up after 2 attempts)"), flaky["error_message"]!)
        XCTAssertEqual(source.requests.filter { $0 == 80 }.count, 2)
    }

    func testAStopFinishesTheReleaseInHandAndGivesTheOthersBack() throws {
        let (url, db) = try TestDatabase.fresh()
        try WorkerFixtures.importFixtureReleases(db)
        let stop = StopSignal()
        let worker = try WorkerFixtures.worker(url, batch: 5, stop: stop)
        worker.afterMatching = { _ in stop.requestStop() }
        let report = try worker.processBatch()
        XCTAssertEqual(report.completed, 1)
        XCTAssertEqual(report.released, 4)
        XCTAssertEqual(try db.query("SELECT count(*) FROM processing_queue WHERE status = 'processing' OR leased_by IS NOT NULL").scalar(Int.self), 0)
        XCTAssertEqual(try db.query("SELECT count(*) FROM processing_queue WHERE status = 'queued' AND retry_count = 0").scalar(Int.self), 19)
    }

    func testAReleaseQueuedForTwoStoresIsMatchedOnceAndBothJobsComplete() throws {
        let (url, db) = try TestDatabase.fresh()
        _ = try DiscogsImporter(connection: db).importReleases(
            files: [ImportFixtures.releasesDirectory.appendingPathComponent("249504.json")], store: "first-store")
        try WorkerFixtures.enqueue(db, store: "second-store", 249504)
        let report = try WorkerFixtures.worker(url).drain()
        XCTAssertEqual(report.completed, 2)
        XCTAssertEqual(report.completedReleases, [249504])
        XCTAssertEqual(try db.query("SELECT count(*) FROM processing_queue WHERE status = 'completed'").scalar(Int.self), 2)
        XCTAssertEqual(try db.query("""
            SELECT count(*) FROM (SELECT track_index, match_url FROM match_candidates GROUP BY 1, 2 HAVING count(*) > 1) d
            """).scalar(Int.self), 0)
    }

    func testTwoWorkersOnOneQueueProcessEachReleaseOnce() throws {
        let (url, db) = try TestDatabase.fresh()
        try WorkerFixtures.importFixtureReleases(db)
        let seeded = try SyntheticDataSeeder(connection: db).seed(SeedRequest(stores: 3, releases: 0, queuedReleases: 120))
        XCTAssertEqual(seeded.queueRows, 120)
        let workers = try (0..<2).map { try WorkerFixtures.worker(url, name: "worker-\($0)", batch: 4) }
        let reports = Reports()
        let group = DispatchGroup()
        for worker in workers {
            DispatchQueue.global().async(group: group) {
                do { reports.add(try worker.drain()) } catch { reports.add(error) }
            }
        }
        group.wait()
        let (done, errors) = reports.values
        XCTAssertEqual(errors.count, 0, "\(errors)")
        XCTAssertEqual(done.count, 2)
        let a = done[0].completedReleases, b = done[1].completedReleases
        XCTAssertGreaterThan(a.count, 0)
        XCTAssertGreaterThan(b.count, 0)
        XCTAssertEqual(Set(a).intersection(b), [])
        XCTAssertEqual(a.count + b.count, 140)
        XCTAssertEqual(Set(a + b).count, 140)
        XCTAssertEqual(try db.query("SELECT count(*) FROM processing_queue WHERE status = 'completed'").scalar(Int.self), 140)
        XCTAssertEqual(try db.query("SELECT count(*) FROM track_matches WHERE release_id >= 9000000000").scalar(Int.self) > 0, true)
    }

    func testAJobOfAWorkerThatDiedReturnsAfterItsLease() throws {
        let (url, db) = try TestDatabase.fresh()
        try WorkerFixtures.importFixtureReleases(db)
        try db.query("DELETE FROM processing_queue WHERE discogs_id <> 249504")
        let stalled = DispatchSemaphore(value: 0), resume = DispatchSemaphore(value: 0)
        let dying = try WorkerFixtures.worker(url, name: "dying", batch: 1, queuePolicy: QueuePolicy(leaseSeconds: 1))
        dying.afterMatching = { _ in stalled.signal(); resume.wait() }
        let dyingReport = Reports()
        let thread = DispatchGroup()
        DispatchQueue.global().async(group: thread) {
            do { reports(dyingReport, try dying.processBatch()) } catch { dyingReport.add(error) }
        }
        stalled.wait()  // the dying worker holds the job mid-release

        let survivor = try WorkerFixtures.worker(url, name: "survivor", batch: 1)
        XCTAssertEqual(try survivor.processBatch().claimed, 0, "a live lease must keep the job")
        var taken = WorkerReport()
        let deadline = Date().addingTimeInterval(30)
        while taken.completed == 0 && Date() < deadline {
            taken = try survivor.processBatch()
            if taken.completed == 0 { Thread.sleep(forTimeInterval: 0.2) }
        }
        XCTAssertEqual(taken.completedReleases, [249504])

        // The dying worker wakes up late: it must not write the release a second time.
        resume.signal()
        thread.wait()
        let late = dyingReport.values.done.first
        XCTAssertEqual(late?.lost, 1)
        XCTAssertEqual(late?.completed, 0)
        let row = try XCTUnwrap(db.query("SELECT status, retry_count, leased_by FROM processing_queue").first)
        XCTAssertEqual(row["status"], "completed")
        XCTAssertEqual(row["retry_count"], "1")
        XCTAssertNil(row["leased_by"])
    }
}

private func reports(_ collector: Reports, _ report: WorkerReport) { collector.add(report) }

/// Results gathered from worker threads.
private final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var done: [WorkerReport] = []
    private var errors: [any Error] = []
    func add(_ report: WorkerReport) { lock.lock(); done.append(report); lock.unlock() }
    func add(_ error: any Error) { lock.lock(); errors.append(error); lock.unlock() }
    var values: (done: [WorkerReport], errors: [any Error]) { lock.lock(); defer { lock.unlock() }; return (done, errors) }
}
