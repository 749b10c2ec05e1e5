import Foundation
import Postgres
import XCTest

/// Confidences the web app stored on its 0-100 scale, through the built binary: `matches list|show` read them as
/// percentages with a marker, and `matches normalize-confidence` rewrites them in [0, 1], logged and undoable.
final class ConfidenceScaleCLITests: CLITestCase {
    private func confidence(_ release: Int64, _ track: Int) throws -> Double? {
        try matchRow(release, track)?.decode("confidence", as: Double.self)
    }

    func testListAndShowReadARowAt87As087WithTheScale() throws {
        try insertRelease(900, store: "percent-store", title: "Hundreds")
        try insertMatch(900, 0, confidence: 87)
        try insertMatch(900, 1, confidence: 0.6)
        try insertMatch(900, 2, confidence: 87, approved: true)

        let items = try XCTUnwrap(try ok(["matches", "list", "--json"]).object().array("items") as? [[String: Any]])
        let percent = try XCTUnwrap(items.first { $0.object("match")?.int("track_index") == 0 }?.object("match"))
        XCTAssertEqual(try XCTUnwrap(percent.double("confidence")), 0.87, accuracy: 1e-6)
        XCTAssertEqual(percent.string("confidence_scale"), "percent")
        let ordinary = try XCTUnwrap(items.first { $0.object("match")?.int("track_index") == 1 }?.object("match"))
        XCTAssertNil(ordinary["confidence_scale"], "rows in [0, 1] carry no scale")
        XCTAssertEqual(try XCTUnwrap(ordinary.double("confidence")), 0.6, accuracy: 1e-6)

        let filtered = try ok(["matches", "list", "--json", "--min", "0.8", "--max", "0.9"]).object()  // pending only
        XCTAssertEqual((filtered.array("items") as? [[String: Any]])?.compactMap { $0.object("match")?.int("track_index") }, [0])

        let text = try ok(["matches", "list"]).stdout
        XCTAssertTrue(text.contains("0.87*"), text)
        XCTAssertTrue(text.contains("0-100 scale"), "the marker is explained: \(text)")
        XCTAssertFalse(text.contains("87.00"), text)

        let shown = try ok(["matches", "show", "900", "0", "--json"]).object()
        XCTAssertEqual(shown.string("tier"), "database")
        XCTAssertEqual(try XCTUnwrap(shown.object("match")?.double("confidence")), 0.87, accuracy: 1e-6)
        XCTAssertEqual(shown.object("match")?.string("confidence_scale"), "percent")
        XCTAssertEqual(try XCTUnwrap(shown.object("row")?.double("confidence")), 0.87, accuracy: 1e-6)
        XCTAssertEqual(shown.object("row")?.string("confidence_scale"), "percent")
        XCTAssertEqual(try XCTUnwrap(try cached(900, 0)?.double("confidence")), 0.87, accuracy: 1e-6, "re-cached in [0, 1]")

        let human = try ok(["matches", "show", "900", "2"]).stdout
        XCTAssertTrue(human.contains("answered by database"), human)
        XCTAssertTrue(human.contains("confidence 0.870* (stored as 87 on the web app's 0-100 scale)"), human)
        // Cached in [0, 1] since: the cache answers 0.87 as it holds it.
        let fromCache = try ok(["matches", "show", "900", "2", "--json"]).object()
        XCTAssertEqual(fromCache.string("tier"), "cache")
        XCTAssertEqual(try XCTUnwrap(fromCache.object("match")?.double("confidence")), 0.87, accuracy: 1e-6)
    }

    func testNormalizeConfidenceDryRunRunAndUndo() throws {
        reviewer = "admin-dana"
        try insertRelease(910, store: "percent-store")
        try insertMatch(910, 0, confidence: 87)
        try insertMatch(910, 1, confidence: 93, approved: true)
        try insertMatch(910, 2, confidence: 0.55)

        let dry = try ok(["matches", "normalize-confidence", "--dry-run", "--json"]).object()
        XCTAssertEqual(dry.int("rows"), 2)
        XCTAssertEqual((dry.array("sample") as? [[String: Any]])?.compactMap { $0.int("track_index") }, [0, 1])
        let dryText = try ok(["matches", "normalize-confidence", "--dry-run"]).stdout
        XCTAssertTrue(dryText.contains("2 matches stored on the 0-100 scale would be rewritten in [0, 1]"), dryText)
        XCTAssertTrue(dryText.contains("910/0 0.87*"), dryText)
        XCTAssertEqual(try confidence(910, 0), 87, "a dry run changes nothing")
        XCTAssertEqual(try count("SELECT count(*) FROM match_reviews"), 0)

        let refused = try rotation(["matches", "normalize-confidence"])
        XCTAssertEqual(refused.status, 1, "\(refused)")
        XCTAssertTrue(refused.stderr.contains("--yes"), "\(refused)")
        XCTAssertEqual(try confidence(910, 0), 87)

        let run = try ok(["matches", "normalize-confidence", "--yes", "--json"]).object()
        XCTAssertEqual(run.int("rewritten"), 2)
        XCTAssertEqual(run.array("conflicts")?.count, 0)
        XCTAssertEqual(try XCTUnwrap(try confidence(910, 0)), 0.87, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(try confidence(910, 1)), 0.93, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(try confidence(910, 2)), 0.55, accuracy: 1e-6)
        XCTAssertEqual(try count("""
            SELECT count(*) FROM match_reviews WHERE action = 'normalize_confidence' AND reviewer = 'admin-dana'
              AND (row_before->>'confidence')::real > 1 AND (row_after->>'confidence')::real <= 1
            """), 2)
        XCTAssertEqual(try XCTUnwrap(try cached(910, 0)?.double("confidence")), 0.87, accuracy: 1e-6, "written through")
        XCTAssertEqual(try XCTUnwrap(try cached(910, 1)?.double("confidence")), 0.93, accuracy: 1e-6, "written through")

        let nothingLeft = try ok(["matches", "normalize-confidence", "--yes"]).stdout
        XCTAssertTrue(nothingLeft.contains("0 matches stored on the 0-100 scale"), nothingLeft)

        // Undo restores the latest rewrite (910/1), then the one before it (910/0): back to the stored numbers.
        let undo = try ok(["matches", "undo", "--json"]).object()
        XCTAssertEqual(undo.object("key")?.int("track_index"), 1)
        XCTAssertEqual(try confidence(910, 1), 93)
        _ = try ok(["matches", "undo"])
        XCTAssertEqual(try confidence(910, 0), 87, "undo restores 87")
        XCTAssertEqual(try XCTUnwrap(try cached(910, 0)?.double("confidence")), 0.87, accuracy: 1e-6,
                       "the restored row is cached in [0, 1]")
    }
}
