import XCTest
@testable import Terminal

final class BufferDiffTests: XCTestCase {
    /// A list of 20 rows in an 80x24 screen with the selection on `selected`.
    private func listFrame(selected: Int) -> CellBuffer {
        var buffer = CellBuffer(columns: 80, rows: 24)
        buffer.put("Pending matches", at: CellPosition(column: 0, row: 0), style: CellStyle(.title))
        for row in 0..<20 {
            let style = CellStyle(row == selected ? .selection : .text)
            buffer.put("release \(row)", at: CellPosition(column: 0, row: row + 2), width: 80, style: style)
        }
        return buffer
    }

    func testIdenticalBuffersHaveNoChanges() {
        let frame = listFrame(selected: 3)
        XCTAssertEqual(BufferDiff.changes(from: frame, to: frame), [])
    }

    func testNoPreviousBufferRedrawsEverything() {
        let runs = BufferDiff.changes(from: nil, to: listFrame(selected: 0))
        XCTAssertEqual(runs.count, 24)
        XCTAssertEqual(BufferDiff.writtenCellCount(runs), 80 * 24)
    }

    func testMovingTheCursorOneLineWritesOnlyTheTwoRows() {
        let runs = BufferDiff.changes(from: listFrame(selected: 3), to: listFrame(selected: 4))
        XCTAssertEqual(runs.map(\.row), [5, 6])
        XCTAssertEqual(BufferDiff.writtenCellCount(runs), 160)
    }

    func testOnlyChangedCellsAreIncluded() {
        var before = CellBuffer(columns: 20, rows: 2)
        before.put("confidence 0.71", at: CellPosition(column: 0, row: 0))
        var after = before
        after.put("0.93", at: CellPosition(column: 11, row: 0))
        let runs = BufferDiff.changes(from: before, to: after)
        XCTAssertEqual(runs, [CellRun(row: 0, column: 13, cells: [Cell("9"), Cell("3")])])
    }

    func testChangedWideCharacterIncludesBothHalves() {
        var before = CellBuffer(columns: 10, rows: 1)
        before.put("ab日本", at: CellPosition(column: 0, row: 0))
        var after = before
        after.put("語", at: CellPosition(column: 4, row: 0))
        let runs = BufferDiff.changes(from: before, to: after)
        XCTAssertEqual(runs.count, 1)
        XCTAssertEqual(runs[0].column, 4)
        XCTAssertEqual(runs[0].cells.count, 2)
        XCTAssertEqual(runs[0].writtenCellCount, 1)
    }

    func testStyleOnlyChangeOfContinuationStartsAtLead() {
        var before = CellBuffer(columns: 4, rows: 1)
        before.put("日", at: CellPosition(column: 0, row: 0))
        var after = before
        after.restyle(CellRect(column: 1, row: 0, width: 1, height: 1), style: CellStyle(.selection))
        let runs = BufferDiff.changes(from: before, to: after)
        XCTAssertEqual(runs.first?.column, 0)
    }

    func testPresenterWritesOnlyChangesToTheMemoryTerminal() {
        let terminal = MemoryTerminal(size: TerminalSize(columns: 80, rows: 24))
        let presenter = FramePresenter(backend: terminal)
        let first = presenter.present(listFrame(selected: 3))
        XCTAssertTrue(first.fullRedraw)
        XCTAssertEqual(first.cellsWritten, 80 * 24)
        terminal.resetCounters()
        let second = presenter.present(listFrame(selected: 4))
        XCTAssertFalse(second.fullRedraw)
        XCTAssertEqual(terminal.cellsWritten, 160)
        XCTAssertEqual(terminal.screen, listFrame(selected: 4))
        terminal.resetCounters()
        presenter.present(listFrame(selected: 4))
        XCTAssertEqual(terminal.cellsWritten, 0)
    }

    func testPresenterRedrawsAfterResizeAndShowsTooSmallMessage() {
        let terminal = MemoryTerminal(size: TerminalSize(columns: 80, rows: 24))
        let presenter = FramePresenter(backend: terminal)
        presenter.present { $0.put("hello", at: CellPosition(column: 0, row: 0)) }
        terminal.resize(to: TerminalSize(columns: 40, rows: 10))
        XCTAssertEqual(terminal.readKey(timeout: nil), .resize)
        XCTAssertFalse(presenter.sizeIsUsable)
        let stats = presenter.present { $0.put("hello", at: CellPosition(column: 0, row: 0)) }
        XCTAssertTrue(stats.fullRedraw)
        XCTAssertTrue(terminal.text.contains("Window too small: 40x10"))
        XCTAssertTrue(terminal.text.contains("Need at least 60x16."))
        XCTAssertFalse(terminal.text.contains("hello"))
        XCTAssertNil(terminal.cursor)
    }
}
