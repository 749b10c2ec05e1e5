import Foundation
import TmuxDriver
import XCTest

/// The shared tmux driver on its own, against small programs: what it types shows, what it reads is the screen,
/// and tmux's failures come back as errors.
final class TmuxDriverTests: XCTestCase {
    func testTypedTextShowsOnTheScreenAndTheProgramsExitIsSeen() throws {
        let session = try TmuxSession(command: ["/bin/cat"], columns: 80, rows: 10)
        try session.send("typed by the driver", literal: true)
        try session.send("Enter")
        // The terminal's echo of the line, then cat's copy of it.
        try session.waitFor("the typed line twice") { $0.components(separatedBy: "typed by the driver").count == 3 }
        XCTAssertFalse(try session.programExited())
        try session.send("C-d")
        try session.waitFor("cat to exit") { _ in (try? session.programExited()) == true }
    }

    func testResizeReachesTheProgramAndPanePIDIsTheShells() throws {
        let session = try TmuxSession(command: ["/bin/sh"], columns: 80, rows: 10)
        try session.resize(columns: 90, rows: 30)
        try session.send("stty size; echo shell=$$", literal: true)
        try session.send("Enter")
        let pid = try XCTUnwrap(session.panePID)
        try session.waitFor(text: "30 90")
        try session.waitFor(text: "shell=\(pid)")
    }

    func testACommandAfterTheServerStoppedThrowsWithTmuxsMessage() throws {
        let session = try TmuxSession(command: ["/bin/cat"], columns: 80, rows: 10)
        session.kill()
        XCTAssertThrowsError(try session.screen()) { error in
            XCTAssertTrue("\(error)".hasPrefix("tmux capture-pane failed"), "\(error)")
        }
    }

    func testShellQuoteKeepsQuotesAndSpacesAsOneWord() throws {
        let script = "printf '[%s]\\n' \"$1\"; sleep 30"
        let session = try TmuxSession(command: ["/bin/sh", "-c", script, "sh", "it's a 'test'"], columns: 80, rows: 10)
        try session.waitFor(text: "[it's a 'test']")
    }
}
