import XCTest
@testable import Console

final class ReplacementURLCheckTests: XCTestCase {
    func testPlatformsAreInferredFromTheHost() {
        XCTAssertEqual(ReplacementURLCheck.validate("https://www.youtube.com/watch?v=abc"),
                       .valid(url: "https://www.youtube.com/watch?v=abc", platform: .youtube))
        XCTAssertEqual(ReplacementURLCheck.validate(" https://youtu.be/abc "), .valid(url: "https://youtu.be/abc", platform: .youtube))
        XCTAssertEqual(ReplacementURLCheck.validate("http://m.soundcloud.com/a/b"),
                       .valid(url: "http://m.soundcloud.com/a/b", platform: .soundcloud))
    }

    func testEverythingElseIsRefusedWithAReason() {
        for bad in ["", "javascript:alert(1)", "file:///etc/passwd", "ftp://youtube.com/x", "https://vimeo.com/1",
                    "https://evilyoutube.com/watch?v=1", "https://youtube.com/", "https://you tube.com/x",
                    "https://youtube.com/watch?v=1\u{1B}[2J", "youtube.com/watch?v=1"] {
            guard case .invalid(let reason) = ReplacementURLCheck.validate(bad) else { return XCTFail("accepted \(bad)") }
            XCTAssertFalse(reason.isEmpty)
        }
    }
}
