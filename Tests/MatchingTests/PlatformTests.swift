import XCTest
@testable import Matching

final class PlatformTests: XCTestCase {
    func testPlatformFromHost() {
        XCTAssertEqual(Platform.infer(fromURL: "https://www.youtube.com/watch?v=dQw4w9WgXcQ"), .youtube)
        XCTAssertEqual(Platform.infer(fromURL: "http://youtube.com/watch?v=dQw4w9WgXcQ"), .youtube)
        XCTAssertEqual(Platform.infer(fromURL: "https://youtu.be/dQw4w9WgXcQ"), .youtube)
        XCTAssertEqual(Platform.infer(fromURL: "https://m.youtube.com/watch?v=dQw4w9WgXcQ"), .youtube)
        XCTAssertEqual(Platform.infer(fromURL: "https://music.youtube.com/watch?v=dQw4w9WgXcQ"), .youtube)
        XCTAssertEqual(Platform.infer(fromURL: "HTTPS://WWW.YOUTUBE.COM/watch?v=x"), .youtube)
        XCTAssertEqual(Platform.infer(fromURL: "https://soundcloud.com/artist/track"), .soundcloud)
        XCTAssertEqual(Platform.infer(fromURL: "https://www.soundcloud.com/artist/track"), .soundcloud)
        XCTAssertNil(Platform.infer(fromURL: "https://vimeo.com/123"))
        XCTAssertNil(Platform.infer(fromURL: "https://youtube.com.evil.example/watch?v=x"))
        XCTAssertNil(Platform.infer(fromURL: "https://notyoutube.com/watch?v=x"))
        XCTAssertNil(Platform.infer(fromURL: "ftp://youtube.com/watch?v=x"))
        XCTAssertNil(Platform.infer(fromURL: "javascript:alert(1)"))
        XCTAssertNil(Platform.infer(fromURL: "youtube.com/watch?v=x"))
        XCTAssertNil(Platform.infer(fromURL: ""))
        XCTAssertEqual(Platform.youtube.rawValue, "youtube")
        XCTAssertEqual(Platform.soundcloud.rawValue, "soundcloud")
    }

    func testYouTubeCanonicalForm() {
        let canonical = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
        for form in [
            "http://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtu.be/dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=youtu.be",
            "https://www.youtube.com/watch?feature=player_embedded&v=dQw4w9WgXcQ",
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ", "https://music.youtube.com/watch?v=dQw4w9WgXcQ&list=RD",
            "https://www.youtube.com/embed/dQw4w9WgXcQ", " https://youtu.be/dQw4w9WgXcQ?t=42 ",
        ] {
            XCTAssertEqual(MatchURL.canonicalYouTube(form), canonical, form)
        }
        XCTAssertNil(MatchURL.canonicalYouTube("https://soundcloud.com/a/b"))
        XCTAssertNil(MatchURL.canonicalYouTube("https://www.youtube.com/watch"))
        XCTAssertNil(MatchURL.canonicalYouTube("https://www.youtube.com/watch?v=<script>"))
        XCTAssertTrue(MatchURL.same("http://www.youtube.com/watch?v=n46f_3EbFTg", "https://youtu.be/n46f_3EbFTg"))
        XCTAssertFalse(MatchURL.same("https://youtu.be/aaaaaaaaaaa", "https://youtu.be/bbbbbbbbbbb"))
        XCTAssertTrue(MatchURL.same("http://SoundCloud.com/a/b", "https://soundcloud.com/a/b"))
    }
}
