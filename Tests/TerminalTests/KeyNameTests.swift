import XCTest
@testable import Terminal

final class KeyNameTests: XCTestCase {
    func testParsesConfigNames() throws {
        let cases: [(String, KeyEvent)] = [
            ("j", .character("j")), ("G", .character("G")), ("?", .character("?")), ("<down>", .down),
            ("<c-r>", .control("r")), ("<C-R>", .control("r")), ("<tab>", .tab), ("<s-tab>", .backTab),
            ("<enter>", .enter), ("<CR>", .enter), ("<esc>", .escape), ("<space>", .character(" ")),
            ("<f5>", .function(5)), ("<F12>", .function(12)), ("<pgup>", .pageUp), ("<pagedown>", .pageDown),
            ("<home>", .home), ("<end>", .end), ("<bs>", .backspace), ("<del>", .delete), ("<lt>", .character("<")),
            ("<", .character("<")), ("é", .character("é")),
        ]
        for (name, key) in cases {
            XCTAssertEqual(try KeyEvent(name: name), key, name)
        }
    }

    func testRejectsBadNames() {
        for name in ["", "<>", "<c-1>", "<f0>", "<f25>", "<bogus>", "jk", "\u{1B}", "<c-rr>"] {
            XCTAssertThrowsError(try KeyEvent(name: name), name)
        }
        do {
            _ = try KeyEvent(name: "<purple>")
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.description, "invalid key \"<purple>\": unknown key name")
        }
    }

    func testConfigNamesRoundTrip() throws {
        let keys: [KeyEvent] = [
            .character("j"), .character("G"), .character(" "), .character("<"), .control("r"), .up, .down, .left,
            .right, .home, .end, .pageUp, .pageDown, .insert, .delete, .tab, .backTab, .enter, .escape, .backspace,
            .function(1), .function(24),
        ]
        for key in keys {
            XCTAssertEqual(try KeyEvent(name: key.configName), key, key.configName)
        }
        XCTAssertEqual(KeyEvent.control("r").configName, "<c-r>")
        XCTAssertEqual(KeyEvent.backTab.configName, "<s-tab>")
    }

    func testDisplayNames() {
        XCTAssertEqual(KeyEvent.control("r").displayName, "Ctrl-R")
        XCTAssertEqual(KeyEvent.backTab.displayName, "Shift-Tab")
        XCTAssertEqual(KeyEvent.character(" ").displayName, "Space")
        XCTAssertEqual(KeyEvent.down.displayName, "↓")
        XCTAssertEqual(KeyEvent.function(5).displayName, "F5")
        XCTAssertEqual(KeyEvent.character("G").displayName, "G")
        XCTAssertEqual(KeyEvent.pageUp.displayName, "PgUp")
    }

    func testDecodesTerminalScalars() {
        XCTAssertEqual(KeyEvent(scalar: "\u{3}"), .control("c"))
        XCTAssertEqual(KeyEvent(scalar: "\u{12}"), .control("r"))
        XCTAssertEqual(KeyEvent(scalar: "\t"), .tab)
        XCTAssertEqual(KeyEvent(scalar: "\r"), .enter)
        XCTAssertEqual(KeyEvent(scalar: "\u{1B}"), .escape)
        XCTAssertEqual(KeyEvent(scalar: "\u{7F}"), .backspace)
        XCTAssertEqual(KeyEvent(scalar: "q"), .character("q"))
        XCTAssertNil(KeyEvent(scalar: "\u{9B}"))
    }

    func testNcursesFunctionKeysMap() {
        // Key codes as <ncurses.h> defines them (octal).
        XCTAssertEqual(NcursesTerminal.functionKey(0o402), .down)
        XCTAssertEqual(NcursesTerminal.functionKey(0o541), .backTab)
        XCTAssertEqual(NcursesTerminal.functionKey(0o410 + 5), .function(5))
        XCTAssertEqual(NcursesTerminal.functionKey(0o522), .pageDown)
        XCTAssertNil(NcursesTerminal.functionKey(0o631))
    }
}
