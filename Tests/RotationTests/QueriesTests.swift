import Foundation
import Postgres
import Rotation
import XCTest

final class QueriesTests: XCTestCase {
    func testStoresListPendingAndUnmatchedCountsKeptByTriggers() throws {
        let h = try ServiceHarness.make()
        try h.insertRelease(1, store: "alpha", tracks: 4, headings: 1)
        try h.insertRelease(2, store: "alpha", tracks: 2)
        try h.insertRelease(3, store: "beta", tracks: 3)
        try h.insertMatch(TrackKey(releaseID: 1, trackIndex: 1), confidence: 0.6)
        try h.insertMatch(TrackKey(releaseID: 1, trackIndex: 2), confidence: 0.9, approved: true)
        try h.insertMatch(TrackKey(releaseID: 3, trackIndex: 0), confidence: 0.7)
        // A match that arrives before its release row is counted once the release arrives.
        try h.insertMatch(TrackKey(releaseID: 4, trackIndex: 0), confidence: 0.55)
        try h.insertRelease(4, store: "gamma", tracks: 1)

        let queries = ReviewQueries(database: h.db)
        var stores = try queries.stores().items
        XCTAssertEqual(stores.map(\.store), ["alpha", "beta", "gamma"])
        XCTAssertEqual(stores[0].pendingCount, 1)
        XCTAssertEqual(stores[0].trackCount, 6)
        XCTAssertEqual(stores[0].unmatchedCount, 4)
        XCTAssertEqual(stores[2].pendingCount, 1)

        // Actions move the counts.
        let seen = try XCTUnwrap(h.service.row(TrackKey(releaseID: 1, trackIndex: 1)))
        try h.actions.approve(seen.key, seen: .seen(seen), reviewer: "q")
        try h.actions.clearStore("beta", reviewer: "q")
        stores = try queries.stores().items
        XCTAssertEqual(stores[0].pendingCount, 0)
        XCTAssertEqual(stores[1].pendingCount, 0)
        XCTAssertEqual(stores[1].unmatchedCount, 3)

        let first = try queries.stores(limit: 2)
        XCTAssertEqual(first.items.count, 2)
        let second = try queries.stores(after: try XCTUnwrap(first.nextCursor), limit: 2)
        XCTAssertEqual(second.items.map(\.store), ["gamma"])
        XCTAssertNil(second.nextCursor)
    }

    func testStoreReleasesMostPendingFirstAndOldestFirstWithKeysetPages() throws {
        let h = try ServiceHarness.make()
        for (release, pending, created) in [(10, 1, "2024-03-01T00:00:00Z"), (11, 3, "2024-01-01T00:00:00Z"),
                                             (12, 2, "2024-02-01T00:00:00Z"), (13, 3, "2024-04-01T00:00:00Z")] {
            try h.insertRelease(Int64(release), store: "shop", tracks: 4, createdAt: created)
            for t in 0..<pending { try h.insertMatch(TrackKey(releaseID: Int64(release), trackIndex: t)) }
        }
        let queries = ReviewQueries(database: h.db)
        var ids: [Int64] = []
        var cursor: String?
        repeat {
            let page = try queries.releases(of: "shop", order: .mostPending, after: cursor, limit: 1)
            ids += page.items.map(\.releaseID)
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(ids, [11, 13, 12, 10])

        ids = []
        repeat {
            let page = try queries.releases(of: "shop", order: .oldest, after: cursor, limit: 3)
            ids += page.items.map(\.releaseID)
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(ids, [11, 12, 10, 13])
        XCTAssertThrowsError(try queries.releases(of: "shop", after: "garbage!"))
    }

    func testReleaseDetailShowsStatusCandidatesEvidenceAndRejections() throws {
        let h = try ServiceHarness.make()
        try h.insertRelease(20, store: "shop", tracks: 3, headings: 1)
        try h.insertMatch(TrackKey(releaseID: 20, trackIndex: 1), url: "https://youtu.be/a", confidence: 0.9, approved: true)
        let pending = try h.insertMatch(TrackKey(releaseID: 20, trackIndex: 2), url: "https://youtu.be/b", confidence: 0.6)
        try h.db.query("""
            INSERT INTO match_candidates (release_id, track_index, platform, match_url, title, confidence, evidence)
            VALUES (20, 2, 'youtube', 'https://youtu.be/b', 'B', 0.6, '{"title": 0.7, "duration": 0.4}'),
                   (20, 2, 'youtube', 'https://youtu.be/c', 'C', 0.45, '{}')
            """)
        try h.actions.reject(pending.key, seen: .seen(pending), reviewer: "r")
        let detail = try ReviewQueries(database: h.db).release(20)
        XCTAssertEqual(detail.release?.store, "shop")
        XCTAssertEqual(detail.tracks.map(\.status), [.heading, .approved, .unmatched, .unmatched])
        let track = detail.tracks[2]
        XCTAssertEqual(track.candidates.map(\.url), ["https://youtu.be/b", "https://youtu.be/c"])
        XCTAssertEqual(track.candidates.map(\.rejected), [true, false])
        XCTAssertEqual(track.candidates[0].evidence, .object(["title": .number(0.7), "duration": .number(0.4)]))
        XCTAssertEqual(track.rejectedURLs, ["https://youtu.be/b"])
        XCTAssertEqual(track.title, "Track 1")
    }

    func testPendingListFiltersAndPagesAcrossStoresIncludingRowsFromPlainSQL() throws {
        let h = try ServiceHarness.make()
        try h.insertRelease(30, store: "north", tracks: 10, title: "Blue Lines")
        try h.insertRelease(31, store: "south", tracks: 10, title: "Mezzanine")
        var expected: [TrackKey] = []
        for t in 0..<6 {
            let key = TrackKey(releaseID: t % 2 == 0 ? 30 : 31, trackIndex: t)
            try h.insertMatch(key, url: t == 5 ? "https://soundcloud.com/x/y" : "https://youtu.be/\(t)", confidence: 0.5 + Double(t) * 0.05)
            expected.append(key)
        }
        try h.insertMatch(TrackKey(releaseID: 30, trackIndex: 9), confidence: 0.95, approved: true)
        // A pending row with no release row at all (the web app inserted it).
        try h.db.query("INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence) VALUES (99, 0, 'youtube', 'https://youtu.be/z', 0.52)")
        let queries = ReviewQueries(database: h.db)

        var keys: [TrackKey] = []
        var cursor: String?
        repeat {
            let page = try queries.pending(after: cursor, limit: 2)
            keys += page.items.map(\.match.key)
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(keys, [expected[0], TrackKey(releaseID: 99, trackIndex: 0)] + expected[1...])

        XCTAssertEqual(try queries.pending(PendingFilter(minConfidence: 0.6, maxConfidence: 0.7)).items.map(\.match.key),
                       [expected[2], expected[3], expected[4]])
        XCTAssertEqual(try queries.pending(PendingFilter(platform: "soundcloud")).items.map(\.match.key), [expected[5]])
        XCTAssertEqual(try queries.pending(PendingFilter(store: "south")).items.map(\.match.key), [expected[1], expected[3], expected[5]])
        XCTAssertEqual(try queries.pending(PendingFilter(search: "mezz")).items.count, 3)
        XCTAssertEqual(try queries.pending(PendingFilter(search: "100%_")).items.count, 0)
        XCTAssertEqual(try queries.pending(PendingFilter(releaseID: 30)).items.first?.releaseTitle, "Blue Lines")
        XCTAssertThrowsError(try queries.pending(PendingFilter(minConfidence: 2)))
    }

    func testCountersAgreeWithTheRowsAfterBulkAndSingleChangesFromAnyWriter() throws {
        let h = try ServiceHarness.make()
        for release in 40..<46 { try h.insertRelease(Int64(release), store: release % 2 == 0 ? "even" : "odd", tracks: 5) }
        // Bulk insert (as COPY or the worker would), plain-SQL updates and deletes, a store move, our actions.
        try h.db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
            SELECT 40 + g / 5, g % 5, 'youtube', 'https://youtu.be/' || g, 0.5 + (g % 5) * 0.1, g % 3 = 0
            FROM generate_series(0, 29) g
            """)
        try h.db.query("UPDATE track_matches SET approved = NOT approved WHERE track_index = 1")
        try h.db.query("DELETE FROM track_matches WHERE track_index = 4 AND release_id < 43")
        try h.db.query("UPDATE releases SET store_username = 'moved' WHERE discogs_id = 45")
        let seen = try XCTUnwrap(h.service.row(TrackKey(releaseID: 42, trackIndex: 2)))
        try h.actions.reject(seen.key, seen: .seen(seen), reviewer: "c")
        try h.actions.clearRelease(44, reviewer: "c")
        try h.actions.undo(reviewer: "c")

        let truth = try h.db.query("""
            SELECT r.store_username, count(m.id)::integer AS matched, (count(m.id) FILTER (WHERE NOT m.approved))::integer AS pending
            FROM releases r LEFT JOIN track_matches m ON m.release_id = r.discogs_id
            GROUP BY r.store_username ORDER BY 1
            """).rows.map { "\($0["store_username"]!) \($0["matched"]!) \($0["pending"]!)" }
        let counted = try h.db.query("""
            SELECT store_username, matched_count, pending_count FROM store_review_counts WHERE release_count > 0 ORDER BY 1
            """).rows.map { "\($0["store_username"]!) \($0["matched_count"]!) \($0["pending_count"]!)" }
        XCTAssertEqual(counted, truth)
    }
}
