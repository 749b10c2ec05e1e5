import Foundation
import Matching
import Postgres
import Redis
import Rotation
import XCTest

final class ServiceReviewActionTests: XCTestCase {
    func testApproveChangesRowLogAndCache() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        let seen = try h.insertMatch(key, confidence: 0.6)
        let outcome = try h.actions.approve(key, seen: .seen(seen), reviewer: "ana")
        let row = try XCTUnwrap(h.service.row(key))
        XCTAssertTrue(row.approved)
        XCTAssertEqual(row.verifiedBy, "ana")
        XCTAssertNotEqual(row.updatedAt, seen.updatedAt)
        XCTAssertEqual(outcome.cache, .written)
        XCTAssertEqual(outcome.after, row)
        let cached = try XCTUnwrap(h.cached(key))
        XCTAssertTrue(cached.approved)
        XCTAssertEqual(cached.verifiedBy, "ana")
        try StrictWebAppReader.check(try XCTUnwrap(h.redis.get(key.cacheKey)))
        XCTAssertNotNil(try h.redis.ttl(key.cacheKey).seconds)
        let log = try h.reviews(key)
        XCTAssertEqual(log.count, 1)
        XCTAssertEqual(log[0]["reviewer"], "ana")
        XCTAssertEqual(log[0]["action"], "approve")
        XCTAssertEqual(try log[0].decode("id", as: Int64.self), outcome.reviewID)
        XCTAssertTrue(try XCTUnwrap(log[0]["row_before"]).contains(#""approved": false"#))
        XCTAssertTrue(try XCTUnwrap(log[0]["row_after"]).contains(#""approved": true"#))
        XCTAssertTrue(try XCTUnwrap(log[0]["cache_after"]).contains(#""verified_by": "ana""#))
    }

    func testRejectRemembersTheURLDeletesTheRowAndUnlinksTheKey() throws {
        let h = try ServiceHarness.make()
        let key = randomKey(track: 2)
        let seen = try h.insertMatch(key, url: "https://www.youtube.com/watch?v=bad")
        _ = try h.service.getOrComputeMatch(key)  // cached now
        XCTAssertNotNil(try h.cached(key))
        let outcome = try h.actions.reject(key, seen: .seen(seen), reviewer: "ben")
        XCTAssertNil(try h.service.row(key))
        XCTAssertEqual(outcome.cache, .unlinked)
        XCTAssertFalse(try h.redis.exists(key.cacheKey))
        XCTAssertEqual(try h.db.query("SELECT match_url, reviewer FROM match_rejections WHERE release_id = $1 AND track_index = 2",
                                      key.releaseID).rows.map { "\($0["match_url"]!) \($0["reviewer"]!)" },
                       ["https://www.youtube.com/watch?v=bad ben"])
        let log = try h.reviews(key)
        XCTAssertEqual(log.map { $0["action"] }, ["reject"])
        XCTAssertNil(log[0]["row_after"])
        XCTAssertNotNil(log[0]["cache_before"])
    }

    func testRejectWithReplacementAndReplace() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        let seen = try h.insertMatch(key, url: "https://www.youtube.com/watch?v=wrong", confidence: 0.55)
        let outcome = try h.actions.reject(key, seen: .seen(seen), reviewer: "cy", replacement: "https://soundcloud.com/artist/right")
        let row = try XCTUnwrap(h.service.row(key))
        XCTAssertEqual(row.platform, "soundcloud")
        XCTAssertEqual(row.matchURL, "https://soundcloud.com/artist/right")
        XCTAssertEqual(row.confidence, 1.0)
        XCTAssertTrue(row.approved)
        XCTAssertEqual(outcome.action, .rejectWithReplacement)
        XCTAssertEqual(try h.cached(key)?.matchURL, "https://soundcloud.com/artist/right")
        XCTAssertEqual(try h.db.query("SELECT count(*) FROM match_rejections WHERE release_id = $1", key.releaseID).scalar(Int.self), 1)

        // Replace on an unmatched track, with a given confidence.
        let unmatched = randomKey(track: 5)
        try h.actions.replace(unmatched, url: "https://youtu.be/abcdef", confidence: 0.9, seen: .absent, reviewer: "cy")
        XCTAssertEqual(try h.service.row(unmatched)?.platform, "youtube")
        XCTAssertEqual(try h.service.row(unmatched)?.confidence ?? 0, 0.9, accuracy: 1e-6)
        XCTAssertEqual(try h.cached(unmatched)?.approved, true)
    }

    func testReplacementURLsThatAreNotPlayableAreRefusedAndChangeNothing() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        let seen = try h.insertMatch(key)
        for url in ["ftp://youtube.com/x", "https://example.com/song", "javascript:alert(1)", "youtube.com/watch?v=x", ""] {
            XCTAssertThrowsError(try h.actions.replace(key, url: url, seen: .seen(seen), reviewer: "x"), url) { error in
                guard case ReviewError.invalidURL = error else { return XCTFail("\(error)") }
            }
        }
        XCTAssertThrowsError(try h.actions.replace(key, url: "https://youtu.be/x", confidence: 1.5, seen: .seen(seen), reviewer: "x"))
        XCTAssertEqual(try h.service.row(key), seen)
        XCTAssertEqual(try h.reviews(key).count, 0)
    }

    func testTheServiceRefusesWithTheValidatorsReasonAndStoresTheURLAsValidated() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        let seen = try h.insertMatch(key)
        for url in ["https://youtube.com/", "https://www.youtube-nocookie.com/embed/abc", "https://example.com/song"] {
            guard case .invalid(let reason) = RecordingURL.validate(url) else { return XCTFail("accepted \(url)") }
            XCTAssertThrowsError(try h.actions.replace(key, url: url, seen: .seen(seen), reviewer: "x"), url) { error in
                guard case ReviewError.invalidURL(let refused) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(refused, reason)
            }
        }
        XCTAssertEqual(try h.service.row(key), seen)
        try h.actions.replace(key, url: "  https://soundcloud.com/artist/right\n", seen: .seen(seen), reviewer: "x")
        XCTAssertEqual(try h.service.row(key)?.matchURL, "https://soundcloud.com/artist/right")
        XCTAssertEqual(try h.cached(key)?.matchURL, "https://soundcloud.com/artist/right")
    }

    func testNeedsReviewAndClear() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        let seen = try h.insertMatch(key, confidence: 0.9, approved: true)
        let flagged = try h.actions.markNeedsReview(key, seen: .seen(seen), reviewer: "di")
        XCTAssertEqual(try h.service.row(key)?.approved, false)
        XCTAssertEqual(try h.cached(key)?.approved, false)
        try h.actions.clear(key, seen: .seen(flagged.after), reviewer: "di")
        XCTAssertNil(try h.service.row(key))
        XCTAssertFalse(try h.redis.exists(key.cacheKey))
        XCTAssertEqual(try h.reviews(key).map { $0["action"] }, ["needs_review", "clear"])
        XCTAssertThrowsError(try h.actions.clear(key, seen: .none, reviewer: "di")) { error in
            guard case ReviewError.noMatch = error else { return XCTFail("\(error)") }
        }
    }

    func testTwoReviewersOnOneRowTheSecondGetsTheConflictAndNothingIsLost() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        let seen = try h.insertMatch(key, confidence: 0.6)
        // Both consoles show the same row; the first one approves.
        try h.actions.approve(key, seen: .seen(seen), reviewer: "first")
        XCTAssertThrowsError(try h.actions.reject(key, seen: .seen(seen), reviewer: "second")) { error in
            guard case ReviewError.conflict(let conflict) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(conflict.changedBy, "first")
            XCTAssertEqual(conflict.action, "approve")
            XCTAssertNotNil(conflict.changedAt)
            XCTAssertEqual(conflict.current?.approved, true)
        }
        let row = try XCTUnwrap(h.service.row(key))
        XCTAssertTrue(row.approved)
        XCTAssertEqual(row.verifiedBy, "first")
        XCTAssertEqual(try h.cached(key)?.verifiedBy, "first")
        XCTAssertEqual(try h.reviews(key).count, 1)
        XCTAssertEqual(try h.db.query("SELECT count(*) FROM match_rejections WHERE release_id = $1", key.releaseID).scalar(Int.self), 0)

        // A reviewer who saw no row does not overwrite one that appeared.
        let other = randomKey()
        try h.insertMatch(other)
        XCTAssertThrowsError(try h.actions.replace(other, url: "https://youtu.be/new", seen: .absent, reviewer: "second")) { error in
            guard case ReviewError.conflict = error else { return XCTFail("\(error)") }
        }
    }

    func testConcurrentApproveAndRejectFromTwoConnectionsNeverBothApply() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        let seen = try h.insertMatch(key)
        let second = try ServiceHarness.make(databaseURL: h.url)
        let group = DispatchGroup()
        let results = ResultBox()
        for (index, actions) in [h.actions, second.actions].enumerated() {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave() }
                do {
                    if index == 0 { try actions.approve(key, seen: .seen(seen), reviewer: "a") }
                    else { try actions.reject(key, seen: .seen(seen), reviewer: "b") }
                    results.add("ok")
                } catch ReviewError.conflict {
                    results.add("conflict")
                } catch {
                    results.add("\(error)")
                }
            }
        }
        group.wait()
        XCTAssertEqual(results.values.sorted(), ["conflict", "ok"])
        XCTAssertEqual(try h.reviews(key).count, 1)
    }

    func testUndoChainsAcrossActionsPerReviewer() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        let original = try h.insertMatch(key, url: "https://www.youtube.com/watch?v=one", confidence: 0.6)
        let a = try h.actions.approve(key, seen: .seen(original), reviewer: "eve")
        let b = try h.actions.markNeedsReview(key, seen: .seen(a.after), reviewer: "eve")
        try h.actions.reject(key, seen: .seen(b.after), reviewer: "eve", replacement: "https://youtu.be/two")
        // Another reviewer's decision on another track is not in eve's chain.
        let otherKey = randomKey()
        let other = try h.insertMatch(otherKey)
        try h.actions.approve(otherKey, seen: .seen(other), reviewer: "fay")

        let u1 = try h.actions.undo(reviewer: "eve")
        XCTAssertEqual(try h.service.row(key)?.matchURL, "https://www.youtube.com/watch?v=one")
        XCTAssertEqual(try h.service.row(key)?.approved, false)
        XCTAssertEqual(try h.cached(key)?.matchURL, "https://www.youtube.com/watch?v=one")
        XCTAssertEqual(try h.db.query("SELECT count(*) FROM match_rejections WHERE release_id = $1", key.releaseID).scalar(Int.self), 0)
        XCTAssertEqual(u1.action, .undo)

        try h.actions.undo(reviewer: "eve")
        XCTAssertEqual(try h.service.row(key)?.approved, true)
        XCTAssertEqual(try h.cached(key)?.approved, true)

        try h.actions.undo(reviewer: "eve")
        let restored = try XCTUnwrap(h.service.row(key))
        XCTAssertFalse(restored.approved)
        XCTAssertEqual(restored.verifiedBy, nil)
        XCTAssertEqual(restored.id, original.id)
        XCTAssertEqual(try h.cached(key)?.approved, false)
        XCTAssertThrowsError(try h.actions.undo(reviewer: "eve")) { error in
            guard case ReviewError.nothingToUndo = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try h.service.row(otherKey)?.approved, true, "fay's decision is untouched")
        let log = try h.reviews(key)
        XCTAssertEqual(log.map { $0["action"]! }, ["approve", "needs_review", "reject_replace", "undo", "undo", "undo"])
        XCTAssertEqual(log[3]["undoes"], log[2]["id"])
        XCTAssertEqual(log[5]["undoes"], log[0]["id"])
    }

    func testUndoOfAClearRestoresTheRowAndUndoAfterSomeoneElsesChangeIsAConflict() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        let seen = try h.insertMatch(key)
        try h.actions.clear(key, seen: .seen(seen), reviewer: "gil")
        try h.actions.undo(reviewer: "gil")
        XCTAssertEqual(try h.service.row(key)?.matchURL, seen.matchURL)
        XCTAssertEqual(try h.cached(key)?.matchURL, seen.matchURL)

        let now = try XCTUnwrap(h.service.row(key))
        try h.actions.approve(key, seen: .seen(now), reviewer: "gil")
        try h.db.query("UPDATE track_matches SET confidence = 0.99, updated_at = now() WHERE release_id = $1", key.releaseID)
        XCTAssertThrowsError(try h.actions.undo(reviewer: "gil")) { error in
            guard case ReviewError.conflict = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try h.service.row(key)?.confidence ?? 0, 0.99, accuracy: 1e-6)
    }

    func testClearReleaseAndClearStoreUnlinkExactlyTheirKeysAndCanBeUndone() throws {
        let h = try ServiceHarness.make()
        let store = "store-\(UUID().uuidString.prefix(8))"
        let r1 = randomKey().releaseID, r2 = randomKey().releaseID, elsewhere = randomKey().releaseID
        try h.insertRelease(r1, store: store, tracks: 3)
        try h.insertRelease(r2, store: store, tracks: 2)
        try h.insertRelease(elsewhere, store: store + "-other", tracks: 1)
        for (release, tracks) in [(r1, 3), (r2, 2), (elsewhere, 1)] {
            for t in 0..<tracks {
                let key = TrackKey(releaseID: release, trackIndex: t)
                try h.insertMatch(key)
                _ = try h.service.getOrComputeMatch(key)
            }
        }
        XCTAssertEqual(try h.actions.planClearRelease(r1).rows, 3)
        let cleared = try h.actions.clearRelease(r1, reviewer: "admin")
        XCTAssertEqual(cleared.rowsAffected, 3)
        XCTAssertEqual(try h.redis.exists((0..<3).map { TrackKey(releaseID: r1, trackIndex: $0).cacheKey }), 0)
        XCTAssertEqual(try h.redis.exists((0..<2).map { TrackKey(releaseID: r2, trackIndex: $0).cacheKey }), 2)

        var progress: [Int] = []
        let storeClear = try h.actions.clearStore(store, reviewer: "admin") { done, _ in progress.append(done) }
        XCTAssertEqual(storeClear.rowsAffected, 2)
        XCTAssertEqual(progress.last, 2)
        XCTAssertEqual(try h.redis.exists((0..<2).map { TrackKey(releaseID: r2, trackIndex: $0).cacheKey }), 0)
        XCTAssertTrue(try h.redis.exists(TrackKey(releaseID: elsewhere, trackIndex: 0).cacheKey))
        XCTAssertNotNil(try h.service.row(TrackKey(releaseID: elsewhere, trackIndex: 0)))

        let undone = try h.actions.undo(reviewer: "admin")
        XCTAssertEqual(undone.rowsAffected, 2)
        XCTAssertNotNil(try h.service.row(TrackKey(releaseID: r2, trackIndex: 1)))
        XCTAssertNotNil(try h.cached(TrackKey(releaseID: r2, trackIndex: 1)))
        try h.actions.undo(reviewer: "admin")
        XCTAssertEqual(try h.db.query("SELECT count(*) FROM track_matches WHERE release_id = $1", r1).scalar(Int.self), 3)
    }

    func testReadOnlyRefusesEveryWriteAndTheServerEnforcesIt() throws {
        let writer = try ServiceHarness.make()
        let key = randomKey()
        let seen = try writer.insertMatch(key)
        let h = try ServiceHarness.make(databaseURL: writer.url, readOnly: true)
        XCTAssertThrowsError(try h.actions.approve(key, seen: .seen(seen), reviewer: "r")) { error in
            guard case ReviewError.readOnly = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try h.actions.undo(reviewer: "r"))
        XCTAssertThrowsError(try h.actions.clearStore("s", reviewer: "r"))
        XCTAssertEqual(try h.service.row(key), seen)
        // The server itself refuses, whatever the client claims.
        let readOnlyDB = try PostgresConnection(PostgresConfiguration(writer.url, readOnly: true))
        XCTAssertThrowsError(try readOnlyDB.query("DELETE FROM track_matches")) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .readOnlyTransaction)
        }
        // Reads still work and do not write the cache.
        XCTAssertEqual(try h.service.getOrComputeMatch(key).tier, .database)
        XCTAssertFalse(try h.redis.exists(key.cacheKey))
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [String] = []
    func add(_ value: String) { lock.lock(); values.append(value); lock.unlock() }
}
