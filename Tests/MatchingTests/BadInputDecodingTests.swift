import Foundation
import XCTest
@testable import Matching

/// Hostile and broken Discogs documents: every one is a `DiscogsDecodingError` naming its JSON path, never a trap.
final class BadInputDecodingTests: XCTestCase {
    private func decodingError<T: Decodable>(_ type: T.Type, _ json: String) -> DiscogsDecodingError? {
        decodingError(type, Data(json.utf8))
    }

    private func decodingError<T: Decodable>(_ type: T.Type, _ data: Data) -> DiscogsDecodingError? {
        do {
            _ = try DiscogsDecoding.decode(T.self, from: data)
            return nil
        } catch {
            return error
        }
    }

    func testNumbersNoIntegerCanHoldAreDecodingErrors() throws {
        // 1e19 used to trap in the Double -> Int conversion.
        for year in ["1e19", "-1e19", "9223372036854775808.0", "\"99999999999999999999\"", "1e308"] {
            let error = try XCTUnwrap(decodingError(DiscogsRelease.self, #"{"id": 1, "title": "T", "year": \#(year)}"#), year)
            XCTAssertEqual(error.path, "$.year", "\(year): \(error)")
            XCTAssertTrue(error.message.contains("out of range"), "\(year): \(error)")
        }
        let video = try XCTUnwrap(decodingError(DiscogsRelease.self, """
            {"id": 1, "title": "T", "videos": [{"uri": "https://youtu.be/a", "duration": 1e300}]}
            """))
        XCTAssertEqual(video.path, "$.videos[0].duration")
        let listing = try XCTUnwrap(decodingError(DiscogsListing.self, #"{"id": 5, "release": {"id": 2, "year": 1e19}}"#))
        XCTAssertEqual(listing.path, "$.release.year")

        // In range they still decode leniently: a whole double, a numeric string, text that is no number at all.
        XCTAssertEqual(try DiscogsDecoding.decode(DiscogsRelease.self, from: Data(#"{"id": 1, "title": "T", "year": 1999.0}"#.utf8)).year, 1999)
        XCTAssertEqual(try DiscogsDecoding.decode(DiscogsRelease.self, from: Data(#"{"id": 1, "title": "T", "year": " 2001 "}"#.utf8)).year, 2001)
        XCTAssertNil(try DiscogsDecoding.decode(DiscogsRelease.self, from: Data(#"{"id": 1, "title": "T", "year": "unknown"}"#.utf8)).year)
        // A large year still decodes: whether a column can hold it is the importer's rule, not the decoder's.
        XCTAssertEqual(try DiscogsDecoding.decode(DiscogsRelease.self, from: Data(#"{"id": 1, "title": "T", "year": 3000000000}"#.utf8)).year,
                       3_000_000_000)
    }

    func testAbsurdPaginationIsNotAPageCount() throws {
        let page = #"{"pagination": {"page": 1, "pages": 1e19}, "listings": [{"id": 5, "release": {"id": 2}}]}"#
        let decoded = try DiscogsDecoding.decode(DiscogsInventoryPage.self, from: Data(page.utf8))
        // The unusable pagination is dropped (a single page), the listings are still read.
        XCTAssertEqual(decoded.pagination.pages, 1)
        XCTAssertEqual(decoded.listings.map(\.release.id), [2])
        let huge = #"{"pagination": {"page": 1, "pages": 3000000000}, "listings": []}"#
        XCTAssertEqual(try DiscogsDecoding.decode(DiscogsInventoryPage.self, from: Data(huge.utf8)).pagination.pages, 1)
    }

    func testDeepNestingIsRefusedWithItsPath() throws {
        let depth = 100_000
        let nested = #"{"id": 1, "title": "T", "notes": "# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        let error = try XCTUnwrap(decodingError(DiscogsRelease.self, nested))
        XCTAssertTrue(error.message.contains("nested deeper than \(DiscogsDocumentLimits.maxNestingDepth) levels"), "\(error)")
        XCTAssertTrue(error.path.hasPrefix("$.notes[0]"), "\(error)")
        // Brackets inside strings are text, not nesting.
        let text = String(repeating: "[", count: 1000)
        XCTAssertEqual(try DiscogsDecoding.decode(DiscogsRelease.self, from: Data(#"{"id": 1, "title": "\#(text)"}"#.utf8)).title, text)
    }

    func testInvalidUTF8IsRefusedWithItsPath() throws {
        var data = Data(#"{"id": 1, "title": "ok", "tracklist": [{"title": "bad "#.utf8)
        data.append(contentsOf: [0xC3, 0x28])  // a lead byte followed by a byte that cannot continue it
        data.append(contentsOf: Data(#""}]}"#.utf8))
        let error = try XCTUnwrap(decodingError(DiscogsRelease.self, data))
        XCTAssertEqual(error.path, "$.tracklist[0].title")
        XCTAssertTrue(error.message.contains("invalid UTF-8"), "\(error)")
        let overlong = Data([0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D])  // {"<overlong '/'>":1}
        XCTAssertTrue(try XCTUnwrap(decodingError(DiscogsRelease.self, overlong)).message.contains("invalid UTF-8"))
    }

    func testADocumentOverTheSizeLimitIsRefusedBeforeDecoding() throws {
        var data = Data(#"{"id": 1, "title": ""#.utf8)
        data.append(Data(repeating: UInt8(ascii: "a"), count: DiscogsDocumentLimits.maxDocumentBytes))
        data.append(Data(#""}"#.utf8))
        let error = try XCTUnwrap(decodingError(DiscogsRelease.self, data))
        XCTAssertEqual(error.path, "$")
        XCTAssertTrue(error.message.contains("over the limit of 16 MiB"), "\(error)")

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("oversized-\(UUID().uuidString).json")
        XCTAssertTrue(FileManager.default.createFile(atPath: file.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: file) }
        let handle = try FileHandle(forWritingTo: file)
        try handle.truncate(atOffset: UInt64(DiscogsDocumentLimits.maxDocumentBytes) + 1)  // sparse: nothing is written
        try handle.close()
        XCTAssertThrowsError(try DiscogsDecoding.decode(DiscogsRelease.self, contentsOf: file)) {
            let error = $0 as! DiscogsDecodingError
            XCTAssertTrue(error.message.contains("over the limit of 16 MiB"), "\(error)")
            XCTAssertTrue(error.message.contains(file.lastPathComponent), "\(error)")
        }
    }
}

extension BadInputDecodingTests {
    /// Hostile values in every numeric and text field the models read: each document decodes or is refused with a
    /// path, and the process never traps.
    func testHostileValuesDecodeOrAreRefusedWithAPath() {
        let values = ["1e400", "-1e400", "1e-400", "-0", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                      "18446744073709551616", "\"NaN\"", "\"inf\"", "\"-9223372036854775809\"", "\"+\"", "\"-\"", "\"\"",
                      "\"\\ud800\"", "\"\\udfff\\ud800\"", "true", "null", "[]", "{}", "[[[[[[1]]]]]]", "0.5", "-1"]
        var outcomes: [String: Int] = [:]
        for value in values {
            let documents: [(String, (Data) throws -> Void)] = [
                ("""
                 {"id": \(value), "title": \(value), "year": \(value), "artists": [{"name": \(value), "id": \(value)}],
                  "tracklist": [{"title": \(value), "duration": \(value), "sub_tracks": [{"title": \(value)}]}],
                  "videos": [{"uri": "https://youtu.be/x", "duration": \(value)}], "images": [{"width": \(value)}]}
                 """, { _ = try DiscogsDecoding.decode(DiscogsRelease.self, from: $0) }),
                ("""
                 {"pagination": {"page": \(value), "pages": \(value), "per_page": \(value), "items": \(value)},
                  "listings": [{"id": \(value), "price": {"value": \(value)}, "release": {"id": \(value), "year": \(value)}}]}
                 """, { _ = try DiscogsDecoding.decode(DiscogsInventoryPage.self, from: $0) }),
            ]
            for (text, decode) in documents {
                do {
                    try decode(Data(text.utf8))
                    outcomes["decoded", default: 0] += 1
                } catch let error as DiscogsDecodingError {
                    XCTAssertTrue(error.path.hasPrefix("$"), "\(value): \(error)")
                    outcomes["refused", default: 0] += 1
                } catch {
                    XCTFail("\(value): not a DiscogsDecodingError: \(error)")
                }
            }
        }
        XCTAssertEqual(outcomes.values.reduce(0, +), values.count * 2)
        XCTAssertGreaterThan(outcomes["decoded"] ?? 0, 0)
        XCTAssertGreaterThan(outcomes["refused"] ?? 0, 0)
    }
}
