import Foundation
import Postgres
import XCTest

/// Text stored by someone else (a title with escape sequences, C1 controls, a bidi override) and text the CLI is
/// handed (a URL, a config file) must come out of every CLI output neutralised: on the lines it prints, in its
/// errors and in its `--json`.
final class HostileOutputCLITests: CLITestCase {
    static let hostileTitle = "Clear\u{1B}[2J\u{1B}]0;pwned\u{07} C1\u{9B}31m\u{85} RLO\u{202E}exe.mp3 DEL\u{7F} \u{2066}iso\u{2069}"
    static let hostileStore = "store\u{1B}[H\u{8D}\u{200F}"

    /// No ESC, C0 (other than newline and tab), DEL, C1 or bidi control anywhere in `text`.
    private func assertNeutralised(_ text: String, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let forbidden = (v < 0x20 && v != 0x0A && v != 0x09) || (0x7F...0x9F).contains(v) || v == 0x061C
                || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            if forbidden {
                XCTFail("U+\(String(v, radix: 16, uppercase: true)) reached the output of \(context)", file: file, line: line)
                return
            }
        }
    }

    private func assertNeutralised(_ result: CLIResult, file: StaticString = #filePath, line: UInt = #line) {
        assertNeutralised(result.stdout, "stdout of \(result)", file: file, line: line)
        assertNeutralised(result.stderr, "stderr of \(result)", file: file, line: line)
    }

    func testStoredHostileTitleIsNeutralisedInListsAndJSON() throws {
        try insertRelease(901, store: Self.hostileStore, title: Self.hostileTitle, artist: Self.hostileTitle)
        try insertMatch(901, 0, url: "https://www.youtube.com/watch?v=x\u{1B}[2J\u{202E}", confidence: 0.6)

        let human = try ok(["matches", "list"])
        assertNeutralised(human)
        XCTAssertTrue(human.stdout.contains("901/0"), "\(human)")
        XCTAssertTrue(human.stdout.contains("Clear"), "\(human)")

        let json = try ok(["matches", "list", "--json"])
        assertNeutralised(json)
        XCTAssertTrue(json.stdout.contains("\\u001b[2J"), "ESC is escaped: \(json)")
        XCTAssertTrue(json.stdout.contains("\\u009b"), "C1 CSI is escaped: \(json)")
        XCTAssertTrue(json.stdout.contains("\\u202e"), "RLO is escaped: \(json)")
        XCTAssertTrue(json.stdout.contains("\\u007f"), "DEL is escaped: \(json)")
        // The escapes decode back to exactly what is stored: scripts lose nothing.
        let item = try XCTUnwrap((try json.object()["items"] as? [[String: Any]])?.first, "\(json)")
        XCTAssertEqual(item["releaseTitle"] as? String, Self.hostileTitle)
        XCTAssertEqual(item["store"] as? String, Self.hostileStore)

        for arguments in [["matches", "show", "901", "0"], ["matches", "show", "901", "0", "--json"], ["stores", "list"],
                          ["stores", "list", "--json"], ["releases", "show", "901"], ["releases", "show", "901", "--json"]] {
            assertNeutralised(try ok(arguments))
        }
    }

    func testHealthTargetAndErrorsAreNeutralised() throws {
        let hostileURL = "postgres://127.0.0.1:\(CLILocations.closedPort())/db\u{1B}[2J\u{9B}31m\u{202E}x"
        let human = try rotation(["health", "--timeout", "1"], environment: ["DATABASE_URL": hostileURL])
        XCTAssertEqual(human.status, 1, "\(human)")
        assertNeutralised(human)
        let json = try rotation(["health", "--timeout", "1", "--json"], environment: ["DATABASE_URL": hostileURL])
        assertNeutralised(json)
        _ = try json.object()
    }

    func testErrorsThrownByACommandAreNeutralised() throws {
        // An error that quotes the argument it refuses (ArgumentParser's own message) and one thrown by a command.
        let parse = try rotation(["matches", "show", "1", "\u{1B}]52;c;AAAA\u{07}\u{202E}"])
        XCTAssertNotEqual(parse.status, 0, "\(parse)")
        assertNeutralised(parse)
        XCTAssertFalse(parse.stderr.isEmpty, "\(parse)")

        let missing = try rotation(["import", "release", "--store", "s", "/nonexistent/\u{1B}[2J\u{85}\u{202E}.json"])
        XCTAssertNotEqual(missing.status, 0, "\(missing)")
        assertNeutralised(missing)

        // Usage errors keep ArgumentParser's exit code (64) and help stays on standard output with status 0.
        let usage = try rotation(["matches", "list", "--no-such-flag\u{1B}[2J"])
        XCTAssertEqual(usage.status, 64, "\(usage)")
        assertNeutralised(usage)
        let help = try rotation(["matches", "list", "--help"])
        XCTAssertEqual(help.status, 0, "\(help)")
        XCTAssertTrue(help.stdout.contains("USAGE"), "\(help)")
    }

    func testKeysConfigProblemsAreNeutralised() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-keys-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let directory = home.appendingPathComponent("rotation")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        // TOML takes ESC in a key only escaped (TOMLKit refuses it raw); C1 and bidi controls may be written raw.
        try "[keys]\n\"evil\\u001B[2J\u{9B}31m\u{202E}\" = \"x\"\n".write(
            to: directory.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        let result = try rotation(["keys"], environment: ["XDG_CONFIG_HOME": home.path])
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertTrue(result.stderr.contains("evil"), "the problem is reported: \(result)")
        assertNeutralised(result)
    }
}
