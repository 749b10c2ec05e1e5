import XCTest
@testable import Terminal

final class CellBufferTests: XCTestCase {
    func testPutWritesSanitizedTextAndReportsColumns() {
        var buffer = CellBuffer(columns: 20, rows: 2)
        let used = buffer.put("a\u{1B}[2Jb\u{202E}c", at: CellPosition(column: 1, row: 0))
        XCTAssertEqual(used, 4)
        XCTAssertEqual(buffer.text(row: 0), " ab\u{FFFD}c" + String(repeating: " ", count: 15))
    }

    func testPutCutsWithEllipsisAtMaxWidthAndRightEdge() {
        var buffer = CellBuffer(columns: 10, rows: 2)
        buffer.put("Kind of Blue", at: CellPosition(column: 0, row: 0), maxWidth: 6)
        XCTAssertEqual(buffer.text(row: 0), "Kind …    ")
        buffer.put("Kind of Blue", at: CellPosition(column: 4, row: 1))
        XCTAssertEqual(buffer.text(row: 1), "    Kind …")
    }

    func testWideCharactersUseTwoCells() {
        var buffer = CellBuffer(columns: 6, rows: 1)
        XCTAssertEqual(buffer.put("日本語", at: CellPosition(column: 0, row: 0)), 6)
        XCTAssertEqual(buffer[0, 0].width, 2)
        XCTAssertTrue(buffer[1, 0].isContinuation)
        XCTAssertEqual(buffer.text(row: 0), "日本語")
    }

    func testWideCharacterIsNotSplitAtTheEdge() {
        var buffer = CellBuffer(columns: 5, rows: 1)
        buffer.put("日本語", at: CellPosition(column: 0, row: 0))
        XCTAssertEqual(buffer.text(row: 0), "日本…")
        var narrow = CellBuffer(columns: 5, rows: 1)
        narrow.put("ab日本", at: CellPosition(column: 0, row: 0), maxWidth: 3)
        XCTAssertEqual(narrow.text(row: 0), "ab…  ")
    }

    func testOverwritingHalfOfAWideCharacterBlanksTheOtherHalf() {
        var buffer = CellBuffer(columns: 6, rows: 1)
        buffer.put("日本語", at: CellPosition(column: 0, row: 0))
        buffer.put("x", at: CellPosition(column: 1, row: 0))  // lands on the continuation of 日
        XCTAssertEqual(buffer.text(row: 0), " x本語")
        buffer.put("y", at: CellPosition(column: 2, row: 0))  // lands on the lead of 本
        XCTAssertEqual(buffer.text(row: 0), " xy 語")
        XCTAssertFalse(buffer[3, 0].isContinuation)
        buffer.put("漢", at: CellPosition(column: 3, row: 0))  // wide over the lead of 語: its continuation goes
        XCTAssertEqual(buffer.text(row: 0), " xy漢 ")
    }

    func testCombiningMarksStayWithTheirBase() {
        var buffer = CellBuffer(columns: 4, rows: 1)
        buffer.put("e\u{301}\u{301}x", at: CellPosition(column: 0, row: 0))
        XCTAssertEqual(buffer[0, 0].character, "e\u{301}\u{301}")
        XCTAssertEqual(buffer[1, 0].character, "x")
    }

    func testFixedWidthPutPadsInStyle() {
        var buffer = CellBuffer(columns: 8, rows: 1)
        buffer.put("ab", at: CellPosition(column: 1, row: 0), width: 5, alignment: .right, style: CellStyle(.selection))
        XCTAssertEqual(buffer.text(row: 0), "    ab  ")
        XCTAssertEqual(buffer[1, 0].style.role, .selection)
        XCTAssertEqual(buffer[6, 0].style.role, .text)
    }

    func testBoxWithTitle() {
        var buffer = CellBuffer(columns: 12, rows: 3)
        buffer.box(CellRect(column: 0, row: 0, width: 12, height: 3), title: "Queue")
        XCTAssertEqual(buffer.lines, ["┌─ Queue ──┐", "│          │", "└──────────┘"])
        XCTAssertEqual(buffer[3, 0].style.role, .paneTitle)
        XCTAssertEqual(buffer[0, 1].style.role, .border)
    }

    func testBarShowsFractionInEighths() {
        var buffer = CellBuffer(columns: 10, rows: 1)
        buffer.bar(at: CellPosition(column: 0, row: 0), width: 10, fraction: 0.55, style: CellStyle(.confidenceMedium))
        XCTAssertEqual(buffer.text(row: 0), "█████▌····")
        buffer.bar(at: CellPosition(column: 0, row: 0), width: 4, fraction: 1.7, style: CellStyle(.confidenceHigh))
        XCTAssertEqual(buffer.text(row: 0).prefix(4), "████")
        buffer.bar(at: CellPosition(column: 0, row: 0), width: 4, fraction: .nan, style: CellStyle(.confidenceHigh))
        XCTAssertEqual(buffer.text(row: 0).prefix(4), "····")
    }

    func testSparkline() {
        var buffer = CellBuffer(columns: 5, rows: 1)
        buffer.sparkline([0, 1, 2, 4, 8, 16], at: CellPosition(column: 0, row: 0), width: 5)
        XCTAssertEqual(buffer.text(row: 0), "▁▂▃▅█")
    }

    func testDrawingOutsideTheBufferIsIgnored() {
        var buffer = CellBuffer(columns: 4, rows: 2)
        buffer.put("x", at: CellPosition(column: 9, row: 0))
        buffer.put("x", at: CellPosition(column: 0, row: 5))
        buffer.put("x", at: CellPosition(column: -1, row: 0))
        buffer.fill(CellRect(column: 2, row: 1, width: 10, height: 10), character: "#")
        XCTAssertEqual(buffer.lines, ["    ", "  ##"])
    }
}

final class CellBufferEdgeTests: XCTestCase {
    func testOrphanCombiningMarkTakesNoCell() {
        var buffer = CellBuffer(columns: 4, rows: 1)
        XCTAssertEqual(buffer.put("\u{301}ab", at: CellPosition(column: 0, row: 0)), 2)
        XCTAssertEqual(buffer.text(row: 0), "ab  ")
    }

    func testAsciiStandInsForNonUTF8Terminals() {
        XCTAssertEqual(NcursesTerminal.asciiStandIn("─"), "-")
        XCTAssertEqual(NcursesTerminal.asciiStandIn("┌"), "+")
        XCTAssertEqual(NcursesTerminal.asciiStandIn("█"), "#")
        XCTAssertEqual(NcursesTerminal.asciiStandIn("日"), "?")
    }
}

final class CellStorageTests: XCTestCase {
    func testCellsKeepWhatATerminalCellCanShow() {
        XCTAssertEqual(Cell("a").character, "a")
        XCTAssertEqual(Cell("日", width: 2).character, "日")
        XCTAssertEqual(Cell("e\u{301}").character, "e\u{301}")
        // A ZWJ sequence keeps its first emoji; a skin-tone modifier and a variation selector are left out.
        XCTAssertEqual(Cell("👨‍👩‍👧", width: 2).character, "👨")
        XCTAssertEqual(Cell("❤️").character, "❤")
        // At most four combining marks ride along with the base.
        let zalgo = Character("a" + String(repeating: "\u{301}", count: 20))
        XCTAssertEqual(Cell(zalgo).character.unicodeScalars.count, 5)
        XCTAssertEqual(Cell("x"), Cell("x"))
        XCTAssertNotEqual(Cell("x"), Cell("x", style: CellStyle(.title)))
    }

    func testFamilyEmojiInABufferIsOneWideCell() {
        var buffer = CellBuffer(columns: 6, rows: 1)
        XCTAssertEqual(buffer.put("👨‍👩‍👧ok", at: CellPosition(column: 0, row: 0)), 4)
        XCTAssertEqual(buffer[0, 0].width, 2)
        XCTAssertEqual(buffer.text(row: 0), "👨ok  ")
    }
}
