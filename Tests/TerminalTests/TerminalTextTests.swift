import XCTest
@testable import Terminal

final class TerminalTextTests: XCTestCase {
    /// No C0, DEL, C1 or bidi control may survive sanitizing.
    private func assertSafe(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        for scalar in text.unicodeScalars {
            let v = scalar.value
            XCTAssertFalse(v < 0x20 || (0x7F...0x9F).contains(v), "control U+\(String(v, radix: 16)) survived",
                           file: file, line: line)
            XCTAssertFalse([0x061C, 0x200E, 0x200F].contains(v) || (0x202A...0x202E).contains(v) ||
                           (0x2066...0x2069).contains(v), "bidi control survived", file: file, line: line)
        }
    }

    func testPlainTextIsUnchanged() {
        XCTAssertEqual(TerminalText.sanitize("Blue Note 4003 - Art Blakey"), "Blue Note 4003 - Art Blakey")
        XCTAssertEqual(TerminalText.width("Moanin'"), 7)
    }

    func testCSIClearScreenIsRemovedWhole() {
        let clean = TerminalText.sanitize("abc\u{1B}[2Jdef\u{1B}[1;31mred\u{1B}[0m")
        XCTAssertEqual(clean, "abcdefred")
        assertSafe(clean)
    }

    func testOSC52ClipboardWriteIsRemoved() {
        let clean = TerminalText.sanitize("title\u{1B}]52;c;ZWNobyBwd25lZA==\u{07}end")
        XCTAssertEqual(clean, "titleend")
        let withST = TerminalText.sanitize("a\u{1B}]52;c;ZWNobw==\u{1B}\\b")
        XCTAssertEqual(withST, "ab")
    }

    func testWindowTitleOSCIsRemoved() {
        XCTAssertEqual(TerminalText.sanitize("\u{1B}]0;pwned\u{07}Kind of Blue"), "Kind of Blue")
    }

    func testUnterminatedOSCIsNeutralisedNotExecuted() {
        let clean = TerminalText.sanitize("x\u{1B}]0;evil")
        XCTAssertEqual(clean, "x\u{FFFD}]0;evil")
        assertSafe(clean)
    }

    func testC1CSIIsRemoved() {
        let clean = TerminalText.sanitize("a\u{9B}2Jb\u{9B}31mc")
        XCTAssertEqual(clean, "abc")
        assertSafe(clean)
    }

    func testOtherC1AndC0ControlsBecomePlaceholders() {
        let clean = TerminalText.sanitize("a\u{0}b\u{7}c\u{7F}d\u{85}e\u{8D}f")
        XCTAssertEqual(clean, "a\u{FFFD}b\u{FFFD}c\u{FFFD}d e\u{FFFD}f")
        XCTAssertEqual(TerminalText.width("a\u{0}b"), 3)
    }

    func testShortEscapeSequencesAreRemoved() {
        XCTAssertEqual(TerminalText.sanitize("a\u{1B}cb\u{1B}7c\u{1B}(Bd"), "abcd")
    }

    func testBidiOverridesAreVisiblePlaceholders() {
        let clean = TerminalText.sanitize("abc\u{202E}gpj.exe\u{2066}x\u{2069}\u{200F}\u{061C}")
        XCTAssertEqual(clean, "abc\u{FFFD}gpj.exe\u{FFFD}x\u{FFFD}\u{FFFD}\u{FFFD}")
        assertSafe(clean)
        XCTAssertEqual(DisplayWidth.of(clean), 16)
    }

    func testTabsAndNewlinesBecomeSpaces() {
        XCTAssertEqual(TerminalText.sanitize("a\tb\nc\r\nd\u{2028}e"), "a b c  d e")
    }

    func testInvalidUTF8IsReplaced() {
        let bytes: [UInt8] = [0x41, 0xFF, 0xC3, 0x28, 0x42, 0xE2, 0x82]
        let clean = TerminalText.sanitize(bytes: bytes)
        XCTAssertEqual(clean, "A\u{FFFD}\u{FFFD}(B\u{FFFD}")
        XCTAssertEqual(TerminalText.width(clean), 6)
    }

    func testInvisibleFormatCharactersAreDropped() {
        XCTAssertEqual(TerminalText.sanitize("a\u{200B}b\u{FEFF}c\u{AD}d"), "abcd")
    }

    func testWidthsHoldWithoutProcessLocale() {
        // The test process never calls setlocale, so this runs under the "C" locale.
        XCTAssertEqual(DisplayWidth.of(Character("a")), 1)
        XCTAssertEqual(DisplayWidth.of(Character("日")), 2)
        XCTAssertEqual(DisplayWidth.of(Character("한")), 2)
        XCTAssertEqual(DisplayWidth.of(Character("😀")), 2)
        XCTAssertEqual(DisplayWidth.of(Character("👨‍👩‍👧")), 2)
        XCTAssertEqual(DisplayWidth.of(Character("👍🏽")), 2)
        XCTAssertEqual(DisplayWidth.of(Character("e\u{301}")), 1)
        XCTAssertEqual(DisplayWidth.of(scalar: "\u{301}"), 0)
        XCTAssertEqual(DisplayWidth.of("\u{301}"), 0)
        XCTAssertEqual(DisplayWidth.of("Ｆｕｌｌ"), 8)
        XCTAssertEqual(TerminalText.width("坂本龍一 - 音楽図鑑"), 19)
        XCTAssertEqual(TerminalText.width("Beyoncé 👨‍👩‍👧 ok"), 13)
    }

    func testWidthTableIsACurrentUnicodeVersion() {
        let major = Int(DisplayWidth.unicodeVersion.split(separator: ".").first ?? "") ?? 0
        XCTAssertGreaterThanOrEqual(major, 16, "regenerate WidthTable.swift with generate-width-table.py")
    }

    func testFastPathsAgreeWithTheGeneratedTable() {
        for value in UInt32(0xA0)..<0x300 {
            XCTAssertFalse(DisplayWidth.inTable(WidthTable.zeroWidth, value) || DisplayWidth.inTable(WidthTable.wide, value),
                           "U+\(String(value, radix: 16)) is not 1 wide in the table")
        }
        for value in Array(UInt32(0x4E00)...0x9FFF) + Array(UInt32(0xAC00)...0xD7A3) {
            XCTAssertTrue(DisplayWidth.inTable(WidthTable.wide, value), "U+\(String(value, radix: 16)) is not wide in the table")
        }
        // Every scalar's width is the ranges' answer (fast paths and block kinds included), across all planes.
        for value in stride(from: UInt32(0xA0), to: 0x10FFFF, by: 3) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let expected = DisplayWidth.inTable(WidthTable.zeroWidth, value) ? 0 : DisplayWidth.inTable(WidthTable.wide, value) ? 2 : 1
            XCTAssertEqual(DisplayWidth.of(scalar: scalar), expected, "U+\(String(value, radix: 16))")
        }
    }

    func testNewerEmojiAndCJKExtensionsAreWide() {
        // Unicode 15-17 characters glibc's Unicode 14 wcwidth measured 1 wide (or unprintable).
        XCTAssertEqual(DisplayWidth.of(Character("\u{1FAE8}")), 2)  // SHAKING FACE (Unicode 15)
        XCTAssertEqual(DisplayWidth.of(Character("\u{1F7E0}")), 2)  // LARGE ORANGE CIRCLE
        XCTAssertEqual(DisplayWidth.of(Character("\u{1FA77}")), 2)  // PINK HEART (Unicode 15)
        XCTAssertEqual(DisplayWidth.of(Character("\u{31350}")), 2)  // CJK UNIFIED IDEOGRAPHS EXTENSION H
        XCTAssertEqual(DisplayWidth.of(Character("\u{2EBF0}")), 2)  // CJK UNIFIED IDEOGRAPHS EXTENSION I
        XCTAssertEqual(DisplayWidth.of(scalar: "\u{1FAE8}"), 2)
    }

    func testGraphemeClustersAreMeasuredWhole() {
        XCTAssertEqual(DisplayWidth.of(Character("\u{2764}")), 1)           // HEAVY BLACK HEART, text style
        XCTAssertEqual(DisplayWidth.of(Character("\u{2764}\u{FE0F}")), 2)   // ... with VS16: emoji style
        XCTAssertEqual(DisplayWidth.of(Character("1\u{FE0F}\u{20E3}")), 2)  // keycap one
        XCTAssertEqual(DisplayWidth.of(Character("\u{2764}\u{FE0F}\u{200D}\u{1F525}")), 2)  // heart on fire (ZWJ)
        XCTAssertEqual(DisplayWidth.of(Character("🇯🇵")), 2)                 // regional-indicator pair
        XCTAssertEqual(DisplayWidth.of(Character("👩🏽‍🚀")), 2)
        XCTAssertEqual(DisplayWidth.of(Character("a\u{301}\u{302}")), 1)    // combining marks
        XCTAssertEqual(DisplayWidth.of(Character("\u{1100}\u{1161}\u{11A8}")), 2)  // Hangul syllable as jamo
        XCTAssertEqual(DisplayWidth.of("\u{2764}\u{FE0F}x"), 3)
        XCTAssertEqual(TerminalText.width("I \u{2764}\u{FE0F} 🇯🇵"), 7)
        let cells = TerminalText.cells("\u{2764}\u{FE0F}👨‍👩‍👧e\u{301}", maxWidth: 10)
        XCTAssertEqual(cells.map(\.width), [2, 2, 1])
    }

    func testInvisibleFillersShowAsAVisibleMark() {
        let mark = Character(TerminalText.invisibleMark)
        for filler in ["\u{3164}", "\u{115F}", "\u{1160}", "\u{FFA0}", "\u{2800}"] {
            let clean = TerminalText.sanitize("a\(filler)b")
            XCTAssertEqual(clean, "a\(mark)b", "U+\(String(filler.unicodeScalars.first!.value, radix: 16))")
            XCTAssertEqual(TerminalText.width("a\(filler)b"), 3)
        }
        // A reviewer name made only of fillers does not look empty.
        XCTAssertEqual(TerminalText.sanitize("\u{3164}\u{3164}"), String(repeating: mark, count: 2))
    }

    func testTagCharactersSurviveOnlyInsideAnEmojiTagSequence() {
        let england = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}"
        XCTAssertEqual(TerminalText.sanitize("go " + england), "go " + england)
        XCTAssertEqual(TerminalText.width(england), 2)
        // Hidden ASCII smuggled as tag characters after ordinary text is dropped.
        XCTAssertEqual(TerminalText.sanitize("ok\u{E0069}\u{E0067}\u{E006E}\u{E007F}!"), "ok!")
        XCTAssertEqual(TerminalText.sanitize("\u{E0001}\u{E0065}\u{E006E}x"), "x")
        // A flag whose tag run never ends keeps the flag and loses the tags.
        XCTAssertEqual(TerminalText.sanitize("\u{1F3F4}\u{E0067}\u{E0062}"), "\u{1F3F4}")
    }

    func testSanitizedWidthEqualsTheCellsDrawn() {
        let samples = [
            "\u{1B}[2Jtitle\u{9B}31m\u{202E}x", "\u{2764}\u{FE0F}\u{1FAE8}\u{31350}", "\u{3164}\u{115F}\u{1160}",
            "e\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}", "👨‍👩‍👧‍👦🇯🇵🇫", "\u{301}orphan", "\u{1F3F4}\u{E0067}\u{E007F}",
            "🎷 \u{E0041}smuggled\u{200B}\u{FEFF}", "日本語\u{7F}\u{85}",
        ]
        for sample in samples {
            let clean = TerminalText.sanitize(sample)
            assertSafe(clean)
            let drawn = TerminalText.cells(sample, maxWidth: 1_000).reduce(0) { $0 + $1.width }
            XCTAssertEqual(DisplayWidth.of(clean), drawn, "\(sample.unicodeScalars.map { String($0.value, radix: 16) })")
            XCTAssertEqual(TerminalText.width(sample), drawn)
        }
    }

    func testTruncationAddsEllipsisAndRespectsWidth() {
        XCTAssertEqual(TerminalText.truncate("Somethin' Else", toWidth: 20), "Somethin' Else")
        XCTAssertEqual(TerminalText.truncate("Somethin' Else", toWidth: 8), "Somethi…")
        XCTAssertEqual(TerminalText.truncate("Somethin' Else", toWidth: 1), "…")
        XCTAssertEqual(TerminalText.truncate("abc", toWidth: 0), "")
        XCTAssertEqual(TerminalText.truncate("abc", toWidth: 3), "abc")
    }

    func testTruncationNeverSplitsAWideCharacter() {
        let title = "日本語のタイトル"  // 16 columns
        for width in 1...18 {
            let cut = TerminalText.truncate(title, toWidth: width)
            let used = DisplayWidth.of(cut)
            XCTAssertLessThanOrEqual(used, width)
            if width < 16 {
                XCTAssertTrue(cut.hasSuffix("…"))
                // Either exactly full, or one short because the next wide character did not fit.
                XCTAssertGreaterThanOrEqual(used, width - 1)
            } else {
                XCTAssertEqual(cut, title)
            }
        }
        XCTAssertEqual(TerminalText.truncate(title, toWidth: 6), "日本…")
        XCTAssertEqual(TerminalText.truncate(title, toWidth: 5), "日本…")
        XCTAssertEqual(TerminalText.fit(title, toWidth: 6), "日本… ")
    }

    func testEmojiSequencesStayWhole() {
        let text = "👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧"
        XCTAssertEqual(TerminalText.width(text), 6)
        let cut = TerminalText.truncate(text, toWidth: 5)
        XCTAssertEqual(cut, "👨‍👩‍👧👨‍👩‍👧…")
        XCTAssertEqual(DisplayWidth.of(cut), 5)
    }

    func testTenThousandCharacterTitleIsCutToWidth() {
        let long = String(repeating: "Ж", count: 10_000) + "\u{1B}[2J"
        let cut = TerminalText.truncate(long, toWidth: 40)
        XCTAssertEqual(DisplayWidth.of(cut), 40)
        XCTAssertTrue(cut.hasSuffix("…"))
        let hostile = String(repeating: "\u{1B}]0;x\u{07}漢", count: 10_000)
        let hostileCut = TerminalText.truncate(hostile, toWidth: 41)
        XCTAssertEqual(hostileCut, String(repeating: "漢", count: 20) + "…")
        assertSafe(TerminalText.sanitize(hostile))
        XCTAssertEqual(TerminalText.width(hostile), 20_000)
    }

    func testTruncationOfTextWithEscapesAcrossTheCutIsRemovedNotNeutralised() {
        // The OSC starts before the cut and ends after any prefix the truncation would look at first.
        let text = "ab\u{1B}]52;c;" + String(repeating: "A", count: 5_000) + "\u{07}cdefgh"
        XCTAssertEqual(TerminalText.truncate(text, toWidth: 5), "abcd…")
    }

    func testPaddingAndAlignment() {
        XCTAssertEqual(TerminalText.fit("ab", toWidth: 5), "ab   ")
        XCTAssertEqual(TerminalText.fit("ab", toWidth: 5, alignment: .right), "   ab")
        XCTAssertEqual(TerminalText.fit("ab", toWidth: 5, alignment: .center), " ab  ")
        XCTAssertEqual(TerminalText.fit("日本", toWidth: 5, alignment: .right), " 日本")
        XCTAssertEqual(DisplayWidth.of(TerminalText.fit("\u{1B}[2Jé", toWidth: 4)), 4)
    }

    /// Found by fuzzing: a mark that starts the text joined the padding space before it, so `fit` came out short by
    /// the mark's width. A mark that takes columns now sits on a dotted circle, whatever is put before it.
    func testALeadingCombiningMarkKeepsItsWidthBesidePadding() {
        // A lone emoji modifier (2 columns) and a halfwidth voiced mark (1 column) attach to what precedes them.
        for text in ["\u{1F3FB}ev", "\u{FF9E}ev", "\u{1B}[2J\u{1F3FB}x"] {
            XCTAssertEqual(TerminalText.sanitize(text).unicodeScalars.first, TerminalText.markBase, text)
            for alignment in [TerminalText.Alignment.left, .right, .center] {
                XCTAssertEqual(DisplayWidth.of(TerminalText.fit(text, toWidth: 8, alignment: alignment)), 8, text)
            }
        }
        XCTAssertEqual(TerminalText.sanitize("e\u{0301}"), "e\u{0301}")
        XCTAssertEqual(TerminalText.sanitize("\u{0301}x"), "\u{0301}x")  // zero wide: no width to lose
        XCTAssertEqual(DisplayWidth.of(TerminalText.fit("\u{0301}x", toWidth: 8, alignment: .right)), 8)
    }

    func testHostileMixHasExactWidth() {
        let hostile = "\u{1B}[2J\u{1B}]52;c;AAAA\u{07}\u{1B}]0;t\u{07}\u{9B}2J\u{202E}\u{0}日本😀👨‍👩‍👧e\u{301}\t"
        let clean = TerminalText.sanitize(hostile)
        assertSafe(clean)
        // placeholder (U+202E) 1 + placeholder (NUL) 1 + 日本 4 + 😀 2 + family 2 + é 1 + tab-as-space 1
        XCTAssertEqual(DisplayWidth.of(clean), 12)
    }
}
