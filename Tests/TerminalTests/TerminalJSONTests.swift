import Foundation
import XCTest
@testable import Terminal

final class TerminalJSONTests: XCTestCase {
    struct Release: Codable, Equatable {
        var title: String
        var artist: String
    }

    func testDELC1AndBidiAreEscapedAndDecodeBackUnchanged() throws {
        let hostile = Release(title: "a\u{1B}[2Jb\u{7F}c\u{85}d\u{9B}31me\u{202E}f\u{2066}g\u{200F}h\u{061C}",
                              artist: "\u{1B}]52;c;AAAA\u{07}日本 😀")
        let json = try TerminalJSON.encode(hostile)
        for scalar in json.unicodeScalars where scalar != "\n" {
            XCTAssertFalse(TerminalText.isControlOrBidi(scalar), "raw U+\(String(scalar.value, radix: 16)) in \(json)")
        }
        XCTAssertTrue(json.contains("\\u007f"))
        XCTAssertTrue(json.contains("\\u0085"))
        XCTAssertTrue(json.contains("\\u202e"))
        XCTAssertTrue(json.contains("\\u001b"))
        XCTAssertTrue(json.contains("日本 😀"), "ordinary text stays as it is")
        let decoded = try JSONDecoder().decode(Release.self, from: Data(json.utf8))
        XCTAssertEqual(decoded, hostile)
    }

    func testPlainOutputIsWhatJSONEncoderWrites() throws {
        let value = ["url": "https://www.youtube.com/watch?v=x", "b": "2"]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        XCTAssertEqual(try TerminalJSON.encode(value), String(decoding: try encoder.encode(value), as: UTF8.self))
        XCTAssertEqual(try TerminalJSON.encode(value, compact: true), #"{"b":"2","url":"https://www.youtube.com/watch?v=x"}"#)
    }
}
