import Foundation
import Postgres
import XCTest

/// `rotation matches list|show|approve|reject|replace|needs-review|clear|undo`.
final class MatchesCLITests: CLITestCase {
    private func items(_ result: CLIResult) throws -> [[String: Any]] {
        try XCTUnwrap(result.object().array("items") as? [[String: Any]], "\(result)")
    }

    private func keys(_ items: [[String: Any]]) -> [String] {
        items.compactMap { item in
            item.object("match").flatMap { m in m.int("release_id").flatMap { r in m.int("track_index").map { "\(r)/\($0)" } } }
        }
    }

    func testListShowsARowInsertedBySQLAndFilters() throws {
        try insertRelease(101, store: "alpha-records", title: "Blue Lines", artist: "Massive Attack")
        try insertRelease(202, store: "beta-vinyl", title: "Dummy", artist: "Portishead")
        try insertMatch(101, 0, confidence: 0.55)
        try insertMatch(101, 1, url: "https://soundcloud.com/a/b", platform: "soundcloud", confidence: 0.72)
        try insertMatch(202, 0, confidence: 0.65)
        try insertMatch(202, 1, confidence: 0.9, approved: true)  // approved: never listed

        let all = try items(try ok(["matches", "list", "--json"]))
        XCTAssertEqual(keys(all), ["101/0", "202/0", "101/1"])
        let first = try XCTUnwrap(all.first)
        XCTAssertEqual(first.string("store"), "alpha-records")
        XCTAssertEqual(first.string("releaseTitle"), "Blue Lines")
        XCTAssertEqual(first.string("artist"), "Massive Attack")
        XCTAssertEqual(first.object("match")?.string("match_url"), "https://www.youtube.com/watch?v=r101t0")
        XCTAssertEqual(first.object("match")?.bool("approved"), false)

        XCTAssertEqual(keys(try items(try ok(["matches", "list", "--json", "--min", "0.6"]))), ["202/0", "101/1"])
        XCTAssertEqual(keys(try items(try ok(["matches", "list", "--json", "--max", "0.6"]))), ["101/0"])
        XCTAssertEqual(keys(try items(try ok(["matches", "list", "--json", "--min", "0.6", "--max", "0.7"]))), ["202/0"])
        XCTAssertEqual(keys(try items(try ok(["matches", "list", "--json", "--platform", "soundcloud"]))), ["101/1"])
        XCTAssertEqual(keys(try items(try ok(["matches", "list", "--json", "--store", "beta-vinyl"]))), ["202/0"])
        XCTAssertEqual(keys(try items(try ok(["matches", "list", "--json", "--store", "nobody"]))), [])
        XCTAssertEqual(keys(try items(try ok(["matches", "list", "--json", "--release", "101"]))), ["101/0", "101/1"])
        XCTAssertEqual(keys(try items(try ok(["matches", "list", "--json", "--search", "portis"]))), ["202/0"])

        let human = try ok(["matches", "list"])
        XCTAssertTrue(human.stdout.contains("101/0"), "\(human)")
        XCTAssertTrue(human.stdout.contains("Blue Lines"), "\(human)")

        // A bad filter is refused.
        let bad = try rotation(["matches", "list", "--min", "2"])
        XCTAssertNotEqual(bad.status, 0, "\(bad)")
        XCTAssertTrue(bad.stderr.contains("--min"), "\(bad)")
    }

    func testListPagesWithLimitAndCursorWithoutOverlap() throws {
        try insertRelease(300, store: "paging", tracks: 12)
        // Ties on confidence, so the cursor must also order by release and track.
        for track in 0..<12 { try insertMatch(300, track, confidence: [0.5, 0.6, 0.6, 0.7][track % 4]) }
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            var arguments = ["matches", "list", "--json", "--limit", "5"]
            if let cursor { arguments += ["--after", cursor] }
            let page = try ok(arguments).object()
            let pageItems = try XCTUnwrap(page.array("items") as? [[String: Any]])
            XCTAssertLessThanOrEqual(pageItems.count, 5)
            seen += keys(pageItems)
            cursor = page.string("nextCursor")
            pages += 1
        } while cursor != nil && pages < 10
        XCTAssertEqual(pages, 3)
        XCTAssertEqual(seen.count, 12)
        XCTAssertEqual(Set(seen).count, 12, "pages overlap: \(seen)")

        let human = try ok(["matches", "list", "--limit", "5"])
        XCTAssertTrue(human.stdout.contains("more: --after "), "\(human)")
        let bad = try rotation(["matches", "list", "--after", "not-a-cursor!"])
        XCTAssertNotEqual(bad.status, 0, "\(bad)")
    }

    func testShowSaysWhichTierAnswered() throws {
        try insertRelease(400, store: "show-store")
        try insertMatch(400, 0, confidence: 0.66)
        let first = try ok(["matches", "show", "400", "0", "--json"]).object()
        XCTAssertEqual(first.string("tier"), "database", "\(first)")
        XCTAssertEqual(first.object("match")?.string("match_url"), "https://www.youtube.com/watch?v=r400t0")
        XCTAssertNotNil(first.object("row")?.string("updated_at"))
        // The read filled the cache, so the next read is answered by it.
        XCTAssertNotNil(try cached(400, 0))
        let second = try ok(["matches", "show", "400", "0", "--json"]).object()
        XCTAssertEqual(second.string("tier"), "cache", "\(second)")

        let none = try ok(["matches", "show", "400", "2", "--json"]).object()
        XCTAssertNil(none["match"], "\(none)")
        let human = try ok(["matches", "show", "400", "2"])
        XCTAssertTrue(human.stdout.contains("none (unmatched)"), "\(human)")
    }

    func testApproveUpdatesTheRowLogsItAndWritesTheCache() throws {
        reviewer = "alice"
        try insertRelease(500, store: "approve-store")
        try insertMatch(500, 0, confidence: 0.7)
        let outcome = try ok(["matches", "approve", "500", "0", "--json"]).object()
        XCTAssertEqual(outcome.string("action"), "approve")
        XCTAssertEqual(outcome.string("reviewer"), "alice")
        XCTAssertEqual(outcome.string("cache"), "written")

        let row = try XCTUnwrap(try matchRow(500, 0))
        XCTAssertEqual(try row.decode("approved", as: Bool.self), true)
        XCTAssertEqual(try row.decode("verified_by", as: String?.self), "alice")
        XCTAssertEqual(try count("""
            SELECT count(*) FROM match_reviews WHERE release_id = 500 AND track_index = 0 AND action = 'approve' AND reviewer = 'alice'
            """), 1)
        let value = try XCTUnwrap(try cached(500, 0))
        XCTAssertEqual(value.bool("approved"), true)
        XCTAssertEqual(value.string("verified_by"), "alice")
        XCTAssertEqual(value.string("match_url"), "https://www.youtube.com/watch?v=r500t0")
        XCTAssertEqual(value.string("platform"), "youtube")
        XCTAssertEqual(try XCTUnwrap(value.double("confidence")), 0.7, accuracy: 1e-6)
        XCTAssertNotNil(value.string("verified_at"))
        XCTAssertGreaterThan(try redis.command("TTL", "match:500:0").int ?? -1, 0, "written with an expiry")

        // --reviewer overrides the environment; the human output names the decision.
        try insertMatch(500, 1)
        let human = try ok(["matches", "approve", "500", "1", "--reviewer", "bob"])
        XCTAssertTrue(human.stdout.contains("approve by bob on 500/1"), "\(human)")
        XCTAssertEqual(try matchRow(500, 1)?.decode("verified_by", as: String?.self), "bob")

        // Nothing to approve: a failure, nothing logged.
        let missing = try rotation(["matches", "approve", "500", "2"])
        XCTAssertEqual(missing.status, 1, "\(missing)")
        XCTAssertTrue(missing.stderr.contains("no match for 500/2"), "\(missing)")
        XCTAssertEqual(try count("SELECT count(*) FROM match_reviews WHERE release_id = 500 AND track_index = 2"), 0)
    }

    func testRejectDeletesTheRowRemembersTheURLAndUnlinksTheKey() throws {
        try insertRelease(600, store: "reject-store")
        try insertMatch(600, 0)
        _ = try ok(["matches", "show", "600", "0"])  // fills the cache
        XCTAssertNotNil(try cached(600, 0))
        let outcome = try ok(["matches", "reject", "600", "0", "--json"]).object()
        XCTAssertEqual(outcome.string("action"), "reject")
        XCTAssertEqual(outcome.string("cache"), "unlinked")
        XCTAssertNil(try matchRow(600, 0))
        XCTAssertEqual(try count("""
            SELECT count(*) FROM match_rejections
            WHERE release_id = 600 AND track_index = 0 AND match_url = 'https://www.youtube.com/watch?v=r600t0' AND reviewer = $1
            """, reviewer), 1)
        XCTAssertEqual(try count("SELECT count(*) FROM match_reviews WHERE release_id = 600 AND action = 'reject'"), 1)
        XCTAssertFalse(try redis.exists("match:600:0"))
    }

    func testRejectWithReplacementStoresTheRightURLApproved() throws {
        try insertRelease(610, store: "reject-store")
        try insertMatch(610, 0)
        let replacement = "https://soundcloud.com/artist/the-right-one"
        let outcome = try ok(["matches", "reject", "610", "0", "--replace", replacement, "--json"]).object()
        XCTAssertEqual(outcome.string("action"), "reject_replace")
        let row = try XCTUnwrap(try matchRow(610, 0))
        XCTAssertEqual(try row.decode("match_url", as: String.self), replacement)
        XCTAssertEqual(try row.decode("platform", as: String.self), "soundcloud")
        XCTAssertEqual(try row.decode("approved", as: Bool.self), true)
        XCTAssertEqual(try row.decode("verified_by", as: String?.self), reviewer)
        XCTAssertEqual(try count("""
            SELECT count(*) FROM match_rejections WHERE release_id = 610 AND match_url = 'https://www.youtube.com/watch?v=r610t0'
            """), 1)
        XCTAssertEqual(try cached(610, 0)?.string("match_url"), replacement)
        XCTAssertEqual(try cached(610, 0)?.bool("approved"), true)
    }

    func testReplaceInfersThePlatformAndRefusesBadURLs() throws {
        try insertRelease(700, store: "replace-store")
        try insertMatch(700, 0)
        let outcome = try ok(["matches", "replace", "700", "0", "https://youtu.be/dQw4w9WgXcQ", "--json"]).object()
        XCTAssertEqual(outcome.string("action"), "replace")
        var row = try XCTUnwrap(try matchRow(700, 0))
        XCTAssertEqual(try row.decode("platform", as: String.self), "youtube")
        XCTAssertEqual(try row.decode("match_url", as: String.self), "https://youtu.be/dQw4w9WgXcQ")
        XCTAssertEqual(try row.decode("approved", as: Bool.self), true)

        // A track without a match gets one.
        _ = try ok(["matches", "replace", "700", "1", "https://soundcloud.com/x/y", "--confidence", "0.9"])
        row = try XCTUnwrap(try matchRow(700, 1))
        XCTAssertEqual(try row.decode("platform", as: String.self), "soundcloud")
        XCTAssertEqual(try row.decode("confidence", as: Double.self), 0.9, accuracy: 1e-6)

        let reviewsBefore = try count("SELECT count(*) FROM match_reviews")
        let keyBefore = try redis.get("match:700:0")
        for (url, expected) in [("ftp://www.youtube.com/watch?v=abc", "only http(s) URLs"),
                                ("https://example.com/song", "unknown host")] {
            let refused = try rotation(["matches", "replace", "700", "0", url])
            XCTAssertNotEqual(refused.status, 0, "\(refused)")
            XCTAssertTrue(refused.stderr.contains(expected), "\(refused)")
            let json = try rotation(["matches", "replace", "700", "0", url, "--json"])
            XCTAssertNotEqual(json.status, 0, "\(json)")
            XCTAssertTrue(try json.object().string("error")?.contains(expected) == true, "\(json)")
        }
        let refusedReject = try rotation(["matches", "reject", "700", "0", "--replace", "https://example.com/x"])
        XCTAssertNotEqual(refusedReject.status, 0, "\(refusedReject)")
        row = try XCTUnwrap(try matchRow(700, 0))
        XCTAssertEqual(try row.decode("match_url", as: String.self), "https://youtu.be/dQw4w9WgXcQ")
        XCTAssertEqual(try count("SELECT count(*) FROM match_reviews"), reviewsBefore)
        XCTAssertEqual(try count("SELECT count(*) FROM match_rejections"), 0)
        XCTAssertEqual(try redis.get("match:700:0"), keyBefore)
    }

    func testNeedsReviewClearAndUndo() throws {
        reviewer = "carol"
        try insertRelease(800, store: "undo-store")
        try insertMatch(800, 0, confidence: 0.85, approved: true)
        try insertMatch(800, 1, confidence: 0.6)

        let flagged = try ok(["matches", "needs-review", "800", "0", "--json"]).object()
        XCTAssertEqual(flagged.string("action"), "needs_review")
        XCTAssertEqual(try matchRow(800, 0)?.decode("approved", as: Bool.self), false)
        XCTAssertEqual(try cached(800, 0)?.bool("approved"), false)

        // clear: refused off a terminal without --yes; --dry-run changes nothing.
        let refused = try rotation(["matches", "clear", "800", "1"])
        XCTAssertEqual(refused.status, 1, "\(refused)")
        XCTAssertTrue(refused.stderr.contains("--yes"), "\(refused)")
        let dry = try ok(["matches", "clear", "800", "1", "--dry-run"])
        XCTAssertTrue(dry.stdout.contains("would delete 800/1"), "\(dry)")
        XCTAssertNotNil(try matchRow(800, 1))

        _ = try ok(["matches", "show", "800", "1"])  // cache it
        let cleared = try ok(["matches", "clear", "800", "1", "--yes", "--json"]).object()
        XCTAssertEqual(cleared.string("action"), "clear")
        XCTAssertNil(try matchRow(800, 1))
        XCTAssertFalse(try redis.exists("match:800:1"))
        XCTAssertEqual(try count("SELECT count(*) FROM match_rejections"), 0, "clear does not remember the URL")

        // undo restores the cleared row, then the next undo re-approves 800/0.
        let undo = try ok(["matches", "undo", "--json"]).object()
        XCTAssertEqual(undo.string("action"), "undo")
        XCTAssertEqual(undo.int("undoes"), cleared.int("reviewID"))
        let restored = try XCTUnwrap(try matchRow(800, 1))
        XCTAssertEqual(try restored.decode("match_url", as: String.self), "https://www.youtube.com/watch?v=r800t1")
        XCTAssertEqual(try restored.decode("confidence", as: Double.self), 0.6, accuracy: 1e-6)

        _ = try ok(["matches", "undo"])
        XCTAssertEqual(try matchRow(800, 0)?.decode("approved", as: Bool.self), true)
        XCTAssertEqual(try cached(800, 0)?.bool("approved"), true)

        // Someone else's decisions are not undone by carol, and nothing is left for her.
        let nothing = try rotation(["matches", "undo"])
        XCTAssertEqual(nothing.status, 1, "\(nothing)")
        XCTAssertTrue(nothing.stderr.contains("no decision left to undo"), "\(nothing)")
    }

    func testUndoOfRejectRestoresTheRow() throws {
        try insertRelease(810, store: "undo-store")
        try insertMatch(810, 0, confidence: 0.62)
        _ = try ok(["matches", "reject", "810", "0"])
        XCTAssertNil(try matchRow(810, 0))
        _ = try ok(["matches", "undo"])
        let row = try XCTUnwrap(try matchRow(810, 0))
        XCTAssertEqual(try row.decode("match_url", as: String.self), "https://www.youtube.com/watch?v=r810t0")
        XCTAssertEqual(try row.decode("approved", as: Bool.self), false)
    }

    func testStaleGuardAndASecondReviewerConflictWithExitStatus3() throws {
        try insertRelease(900, store: "conflict-store")
        try insertMatch(900, 0, confidence: 0.7)
        try insertMatch(900, 1, confidence: 0.7)
        let seen = try XCTUnwrap(try ok(["matches", "show", "900", "0", "--json"]).object().object("row")?.string("updated_at"))
        // Someone else (the web app) changes the row meanwhile.
        try db.query("UPDATE track_matches SET confidence = 0.75, updated_at = now() + interval '1 second' WHERE release_id = 900 AND track_index = 0")
        let stale = try rotation(["matches", "approve", "900", "0", "--expect-updated-at", seen])
        XCTAssertEqual(stale.status, 3, "\(stale)")
        XCTAssertTrue(stale.stderr.contains("900/0 was changed"), "\(stale)")
        XCTAssertEqual(try matchRow(900, 0)?.decode("approved", as: Bool.self), false)

        // Two reviewers who saw the same row: the second is told who got there first.
        let seen1 = try XCTUnwrap(try ok(["matches", "show", "900", "1", "--json"]).object().object("row")?.string("updated_at"))
        _ = try ok(["matches", "approve", "900", "1", "--reviewer", "dave", "--expect-updated-at", seen1])
        let second = try rotation(["matches", "reject", "900", "1", "--reviewer", "erin", "--expect-updated-at", seen1, "--json"])
        XCTAssertEqual(second.status, 3, "\(second)")
        let conflict = try XCTUnwrap(try second.object().object("conflict"), "\(second)")
        XCTAssertEqual(conflict.string("changedBy"), "dave")
        XCTAssertEqual(conflict.string("action"), "approve")
        XCTAssertEqual(try count("SELECT count(*) FROM match_reviews WHERE reviewer = 'erin'"), 0)
        XCTAssertEqual(try matchRow(900, 1)?.decode("verified_by", as: String?.self), "dave")
        XCTAssertEqual(try count("SELECT count(*) FROM match_rejections"), 0)

        // Without a guard the row is read just before: it applies.
        _ = try ok(["matches", "needs-review", "900", "1", "--reviewer", "erin"])
        XCTAssertEqual(try matchRow(900, 1)?.decode("approved", as: Bool.self), false)
        let bad = try rotation(["matches", "approve", "900", "1", "--expect-updated-at", "yesterday"])
        XCTAssertNotEqual(bad.status, 0, "\(bad)")
    }

    func testADecisionWhileRedisIsUnreachableIsRepairedByTheNextCommand() throws {
        try insertRelease(950, store: "repair-store")
        try insertMatch(950, 0, confidence: 0.7)
        _ = try ok(["matches", "show", "950", "0"])
        XCTAssertEqual(try cached(950, 0)?.bool("approved"), false)

        var unreachable = try XCTUnwrap(URLComponents(string: redisURL))
        unreachable.port = CLILocations.closedPort()
        let result = try ok(["matches", "approve", "950", "0", "--json"], environment: ["REDIS_URL": unreachable.string])
        XCTAssertEqual(try result.object().string("cache"), "repair_queued", "\(result)")
        XCTAssertEqual(try matchRow(950, 0)?.decode("approved", as: Bool.self), true)
        XCTAssertEqual(try cached(950, 0)?.bool("approved"), false, "the stale value is still there")

        // The next command that reaches Redis repairs the key before reading, so the stale value is never served.
        let show = try ok(["matches", "show", "950", "0", "--json"]).object()
        XCTAssertEqual(show.string("tier"), "database", "\(show)")
        XCTAssertEqual(show.object("match")?.bool("approved"), true)
        XCTAssertEqual(try cached(950, 0)?.bool("approved"), true)
    }

    func testPostgresUnavailableExits4() throws {
        let down = "postgres://rotation:pw@127.0.0.1:\(CLILocations.closedPort())/rotation?sslmode=disable"
        let result = try rotation(["matches", "approve", "1", "0"], environment: ["DATABASE_URL": down])
        XCTAssertEqual(result.status, 4, "\(result)")
    }

    func testHostileTextIsNeutralisedInHumanOutput() throws {
        let title = "Evil \u{1B}[2J\u{1B}]0;x\u{07}Title \u{202E}desrever"
        try insertRelease(1000, store: "evil\u{1B}[31mstore", title: title, artist: "Art\u{202E}ist\u{1B}[H")
        try insertMatch(1000, 0, url: "https://www.youtube.com/watch?v=\u{1B}]8;;http://x\u{07}bad", confidence: 0.6)
        let human = try ok(["matches", "list"])
        XCTAssertTrue(human.stdout.contains("1000/0"), "\(human)")
        for forbidden in ["\u{1B}", "\u{07}", "\u{202E}"] {
            XCTAssertFalse(human.stdout.contains(forbidden), "control text reached the terminal: \(human.stdout.debugDescription)")
            XCTAssertFalse(human.stderr.contains(forbidden))
        }
        let show = try ok(["matches", "show", "1000", "0"])
        for forbidden in ["\u{1B}", "\u{07}", "\u{202E}"] {
            XCTAssertFalse(show.stdout.contains(forbidden), "\(show.stdout.debugDescription)")
        }
        // --json keeps the text intact (escaped by JSON).
        let json = try items(try ok(["matches", "list", "--json"]))
        XCTAssertEqual(json.first?.string("releaseTitle"), title)
    }
}
