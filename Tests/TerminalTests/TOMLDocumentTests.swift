import XCTest
@testable import Terminal

final class TOMLDocumentTests: XCTestCase {
    private struct NotATable: Error {}

    private func table(_ value: TOMLDocument.Value?, file: StaticString = #filePath, line: UInt = #line) throws
        -> TOMLDocument.Table {
        guard case .table(let table)? = value else {
            XCTFail("not a table: \(String(describing: value))", file: file, line: line)
            throw NotATable()
        }
        return table
    }

    func testValuesKeysInFileOrderAndTheirLines() throws {
        let document = try TOMLDocument(parsing: #"""
            # comment
            top = "level"   # trailing comment
            [a.b]
            s = "quote \" and \u00e9"
            l = 'C:\raw'
            n = 1_000
            f = 0.5
            t = true
            arr = ["x", 'y',
                   "z", # comment inside
            ]
            empty = []
            mixed = [1, "x"]
            zz = """
            [not.a.table]
            not_a_key = 1
            """
            after = 2
            """#)
        XCTAssertEqual(document.root.entries.map(\.key), ["top", "a"])
        XCTAssertEqual(document.root.entries.map(\.line), [2, 3])
        let b = try table(try table(document.root["a"]?.value)["b"]?.value)
        XCTAssertEqual(b.line, 3)
        XCTAssertEqual(b.entries.map(\.key), ["s", "l", "n", "f", "t", "arr", "empty", "mixed", "zz", "after"],
                       "keys keep the order they are written in (TOMLKit's table is sorted)")
        XCTAssertEqual(b.entries.map(\.line), [4, 5, 6, 7, 8, 9, 12, 13, 14, 18])
        XCTAssertEqual(b["s"]?.value, .string("quote \" and é"))
        XCTAssertEqual(b["l"]?.value, .string("C:\\raw"))
        XCTAssertEqual(b["n"]?.value, .integer(1000))
        XCTAssertEqual(b["f"]?.value, .float(0.5))
        XCTAssertEqual(b["t"]?.value, .boolean(true))
        XCTAssertEqual(b["arr"]?.value.stringsValue, ["x", "y", "z"])
        XCTAssertEqual(b["empty"]?.value.stringsValue, [])
        XCTAssertNil(b["mixed"]?.value.stringsValue)
        XCTAssertEqual(b["mixed"]?.value.typeName, "an array holding an integer")
        XCTAssertEqual(b["zz"]?.value, .string("[not.a.table]\nnot_a_key = 1\n"))
        XCTAssertEqual(document.unlocatedKeys, [])
    }

    func testLinesOfQuotedDottedInlineAndArrayTables() throws {
        let document = try TOMLDocument(parsing: #"""
            [keys]
            "quoted \u0041" = "a"
            'literal.dot' = "b"
            inline = { x = 1, y = 2 }
            dotted . deeper = "c"

            [[item]]
            name = "one"
            [[item]]

            name = "two"
            [confidence.low]
            fg = 1
            [confidence]
            fg = 2
            """#)
        let keys = try table(document.root["keys"]?.value)
        XCTAssertEqual(keys.entries.map(\.key), ["quoted A", "literal.dot", "inline", "dotted"])
        XCTAssertEqual(keys.entries.map(\.line), [2, 3, 4, 5])
        XCTAssertEqual(try table(keys["inline"]?.value).entries.map(\.line), [4, 4], "inside an inline table: its line")
        XCTAssertEqual(try table(keys["dotted"]?.value)["deeper"]?.line, 5)
        guard case .array(let items)? = document.root["item"]?.value else { return XCTFail("no [[item]]") }
        XCTAssertEqual(try items.map { try table($0).line }, [7, 9])
        XCTAssertEqual(try items.map { try table($0)["name"]?.line }, [8, 11])
        let confidence = try table(document.root["confidence"]?.value)
        XCTAssertEqual(confidence.line, 14, "a table's own header, not the first sub-table's")
        XCTAssertEqual(confidence.entries.map(\.key), ["low", "fg"])
        XCTAssertEqual(confidence.entries.map(\.line), [12, 15])
        XCTAssertEqual(document.unlocatedKeys, [], "keys inside the inline table are not looked for")
    }

    func testCRLFLineEndingsReadLikeLF() throws {
        let text = "# theme\n[title]\nfg = 75\nattrs = [\n  \"bold\",\n]\n\n[text.dim]\nbg = \"default\"\n"
        let unix = try TOMLDocument(parsing: text)
        let windows = try TOMLDocument(parsing: text.replacingOccurrences(of: "\n", with: "\r\n"))
        XCTAssertEqual(windows.root, unix.root)
        XCTAssertEqual(try table(windows.root["text"]?.value).line, 8)
        XCTAssertEqual(try table(windows.root["title"]?.value)["attrs"]?.line, 4)
        XCTAssertThrowsError(try TOMLDocument(parsing: "[title]\r\nfg = 1\r\nfg = 2\r\n")) { error in
            XCTAssertEqual((error as? TOMLDocument.ParseError)?.line, 3)
        }
    }

    func testSyntaxErrorsCarryTOMLKitsLine() {
        let cases: [(String, Int)] = [
            ("a = 1\na = 2", 2),
            ("x", 1),
            ("a = \"x\" y", 1),
            ("a = \"\\q\"", 1),
            ("[a..b]", 1),
            ("\n\na = nope", 3),
            ("[title]\nfg = \"red", 2),
            ("\n\n[title\n", 3),
            ("[title]\nfg = \"red\"\n[title]", 3),
            ("a = 1\n\n\nb = 2\u{0}", 4),
        ]
        for (text, line) in cases {
            XCTAssertThrowsError(try TOMLDocument(parsing: text), text) { error in
                let parseError = error as? TOMLDocument.ParseError
                XCTAssertEqual(parseError?.line, line, "\(text.debugDescription): \(String(describing: parseError))")
                XCTAssertFalse(parseError?.message.isEmpty ?? true)
            }
        }
    }

    /// toml++ 3.4.0 fails a debug assertion (a crash) on these instead of throwing; TOMLDocument throws first.
    func testShapesThatTrapTOMLKitAreParseErrors() {
        let cases: [(String, Int)] = [
            ("[[[1]]]", 1), ("[]", 1), ("[ ]\n", 1), ("[=", 1), ("[[]]", 1), ("a = 1\n\n[[ ]]\nb = 2", 3),
            ("a = [}", 1), ("a = [ {}, } ]", 1), ("a = [\n  \"x\",\n}]", 3), ("a = [[1], [}]]", 1),
        ]
        for (text, line) in cases {
            XCTAssertThrowsError(try TOMLDocument(parsing: text), text) { error in
                XCTAssertEqual((error as? TOMLDocument.ParseError)?.line, line, text.debugDescription)
            }
        }
        // A brace inside an inline table, a string or a comment is no trap.
        XCTAssertNoThrow(try TOMLDocument(parsing: "a = [{ b = 1 }, \"}\", '[}' ] # [}\n[\"[]\"]\n"))
    }

    func testMessagesAndKeysFromTheFileAreSanitizedWhereShown() {
        XCTAssertThrowsError(try TOMLDocument(parsing: "\u{1B}[31m = 1")) { error in
            XCTAssertFalse((error as? TOMLDocument.ParseError)?.message.contains("\u{1B}") ?? true)
        }
    }
}
