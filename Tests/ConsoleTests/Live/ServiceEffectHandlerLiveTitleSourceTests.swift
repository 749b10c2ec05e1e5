import Foundation
import Postgres
import Rotation
import Terminal
import XCTest
@testable import Console

/// The web app's upsert of a release may rewrite `releases.tracklist` to `[]`: the tracks pane keeps the titles,
/// read from the Discogs body we stored, and its title says where they came from.
final class ServiceEffectHandlerLiveTitleSourceTests: LiveTestCase {
    func testTitlesComeFromTheStoredBodyWhenTheWebAppEmptiedTheTracklist() throws {
        let before = try loadTracks()
        XCTAssertFalse(before.isEmpty)
        XCTAssertTrue(before.allSatisfy { $0.titleSourceNote == nil }, "titles from releases.tracklist need no note")
        try db.query("""
            INSERT INTO discogs_release_bodies (discogs_id, body)
            SELECT discogs_id, jsonb_build_object('id', discogs_id, 'title', title, 'tracklist', tracklist)
            FROM releases WHERE discogs_id = $1
            """, Self.release)
        try db.query("UPDATE releases SET tracklist = '[]' WHERE discogs_id = $1", Self.release)

        let after = try loadTracks()
        XCTAssertEqual(after.map(\.title), before.map(\.title))
        XCTAssertEqual(Set(after.map(\.titleSourceNote)), ["titles from stored Discogs body"])

        // The tracks pane's title carries the note.
        var state = ConsoleFixtures.loadedState(size: TerminalSize(columns: 160, rows: 40))
        state.review.tracks.replace(with: after, nextPage: nil)
        let terminal = MemoryTerminal(size: state.size)
        FramePresenter(backend: terminal, minimumSize: TerminalSize(columns: 1, rows: 1)).present(ConsoleView.render(state))
        XCTAssertTrue(terminal.text.contains("titles from stored Discogs body"), terminal.text)
    }
}
