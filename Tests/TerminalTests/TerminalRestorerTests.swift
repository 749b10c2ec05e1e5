import XCTest
@testable import Terminal

/// Standard error captured while the console runs is replayed at exit: it must not reach the terminal raw.
final class TerminalRestorerTests: XCTestCase {
    func testReplayIsSanitizedLineByLine() {
        let captured = Array("notice: \u{1B}]0;pwned\u{07}title\nerror \u{9B}2J\u{202E}x\n".utf8)
        XCTAssertEqual(TerminalRestorer.sanitizedReplay(captured), "notice: title\nerror \u{FFFD}x\n")
    }

    func testSignalHandlerFilterNeutralisesControlBytes() {
        var bytes = Array("a\u{1B}[2Jb\u{7}\n\u{85}c\u{202E}d\u{2066}e\u{200F}f\u{61C}g é日".utf8)
        bytes.withUnsafeMutableBufferPointer { neutraliseControlBytes($0.baseAddress!, $0.count) }
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "a?[2Jb?\n??c???d???e???f??g é日")
    }
}
