import XCTest
@testable import Terminal

final class MemoryTerminalTests: XCTestCase {
    func testRendersTextLinesWithWideCharacters() {
        let terminal = MemoryTerminal(size: TerminalSize(columns: 12, rows: 3))
        let presenter = FramePresenter(backend: terminal, minimumSize: TerminalSize(columns: 10, rows: 3))
        presenter.present { buffer in
            buffer.put("坂本龍一", at: CellPosition(column: 0, row: 0), style: CellStyle(.title))
            buffer.put("0.72 ok", at: CellPosition(column: 2, row: 2))
        }
        XCTAssertEqual(terminal.lines, ["坂本龍一    ", "            ", "  0.72 ok   "])
        XCTAssertEqual(terminal.text, "坂本龍一\n\n  0.72 ok")
    }

    func testStylesResolveThroughTheThemeAndCapability() throws {
        let mono = MemoryTerminal(size: TerminalSize(columns: 10, rows: 1), colorCapability: .monochrome)
        let presenter = FramePresenter(backend: mono, minimumSize: TerminalSize(columns: 1, rows: 1))
        presenter.present { $0.put("sel", at: CellPosition(column: 0, row: 0), style: CellStyle(.selection)) }
        let style = mono.style(atColumn: 0, row: 0)
        XCTAssertEqual(style.foreground, .default)
        XCTAssertTrue(style.attributes.contains(.reverse))

        let full = MemoryTerminal(size: TerminalSize(columns: 10, rows: 1), colorCapability: .full256)
        let fullPresenter = FramePresenter(backend: full, minimumSize: TerminalSize(columns: 1, rows: 1))
        fullPresenter.present {
            $0.put("x", at: CellPosition(column: 0, row: 0), style: CellStyle(.text, emphasis: .underline))
        }
        XCTAssertTrue(full.style(atColumn: 0, row: 0).attributes.contains(.underline))
    }

    func testQueuedKeysComeBackInOrder() {
        let terminal = MemoryTerminal()
        terminal.enqueue(.character("j"), .down, .control("r"))
        XCTAssertEqual(terminal.readKey(timeout: .milliseconds(10)), .character("j"))
        XCTAssertEqual(terminal.readKey(timeout: nil), .down)
        XCTAssertEqual(terminal.readKey(timeout: nil), .control("r"))
        XCTAssertNil(terminal.readKey(timeout: .zero))
    }
}
