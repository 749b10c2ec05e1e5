import XCTest
@testable import Terminal

final class TOMLSubsetTests: XCTestCase {
    func testParsesTheSubset() throws {
        let document = try TOMLSubset(parsing: """
            # comment
            top = "level"   # trailing comment
            [a.b]
            s = "quote \\" and \\u00e9"
            l = 'C:\\raw'
            n = 1_000
            f = 0.5
            t = true
            arr = ["x", 'y',
                   "z", # comment inside
            ]
            empty = []
            """)
        XCTAssertEqual(document.tables.map(\.name), ["", "a.b"])
        XCTAssertEqual(document.tables[0].entries, [.init(key: "top", value: .string("level"), line: 2)])
        let values = Dictionary(uniqueKeysWithValues: document.tables[1].entries.map { ($0.key, $0.value) })
        XCTAssertEqual(values["s"], .string("quote \" and é"))
        XCTAssertEqual(values["l"], .string("C:\\raw"))
        XCTAssertEqual(values["n"], .integer(1000))
        XCTAssertEqual(values["f"], .float(0.5))
        XCTAssertEqual(values["t"], .boolean(true))
        XCTAssertEqual(values["arr"], .strings(["x", "y", "z"]))
        XCTAssertEqual(values["empty"], .strings([]))
        XCTAssertEqual(document.tables[1].entries.last?.line, 12)
    }

    func testErrorsCarryLines() {
        let cases: [(String, Int, String)] = [
            ("a = 1\na = 2", 2, "key \"a\" defined twice"),
            ("x", 1, "expected key = value"),
            ("a = [1, 2]", 1, "arrays may only hold strings"),
            ("a = \"x\" y", 1, "unexpected text after value"),
            ("a = \"\\q\"", 1, "invalid escape \\q"),
            ("[a..b]", 1, "invalid table name \"a..b\""),
            ("\n\na = nope", 3, "invalid value \"nope\""),
        ]
        for (text, line, message) in cases {
            XCTAssertThrowsError(try TOMLSubset(parsing: text), text) { error in
                XCTAssertEqual(error as? TOMLSubset.ParseError, TOMLSubset.ParseError(line: line, message: message))
            }
        }
    }
}
