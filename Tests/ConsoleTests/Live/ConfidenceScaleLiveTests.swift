import Foundation
import Matching
import Rotation
import Terminal
import XCTest
@testable import Console

/// A match the web app stored on its 0-100 scale, from Postgres to the screen: the view model reads 87 as 0.87
/// on the 0-100 scale, the track list and the detail show it with the marker, and the help's legend explains it.
final class ConfidenceScaleLiveTests: LiveTestCase {
    func testARowAt87IsShownAs087WithTheMarkerExplainedInTheLegend() throws {
        try db.query("UPDATE track_matches SET confidence = 87 WHERE release_id = $1 AND track_index = 1", Self.release)
        let rows = try loadTracks()
        let percent = try XCTUnwrap(rows.first { $0.index == 1 })
        XCTAssertEqual(try XCTUnwrap(percent.confidence), 0.87, accuracy: 1e-6)
        XCTAssertEqual(percent.confidenceScale, .percent)
        let ordinary = try XCTUnwrap(rows.first { $0.index == 2 })
        XCTAssertEqual(try XCTUnwrap(ordinary.confidence), 0.93, accuracy: 1e-6)
        XCTAssertEqual(ordinary.confidenceScale, .unit)

        var state = ConsoleFixtures.loadedState(size: TerminalSize(columns: 120, rows: 40))
        state.review.tracks.replace(with: rows, nextPage: nil)
        let marker = ConfidenceScale.percent.marker
        let lines = ConsoleView.render(state).lines
        let percentLine = try XCTUnwrap(lines.first { $0.contains("Morning Tide") && $0.contains("pending") }, lines.joined(separator: "\n"))
        XCTAssertTrue(percentLine.contains(marker + "0.87"), percentLine)
        XCTAssertFalse(percentLine.contains("1.00"), "not clamped to 1: \(percentLine)")
        let ordinaryLine = try XCTUnwrap(lines.first { $0.contains("Harbour Lights") && $0.contains("approved") })
        XCTAssertTrue(ordinaryLine.contains(" 0.93"), ordinaryLine)
        XCTAssertFalse(ordinaryLine.contains(marker + "0.93"), ordinaryLine)
        XCTAssertTrue(lines.contains { $0.contains("pending · 0.87\(marker) (stored 0-100)") },
                      "the detail of the focused track names the scale:\n\(lines.joined(separator: "\n"))")

        state.modal = .help(scroll: 10_000)  // the legend closes the help
        let help = ConsoleView.render(state).lines.joined(separator: "\n")
        XCTAssertTrue(help.contains("0.87" + marker), help)
        XCTAssertTrue(help.contains("0-100 scale"), help)
        XCTAssertTrue(help.contains("normalize-confidence"), help)
    }
}
