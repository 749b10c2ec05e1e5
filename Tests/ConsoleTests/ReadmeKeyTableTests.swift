import Console
import Foundation
import XCTest

/// The README's key table is generated from the keymap; this keeps the two from drifting apart.
final class ReadmeKeyTableTests: XCTestCase {
    func testReadmeKeyTableIsTheGeneratedOne() throws {
        var dir = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        var readme: String?
        while dir.path != "/" && readme == nil {
            dir.deleteLastPathComponent()
            readme = try? String(contentsOf: dir.appendingPathComponent("README.md"), encoding: .utf8)
        }
        let text = try XCTUnwrap(readme, "README.md not found above the tests")
        let begin = try XCTUnwrap(text.range(of: "<!-- keys:begin -->\n"))
        let end = try XCTUnwrap(text.range(of: "<!-- keys:end -->"))
        XCTAssertEqual(String(text[begin.upperBound..<end.lowerBound]), HelpContent.markdownKeyTable(),
                       "regenerate the README's table with `rotation keys --defaults --markdown`")
    }
}
