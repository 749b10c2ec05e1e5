import Foundation
import Matching
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive

/// Only recording URLs (`RecordingURL`: http(s), on a host the web app plays) leave the console, as one argument to
/// the player, never through a shell; a refusal gives the validator's reason; a missing player is refused with a
/// message saying what to set. No browser is launched here.
final class URLLauncherLiveTests: XCTestCase {
    private let hostile = ["file:///etc/passwd", "javascript:alert(1)", "-x", "--help", "ftp://example.com/a",
                           "http://", "https://", "", "mailto:a@example.com", "HTTPS//example.com",
                           "https://example.com/watch?v=a", "https://www.youtube.com/"]

    private func perform(_ effect: ConsoleEffect, player: [String]? = nil) -> [ConsoleEvent] {
        let handler = ServiceEffectHandler(settings: RotationSettings(environment: [:]), reviewer: "t", playerCommand: player)
        let inbox = ConsoleEventInbox()
        handler.perform(effect, events: inbox)
        return inbox.drain()
    }

    func testNonWebURLsAreRefused() {
        for url in hostile {
            XCTAssertThrowsError(try URLLauncher.checkWebURL(url), url)
            for effect in [ConsoleEffect.openURL(RequestID(1), url), .playURL(RequestID(2), url)] {
                let events = perform(effect, player: ["/bin/true"])
                guard events.count == 1, case .requestFailed(let id, let message) = events[0] else {
                    XCTFail("\(url) should be refused: \(events)")
                    continue
                }
                XCTAssertEqual(id, effect.requestID)
                guard case .invalid(let reason) = RecordingURL.validate(url) else { return XCTFail("\(url) is valid") }
                XCTAssertEqual(message, reason)
            }
        }
        XCTAssertNoThrow(try URLLauncher.checkWebURL("https://www.youtube.com/watch?v=abc"))
        XCTAssertNoThrow(try URLLauncher.checkWebURL("HTTP://soundcloud.com/a/b"))
    }

    func testAMissingPlayerIsRefusedClearly() {
        let url = "https://www.youtube.com/watch?v=abc"
        let none = perform(.playURL(RequestID(1), url), player: nil)
        guard case .requestFailed(_, let message)? = none.first else { return XCTFail("\(none)") }
        XCTAssertTrue(message.contains("no player configured") && message.contains("ROTATION_PLAYER"), message)

        let empty = perform(.playURL(RequestID(2), url), player: [])
        XCTAssertTrue(empty.first?.failureMessage?.contains("no player configured") == true, "\(empty)")

        let unknown = perform(.playURL(RequestID(3), url), player: ["rotation-no-such-player-\(getpid())", "--no-video"])
        guard case .requestFailed(_, let notFound)? = unknown.first else { return XCTFail("\(unknown)") }
        XCTAssertEqual(notFound, "player rotation-no-such-player-\(getpid()) not found")

        let path = "/nonexistent/rotation-player"
        let missingPath = perform(.playURL(RequestID(4), url), player: [path])
        guard case .requestFailed(_, let pathMessage)? = missingPath.first else { return XCTFail("\(missingPath)") }
        XCTAssertEqual(pathMessage, "player \(path) not found")
    }

    func testThePlayerGetsTheURLAsOneArgumentWithoutAShell() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("launcher-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("args")
        let marker = directory.appendingPathComponent("pwned")
        // A "player" that writes each argument it gets on its own line.
        let player = ["/bin/sh", "-c", "printf '%s\\n' \"$@\" > '\(output.path).tmp' && mv '\(output.path).tmp' '\(output.path)'", "player"]
        let url = "https://www.youtube.com/watch?v=a;touch%20\(marker.path)&b=$(touch%20\(marker.path))"

        let events = perform(.playURL(RequestID(1), url), player: player + ["--volume=50"])
        guard case .notice(_, let message)? = events.first else { return XCTFail("\(events)") }
        XCTAssertTrue(message.hasPrefix("Playing "), message)

        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: output.path) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let arguments = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(arguments, ["--volume=50", url], "configured arguments, then the URL as one argument")
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker.path), "nothing in the URL was run")
    }
}
