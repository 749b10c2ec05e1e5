import XCTest
@testable import Matching

final class RecordingURLTests: XCTestCase {
    func testPlatformsAreInferredFromTheHost() {
        XCTAssertEqual(RecordingURL.validate("https://www.youtube.com/watch?v=abc"),
                       .valid(url: "https://www.youtube.com/watch?v=abc", platform: .youtube))
        XCTAssertEqual(RecordingURL.validate(" https://youtu.be/abc "), .valid(url: "https://youtu.be/abc", platform: .youtube))
        XCTAssertEqual(RecordingURL.validate("http://m.soundcloud.com/a/b"),
                       .valid(url: "http://m.soundcloud.com/a/b", platform: .soundcloud))
    }

    func testEverythingElseIsRefusedWithAReason() {
        for bad in ["", "javascript:alert(1)", "file:///etc/passwd", "ftp://youtube.com/x", "https://vimeo.com/1",
                    "https://evilyoutube.com/watch?v=1", "https://youtube.com/", "https://you tube.com/x",
                    "https://youtube.com/watch?v=1\u{1B}[2J", "youtube.com/watch?v=1"] {
            guard case .invalid(let reason) = RecordingURL.validate(bad) else { return XCTFail("accepted \(bad)") }
            XCTAssertFalse(reason.isEmpty)
        }
    }

    func testTheHostRuleIsTheWebAppsAndTheSameForInferenceAndValidation() {
        for (url, platform) in [("https://music.youtube.com/watch?v=abc", Platform.youtube),
                                ("https://www.youtu.be/abc", .youtube), ("https://on.soundcloud.com/abc", .soundcloud),
                                ("https://WWW.YouTube.com./watch?v=abc", .youtube)] {
            XCTAssertEqual(Platform.infer(fromURL: url), platform, url)
            guard case .valid(_, let validated) = RecordingURL.validate(url) else { return XCTFail("refused \(url)") }
            XCTAssertEqual(validated, platform, url)
        }
        // Hosts the web app does not play, and look-alikes.
        for url in ["https://www.youtube-nocookie.com/embed/abc", "https://snd.sc/abc", "https://youtube.com.evil.example/v",
                    "https://evilsoundcloud.com/a/b"] {
            XCTAssertNil(Platform.infer(fromURL: url), url)
            guard case .invalid(let reason) = RecordingURL.validate(url) else { return XCTFail("accepted \(url)") }
            XCTAssertTrue(reason.contains("neither YouTube nor SoundCloud"), reason)
        }
    }

    func testTheStoredURLIsTheTrimmedTextAndABareSiteIsNotARecording() {
        XCTAssertEqual(RecordingURL.validate("\thttps://soundcloud.com/a/b\n"),
                       .valid(url: "https://soundcloud.com/a/b", platform: .soundcloud))
        XCTAssertEqual(RecordingURL.validate("https://youtube.com/?v=abc"), .valid(url: "https://youtube.com/?v=abc", platform: .youtube))
        XCTAssertEqual(RecordingURL.validate("https://soundcloud.com"),
                       .invalid("the URL points at soundcloud.com itself, not a recording"))
        XCTAssertEqual(RecordingURL.validate("ftp://youtube.com/x"), .invalid("only http(s) URLs are accepted, not ftp:"))
    }
}
