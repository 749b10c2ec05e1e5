import Foundation
import Postgres
import Redis
import Rotation
import XCTest
@testable import Console

/// The handler's read effects against real servers: stores, releases (paged), tracks with candidates and evidence,
/// inventory with its sync log, cache keys (SCAN paging, stores, drift) and cache clears.
final class ServiceEffectHandlerLiveReadTests: LiveTestCase {
    func testLoadStoresCountsPendingAndUnmatched() throws {
        let events = perform(.loadStores(requestID()))
        guard events.count == 1, case .storesLoaded(_, let stores) = events[0] else { return XCTFail("\(events)") }
        // Three playable tracks (the heading does not count): one pending, one approved, one unmatched.
        XCTAssertEqual(stores, [StoreRow(name: Self.store, pending: 1, unmatched: 1)])
    }

    func testLoadReleasesPagesWithNextPageAndShowsCatno() throws {
        // 150 more releases, each with one pending track, so the seeded release (1 pending) sorts among them.
        try db.query("""
            INSERT INTO releases (discogs_id, store_username, title, artist, catno, tracklist)
            SELECT 6000 + i, $1, 'Filler ' || i, 'Various', 'FIL-' || i, '[{"position": "A1", "title": "x"}]'::jsonb
            FROM generate_series(0, 149) AS i
            """, Self.store)
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence)
            SELECT 6000 + i, 0, 'youtube', 'https://www.youtube.com/watch?v=f' || i, 0.5 FROM generate_series(0, 149) AS i
            """)

        var seen: [ReleaseRow] = []
        var cursor: String?
        var pages = 0
        repeat {
            let events = perform(.loadReleases(requestID(), store: Self.store, after: cursor))
            guard events.count == 1, case .releasesLoaded(_, let store, let rows, let next) = events[0] else {
                return XCTFail("\(events)")
            }
            XCTAssertEqual(store, Self.store)
            seen += rows
            cursor = next
            pages += 1
        } while cursor != nil && pages < 10
        XCTAssertEqual(pages, 2, "151 releases at 100 a page")
        XCTAssertEqual(seen.count, 151)
        XCTAssertEqual(Set(seen.map(\.discogsID)).count, 151, "no release twice across pages")
        let coastal = try XCTUnwrap(seen.first { $0.discogsID == Self.release })
        XCTAssertEqual(coastal, ReleaseRow(discogsID: Self.release, title: "Coastal Recordings", artist: "The Harbourmasters",
                                           catno: "HBR-001", pending: 1))
        XCTAssertEqual(seen.first { $0.discogsID == 6007 }?.catno, "FIL-7")
    }

    func testLoadTracksSkipsHeadingsAndCarriesStatusesCandidatesAndEvidence() throws {
        let rows = try loadTracks()
        XCTAssertEqual(rows.map(\.index), [1, 2, 3], "the heading (index 0) is not a track")
        XCTAssertEqual(rows.map(\.status), [.pending, .approved, .unmatched])
        XCTAssertEqual(rows.map(\.position), ["A1", "A2", "B1"])
        XCTAssertEqual(rows[2].title, "Último Tren")

        let pending = rows[0]
        XCTAssertEqual(pending.url, "https://www.youtube.com/watch?v=morningtide1")
        XCTAssertEqual(pending.platform, .youtube)
        XCTAssertEqual(pending.confidence ?? 0, 0.62, accuracy: 0.0001)
        XCTAssertNotNil(pending.updatedAt)
        XCTAssertEqual(pending.candidates.map(\.url), [
            "https://www.youtube.com/watch?v=morningtide1", "https://www.youtube.com/watch?v=morningtide2",
            "https://soundcloud.com/someone/morning-tide",
        ], "best first")
        XCTAssertEqual(pending.candidates.map(\.rejected), [false, true, false])
        XCTAssertEqual(pending.candidates[0].title, "Morning Tide (1979)")
        XCTAssertEqual(pending.candidates[2].title, "https://soundcloud.com/someone/morning-tide", "no title: the URL")
        XCTAssertEqual(pending.candidates[2].platform, .soundcloud)

        let evidence = pending.candidates[0].evidence
        XCTAssertEqual(evidence.map(\.signal), ["title", "duration"])
        XCTAssertEqual(evidence[0].value, 0.9, accuracy: 1e-9)
        XCTAssertEqual(evidence[0].weight, 0.5, accuracy: 1e-9)
        XCTAssertEqual(evidence[0].contribution, 0.45, accuracy: 1e-9)
        XCTAssertEqual(evidence[1].contribution, 0.1, accuracy: 1e-9, "no contribution given: value × weight")
        XCTAssertEqual(pending.candidates[2].evidence, [], "evidence of another shape gives no rows")

        let approved = rows[1]
        XCTAssertEqual(approved.verifiedBy, "ana")
        XCTAssertEqual(approved.platform, .soundcloud)
        XCTAssertNil(rows[2].url)
        XCTAssertEqual(rows[2].candidates, [])
    }

    func testLoadInventoryHasTheSyncLogOnTheFirstPageOnly() throws {
        try db.query("""
            INSERT INTO releases (discogs_id, store_username, title, artist, year, tracklist, created_at)
            SELECT 6000 + i, $1, 'Filler ' || i, 'Various', 1990, '[{"position": "A1", "title": "x"}]'::jsonb,
                   now() + make_interval(secs => i)
            FROM generate_series(0, 119) AS i
            """, Self.store)
        try db.query("""
            INSERT INTO store_sync_runs (store_username, source, finished_at, listings_processed, new_releases_found,
                                         audio_matches_created)
            VALUES ($1, 'sync', now() - interval '2 days', 40, 12, 30), ($1, 'import', now() - interval '1 day', 55, 3, 0),
                   ($1, 'worker', now() - interval '20 hours', 0, 0, 7), ('other-store', 'sync', now(), 1, 1, 1)
            """, Self.store)

        let first = perform(.loadInventory(requestID(), store: Self.store, after: nil))
        guard first.count == 1, case .inventoryLoaded(_, let store, let releases, let log, let next) = first[0] else {
            return XCTFail("\(first)")
        }
        XCTAssertEqual(store, Self.store)
        XCTAssertEqual(releases.count, 100)
        XCTAssertEqual(log.map(\.listingsProcessed), [55, 40], "this store's syncs, newest first")
        XCTAssertEqual(log.first?.newReleases, 3)
        XCTAssertEqual(log.first?.matchesCreated, 7, "the matches workers created after that import")
        let coastal = try XCTUnwrap(releases.first { $0.discogsID == Self.release })
        XCTAssertEqual(coastal.trackCount, 3)
        XCTAssertEqual(coastal.approved, 1)
        XCTAssertEqual(coastal.pending, 1)
        XCTAssertEqual(coastal.year, 1979)

        let cursor = try XCTUnwrap(next)
        let second = perform(.loadInventory(requestID(), store: Self.store, after: cursor))
        guard second.count == 1, case .inventoryLoaded(_, _, let more, let secondLog, let end) = second[0] else {
            return XCTFail("\(second)")
        }
        XCTAssertEqual(more.count, 21)
        XCTAssertEqual(secondLog, [], "the sync log comes with the first page only")
        XCTAssertNil(end)
        XCTAssertTrue(Set(releases.map(\.discogsID)).isDisjoint(with: more.map(\.discogsID)))
    }

    func testLoadCacheKeysPagesThroughScanWithStoresAndDrift() throws {
        try redis.set("match:\(Self.release):1", try cacheValue(track: 1), expireSeconds: 3600)
        // Says pending where the database says approved: drifted.
        let stale = try cacheValue(track: 2).replacingOccurrences(of: "\"approved\": true", with: "\"approved\": false")
        XCTAssertNotEqual(stale, try cacheValue(track: 2))
        try redis.set("match:\(Self.release):2", stale, expireSeconds: 3600)
        try redis.set("match:\(Self.release):9", "not json")
        // Keys of an unknown release: enough for several SCAN pages.
        for i in 0..<300 { try redis.set("match:99\(i):0", try cacheValue(track: 1), expireSeconds: 600) }
        try redis.set("session:abc", "not a match key")

        var rows: [CacheKeyRow] = []
        var cursor: String?
        var pages = 0
        repeat {
            let events = perform(.loadCacheKeys(requestID(), after: cursor))
            guard events.count == 1, case .cacheKeysLoaded(_, let page, let next, _) = events[0] else { return XCTFail("\(events)") }
            rows += page
            cursor = next
            pages += 1
        } while cursor != nil && pages < 100
        XCTAssertGreaterThan(pages, 1, "303 keys do not come in one page")
        XCTAssertEqual(Set(rows.map(\.key)).count, 303)
        XCTAssertFalse(rows.contains { $0.key == "session:abc" })

        let byKey = Dictionary(rows.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let good = try XCTUnwrap(byKey["match:\(Self.release):1"])
        XCTAssertEqual(good.store, Self.store)
        XCTAssertFalse(good.drifted)
        XCTAssertNotNil(good.ttlSeconds)
        XCTAssertTrue(good.valueSummary.contains("youtube"), good.valueSummary)
        XCTAssertTrue(byKey["match:\(Self.release):2"]?.drifted == true, "disagrees with Postgres")
        XCTAssertTrue(byKey["match:\(Self.release):9"]?.drifted == true, "unusable value")
        XCTAssertNil(byKey["match:\(Self.release):9"]?.ttlSeconds, "no TTL")
        XCTAssertNil(byKey["match:990:0"]?.store, "release unknown to Postgres")
    }

    func testPreviewThenClearOfAReleaseReportsProgressAndRemovesItsKeys() throws {
        for track in 1...2 { try redis.set("match:\(Self.release):\(track)", try cacheValue(track: track), expireSeconds: 3600) }
        try redis.set("match:\(Self.release):3", "{}")
        try redis.set("match:777:0", "{}")

        let preview = perform(.previewCacheClear(requestID(), .release(Self.release)))
        guard preview.count == 1, case .cacheClearPreviewed(_, let plan) = preview[0] else { return XCTFail("\(preview)") }
        XCTAssertEqual(plan.scope, .release(Self.release))
        XCTAssertEqual(plan.keyCount, 3)
        XCTAssertEqual(Set(plan.sample), ["match:\(Self.release):1", "match:\(Self.release):2", "match:\(Self.release):3"])
        XCTAssertTrue(try redis.exists("match:\(Self.release):1"), "a preview changes nothing")

        let id = requestID()
        let events = perform(.clearCache(id, .release(Self.release)))
        guard case .cacheClearFinished(let finishedID, let cleared)? = events.last else { return XCTFail("\(events)") }
        XCTAssertEqual(finishedID, id)
        XCTAssertEqual(cleared, 3)
        let progress = events.dropLast().compactMap { event -> Int? in
            if case .cacheClearProgress(id, let cleared, _) = event { return cleared }
            return nil
        }
        XCTAssertFalse(progress.isEmpty, "progress before finishing: \(events)")
        XCTAssertEqual(progress.count, events.count - 1, "only progress before the end: \(events)")
        XCTAssertEqual(progress.last, 3)
        for track in 1...3 { XCTAssertFalse(try redis.exists("match:\(Self.release):\(track)")) }
        XCTAssertTrue(try redis.exists("match:777:0"), "other releases' keys stay")
        XCTAssertEqual(try db.query("SELECT count(*) FROM track_matches").scalar(Int.self), 2, "Postgres untouched")
    }

    func testClearingEveryMatchKeyLeavesOtherKeys() throws {
        for i in 0..<1200 { try redis.set("match:88\(i):0", "{}") }
        try redis.set("session:keep", "1")
        let preview = perform(.previewCacheClear(requestID(), .allMatchKeys))
        guard case .cacheClearPreviewed(_, let plan)? = preview.first else { return XCTFail("\(preview)") }
        XCTAssertEqual(plan.keyCount, 1200)
        XCTAssertEqual(plan.sample.count, 10)

        let events = perform(.clearCache(requestID(), .allMatchKeys))
        guard case .cacheClearFinished(_, let cleared)? = events.last else { return XCTFail("\(events)") }
        XCTAssertEqual(cleared, 1200)
        let progress = events.dropLast().compactMap { event -> (Int, Int)? in
            if case .cacheClearProgress(_, let cleared, let total) = event { return (cleared, total) }
            return nil
        }
        XCTAssertGreaterThan(progress.count, 1, "a wide clear reports each batch")
        XCTAssertEqual(progress.map(\.0), progress.map(\.0).sorted(), "progress only grows")
        XCTAssertEqual(try redis.dbsize(), 1)
        XCTAssertTrue(try redis.exists("session:keep"))
    }

    func testClearingADriftedKeyOnlyRemovesKeysThatDisagree() throws {
        try redis.set("match:\(Self.release):1", try cacheValue(track: 1), expireSeconds: 3600)
        try redis.set("match:\(Self.release):2", "garbage")
        let events = perform(.clearCache(requestID(), .drift))
        guard case .cacheClearFinished(_, let cleared)? = events.last else { return XCTFail("\(events)") }
        XCTAssertEqual(cleared, 1)
        XCTAssertTrue(try redis.exists("match:\(Self.release):1"))
        XCTAssertFalse(try redis.exists("match:\(Self.release):2"))
    }
}
