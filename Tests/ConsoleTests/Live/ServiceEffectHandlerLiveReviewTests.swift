import Foundation
import Postgres
import Redis
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive

/// Review decisions through the handler: the answer's rows are the database's, Postgres and Redis both changed,
/// guarded conflicts are reported, undo restores, and read-only settings refuse.
final class ServiceEffectHandlerLiveReviewTests: LiveTestCase {
    private func review(_ decision: ReviewDecision, _ rows: [TrackRow]) -> [ConsoleEvent] {
        perform(.review(requestID(), ReviewCommand(decision: decision, targets: rows.map(ReviewTarget.init))))
    }

    private func applied(_ events: [ConsoleEvent], file: StaticString = #filePath, line: UInt = #line)
        -> (rows: [TrackRow], conflicts: [ConflictInfo], summary: String)?
    {
        guard events.count == 1, let applied = events[0].applied else {
            XCTFail("expected reviewApplied, got \(events)", file: file, line: line)
            return nil
        }
        return applied
    }

    func testApproveWritesPostgresRedisAndAnswersWithTheStoredRow() throws {
        let events = review(.approve, [try track(1)])
        guard let result = applied(events) else { return }
        XCTAssertEqual(result.summary, "Approved 1 track")
        XCTAssertEqual(result.conflicts, [])
        XCTAssertEqual(result.rows.count, 1)
        let row = result.rows[0]
        XCTAssertEqual(row.status, .approved)
        XCTAssertEqual(row.verifiedBy, Self.reviewer)

        let stored = try XCTUnwrap(try matchRow(track: 1))
        XCTAssertEqual(try stored.decode("approved", as: Bool.self), true)
        XCTAssertEqual(try stored.decode("verified_by", as: String.self), Self.reviewer)
        XCTAssertEqual(row.updatedAt, try stored.decode("updated_at", as: Date.self), "the row as it is now")
        let cached = try XCTUnwrap(try cached(track: 1), "written through to Redis")
        XCTAssertTrue(cached.approved)
        XCTAssertEqual(cached.verifiedBy, Self.reviewer)
        XCTAssertEqual(try db.query("SELECT action, reviewer FROM match_reviews").first?["action"], "approve")
    }

    func testRejectDeletesRemembersTheURLAndUnlinksTheKey() throws {
        try redis.set("match:\(Self.release):1", try cacheValue(track: 1), expireSeconds: 3600)
        guard let result = applied(review(.reject, [try track(1)])) else { return }
        XCTAssertEqual(result.summary, "Rejected 1 track")
        XCTAssertEqual(result.rows.map(\.status), [.unmatched])
        XCTAssertNil(result.rows.first?.url)
        XCTAssertNil(try matchRow(track: 1))
        XCTAssertEqual(try db.query("SELECT match_url FROM match_rejections WHERE track_index = 1 ORDER BY id").column("match_url", as: String.self),
                       ["https://www.youtube.com/watch?v=morningtide2", "https://www.youtube.com/watch?v=morningtide1"])
        XCTAssertFalse(try redis.exists("match:\(Self.release):1"))
        XCTAssertEqual(result.rows.first?.candidates.first?.rejected, true, "the rejected URL is flagged among the candidates")
    }

    func testReplaceOnAnUnmatchedTrackStoresTheURLApproved() throws {
        let unmatched = try track(3)
        XCTAssertEqual(unmatched.status, .unmatched)
        let url = "https://www.youtube.com/watch?v=ultimotren1"
        guard let result = applied(review(.replace(url: url, platform: .youtube), [unmatched])) else { return }
        XCTAssertEqual(result.summary, "Replaced 1 track")
        XCTAssertEqual(result.rows.map(\.status), [.approved])
        XCTAssertEqual(result.rows.first?.url, url)
        XCTAssertEqual(result.rows.first?.confidence, 1.0)
        let stored = try XCTUnwrap(try matchRow(track: 3))
        XCTAssertEqual(stored["match_url"], url)
        XCTAssertEqual(try stored.decode("approved", as: Bool.self), true)
        XCTAssertEqual(try cached(track: 3)?.matchURL, url)
        XCTAssertEqual(try db.query("SELECT action FROM match_reviews").first?["action"], "replace")
        XCTAssertEqual(try db.query("SELECT count(*) FROM match_rejections WHERE track_index = 3").scalar(Int.self), 0)
    }

    func testReplaceOnAMatchedTrackRejectsTheOldURL() throws {
        let url = "https://soundcloud.com/harbourmasters/morning-tide"
        guard let result = applied(review(.replace(url: url, platform: .soundcloud), [try track(1)])) else { return }
        XCTAssertEqual(result.rows.first?.url, url)
        XCTAssertEqual(result.rows.first?.platform, .soundcloud)
        XCTAssertEqual(result.rows.first?.status, .approved)
        XCTAssertEqual(try matchRow(track: 1)?["match_url"], url)
        XCTAssertEqual(try db.query("SELECT action FROM match_reviews").first?["action"], "reject_replace")
        XCTAssertEqual(try db.query("""
            SELECT count(*) FROM match_rejections WHERE track_index = 1 AND match_url = 'https://www.youtube.com/watch?v=morningtide1'
            """).scalar(Int.self), 1, "the old URL is remembered as rejected")
        XCTAssertEqual(try cached(track: 1)?.matchURL, url)
    }

    func testNeedsReviewAndClear() throws {
        guard let sentBack = applied(review(.needsReview, [try track(2)])) else { return }
        XCTAssertEqual(sentBack.summary, "Sent back to review 1 track")
        XCTAssertEqual(sentBack.rows.map(\.status), [.pending])
        XCTAssertEqual(try matchRow(track: 2).map { try $0.decode("approved", as: Bool.self) }, false)
        XCTAssertEqual(try cached(track: 2)?.approved, false)

        guard let cleared = applied(review(.clear, [try track(2)])) else { return }
        XCTAssertEqual(cleared.summary, "Cleared 1 track")
        XCTAssertEqual(cleared.rows.map(\.status), [.unmatched])
        XCTAssertNil(try matchRow(track: 2))
        XCTAssertNil(try cached(track: 2))
        XCTAssertEqual(try db.query("SELECT count(*) FROM match_rejections WHERE track_index = 2").scalar(Int.self), 0,
                       "a clear does not remember the URL")
    }

    func testSingleTargetConflictNamesWhoChangedItAndChangesNothing() throws {
        let seen = try track(1)
        let other = try PostgresConnection(url: databaseURL)
        defer { other.close() }
        try other.query("""
            UPDATE track_matches SET approved = true, verified_by = 'web-app', updated_at = now()
            WHERE release_id = $1 AND track_index = 1
            """, Self.release)
        let changedAt = try XCTUnwrap(try matchRow(track: 1)).decode("updated_at", as: Date.self)

        let events = review(.reject, [seen])
        guard events.count == 1, case .reviewConflict(_, let conflict) = events[0] else { return XCTFail("\(events)") }
        XCTAssertEqual(conflict.track, TrackReference(releaseID: Self.release, trackIndex: 1))
        XCTAssertEqual(conflict.changedBy, "web-app")
        XCTAssertEqual(conflict.changedAt?.timeIntervalSince1970 ?? 0, changedAt.timeIntervalSince1970, accuracy: 0.000_01)

        let stored = try XCTUnwrap(try matchRow(track: 1), "not deleted")
        XCTAssertEqual(stored["verified_by"], "web-app")
        XCTAssertEqual(try reviewCount(), 0)
        XCTAssertEqual(try db.query("SELECT count(*) FROM match_rejections WHERE track_index = 1").scalar(Int.self), 1)
        XCTAssertNil(try cached(track: 1))
    }

    func testMultiTargetCommandListsTheConflictAndAppliesTheRest() throws {
        let rows = try loadTracks()
        let other = try PostgresConnection(url: databaseURL)
        defer { other.close() }
        try other.query("UPDATE track_matches SET confidence = 0.7, updated_at = now() WHERE release_id = $1 AND track_index = 1",
                        Self.release)

        guard let result = applied(review(.needsReview, [rows[0], rows[1]])) else { return }
        XCTAssertEqual(result.conflicts.map(\.track), [TrackReference(releaseID: Self.release, trackIndex: 1)])
        XCTAssertEqual(result.rows.map(\.index), [2], "only the applied target is answered")
        XCTAssertEqual(result.rows.first?.status, .pending)
        XCTAssertTrue(result.summary.hasPrefix("Sent back to review 1 track"), result.summary)
        XCTAssertTrue(result.summary.contains("1 changed by someone else"), result.summary)
        XCTAssertEqual(try matchRow(track: 2).map { try $0.decode("approved", as: Bool.self) }, false)
        XCTAssertEqual(try db.query("SELECT track_index FROM match_reviews").column("track_index", as: Int.self), [2])
    }

    func testUndoRestoresTheRowAndAnswersWithIt() throws {
        guard applied(review(.reject, [try track(1)])) != nil else { return }
        XCTAssertNil(try matchRow(track: 1))

        let events = perform(.undo(requestID()))
        guard let result = applied(events) else { return }
        XCTAssertTrue(result.summary.hasPrefix("Undone"), result.summary)
        XCTAssertEqual(result.rows.map(\.index), [1])
        XCTAssertEqual(result.rows.first?.status, .pending)
        XCTAssertEqual(result.rows.first?.url, "https://www.youtube.com/watch?v=morningtide1")
        XCTAssertEqual(try matchRow(track: 1)?["match_url"], "https://www.youtube.com/watch?v=morningtide1")
        XCTAssertEqual(try db.query("""
            SELECT count(*) FROM match_rejections WHERE match_url = 'https://www.youtube.com/watch?v=morningtide1'
            """).scalar(Int.self), 0, "the rejection is forgotten again")
        XCTAssertEqual(try cached(track: 1)?.matchURL, "https://www.youtube.com/watch?v=morningtide1")
        XCTAssertEqual(result.rows.first?.candidates.first?.rejected, false)

        let nothing = perform(.undo(requestID()))
        XCTAssertEqual(nothing.count, 1)
        XCTAssertTrue(nothing.first?.failureMessage?.contains("no decision left to undo") == true, "\(nothing)")
    }

    func testReadOnlySettingsRefuseAReviewClearlyAndChangeNothing() throws {
        let readOnly = ServiceEffectHandler(settings: settings(readOnly: true), reviewer: Self.reviewer)
        let rows = try loadTracks()
        for command in [ReviewCommand(decision: .approve, targets: [ReviewTarget(rows[0])]),
                        ReviewCommand(decision: .clear, targets: [ReviewTarget(rows[1])])] {
            let events = perform(.review(requestID(), command), with: readOnly)
            XCTAssertEqual(events.count, 1)
            let message = try XCTUnwrap(events.first?.failureMessage, "\(events)")
            XCTAssertTrue(message.contains("read-only"), message)
        }
        let undo = perform(.undo(requestID()), with: readOnly)
        XCTAssertTrue(undo.first?.failureMessage?.contains("read-only") == true, "\(undo)")
        let clear = perform(.clearCache(requestID(), .allMatchKeys), with: readOnly)
        XCTAssertTrue(clear.first?.failureMessage?.contains("read-only") == true, "\(clear)")

        XCTAssertEqual(try loadTracks(), rows, "rows unchanged")
        XCTAssertEqual(try matchRow(track: 1).map { try $0.decode("approved", as: Bool.self) }, false)
        XCTAssertEqual(try reviewCount(), 0)
        XCTAssertEqual(try redis.dbsize(), 0)

        // Reading still works in read-only mode.
        let stores = perform(.loadStores(requestID()), with: readOnly)
        guard case .storesLoaded? = stores.first else { return XCTFail("\(stores)") }
    }

    func testACancelledReviewAppliesNothing() throws {
        let rows = try loadTracks()
        let command = ReviewCommand(decision: .needsReview, targets: [ReviewTarget(rows[0]), ReviewTarget(rows[1])])
        let id = requestID()
        XCTAssertEqual(perform(.cancel(id)).count, 0, "a cancel has no answer of its own")
        let events = perform(.review(id, command))
        XCTAssertEqual(events.first?.applied?.rows, [], "\(events)")
        XCTAssertEqual(try reviewCount(), 0, "the cancelled request changed nothing")
        XCTAssertEqual(try matchRow(track: 2).map { try $0.decode("approved", as: Bool.self) }, true)

        // The mark ends with the request it cancelled: the next request runs.
        guard let next = perform(.review(requestID(), command)).first?.applied else { return XCTFail() }
        XCTAssertEqual(next.rows.map(\.index), [1, 2])
    }

    func testReadOnlySettingsRefuseEveryTargetOfABulkReview() throws {
        let readOnly = ServiceEffectHandler(settings: settings(readOnly: true), reviewer: Self.reviewer)
        let rows = try loadTracks()
        let events = perform(.review(requestID(), ReviewCommand(decision: .approve, targets: rows.prefix(2).map(ReviewTarget.init))),
                             with: readOnly)
        XCTAssertEqual(events.count, 1)
        let text = events.first?.applied?.summary ?? events.first?.failureMessage ?? ""
        XCTAssertTrue(text.contains("read-only"), "\(events)")
        XCTAssertEqual(events.first?.applied?.rows ?? [], [])
        XCTAssertEqual(try loadTracks(), rows)
        XCTAssertEqual(try reviewCount(), 0)
    }

    func testAReplacementThatIsNotPlayableIsRefused() throws {
        let events = review(.replace(url: "javascript:alert(1)", platform: .youtube), [try track(3)])
        let message = try XCTUnwrap(events.first?.failureMessage, "\(events)")
        XCTAssertTrue(message.contains("http"), message)
        XCTAssertNil(try matchRow(track: 3))
    }
}
