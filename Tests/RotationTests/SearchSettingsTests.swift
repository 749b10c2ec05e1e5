import Foundation
import Rotation
import XCTest

/// The search settings' one reader (`SearchEnvironment`): each provider reads only its own variables and the shared
/// cache TTL, so a wrong setting of one provider never stops the other; errors name the variable, never a value.
/// No server needed.
final class SearchSettingsTests: XCTestCase {
    static let youTubeKey = "AIzaSettingsKey-never-printed-9c1d"
    static let soundCloudSecret = "sc-settings-secret-never-printed-70b2"
    static let both = [
        "YOUTUBE_API_KEY": youTubeKey,
        "SOUNDCLOUD_CLIENT_ID": "rotation-settings", "SOUNDCLOUD_CLIENT_SECRET": soundCloudSecret,
    ]

    private func environment(_ extra: [String: String]) -> [String: String] {
        Self.both.merging(extra) { _, new in new }
    }

    func testAWrongYouTubeSettingLeavesSoundCloudWorking() throws {
        for (name, value) in [("YOUTUBE_API_URL", "ftp://user:pw-in-url-31@example.com"), ("YOUTUBE_API_URL", "not a url"),
                              ("YOUTUBE_DAILY_QUOTA", "lots"), ("YOUTUBE_DAILY_QUOTA", "-5")] {
            let env = environment([name: value])
            XCTAssertThrowsError(try YouTubeSearchConfiguration(environment: env), "\(name)=\(value)") { error in
                XCTAssertEqual((error as? YouTubeSearchError)?.kind, .notConfigured)
                XCTAssertTrue("\(error)".contains(name), "\(error)")
                XCTAssertFalse("\(error)".contains(value) || "\(error)".contains(Self.youTubeKey), "\(error)")
            }
            let soundCloud = try SoundCloudSearchConfiguration(environment: env)
            XCTAssertEqual(soundCloud.apiURL, SoundCloudSearchConfiguration.defaultAPIURL)
            let worker = WorkerConfiguration(settings: RotationSettings(environment: env), environment: env)
            XCTAssertNil(worker.search, "YouTube off: \(name)=\(value)")
            XCTAssertNotNil(worker.soundCloudSearch, "SoundCloud still on: \(name)=\(value)")
        }
    }

    func testAWrongSoundCloudSettingLeavesYouTubeWorking() throws {
        for name in ["SOUNDCLOUD_API_URL", "SOUNDCLOUD_AUTH_URL"] {
            let value = "gopher://someone:pw-in-url-77@example.com"
            let env = environment([name: value])
            XCTAssertThrowsError(try SoundCloudSearchConfiguration(environment: env), name) { error in
                XCTAssertEqual((error as? SoundCloudSearchError)?.kind, .notConfigured)
                XCTAssertTrue("\(error)".contains(name), "\(error)")
                XCTAssertFalse("\(error)".contains("pw-in-url-77") || "\(error)".contains(Self.soundCloudSecret), "\(error)")
            }
            let youTube = try YouTubeSearchConfiguration(environment: env)
            XCTAssertEqual(youTube.baseURL, YouTubeSearchConfiguration.defaultBaseURL)
            XCTAssertEqual(youTube.dailyQuota, 10_000)
            let worker = WorkerConfiguration(settings: RotationSettings(environment: env), environment: env)
            XCTAssertNotNil(worker.search, "YouTube still on: \(name)")
            XCTAssertNil(worker.soundCloudSearch, "SoundCloud off: \(name)")
        }
    }

    func testBothProvidersShareTheCacheTTLAndItsCheck() throws {
        let two = environment([SearchEnvironment.cacheDaysVariable: " 2 "])
        XCTAssertEqual(try YouTubeSearchConfiguration(environment: two).cacheTTLSeconds, 2 * 86_400)
        XCTAssertEqual(try SoundCloudSearchConfiguration(environment: two).cacheTTLSeconds, 2 * 86_400)
        XCTAssertEqual(try SoundCloudSearchConfiguration(environment: Self.both).cacheTTLSeconds, 30 * 86_400)
        let wrong = environment([SearchEnvironment.cacheDaysVariable: "forever"])
        XCTAssertThrowsError(try YouTubeSearchConfiguration(environment: wrong)) {
            XCTAssertTrue("\($0)".contains("YOUTUBE_SEARCH_CACHE_DAYS"), "\($0)")
        }
        XCTAssertThrowsError(try SoundCloudSearchConfiguration(environment: wrong)) {
            XCTAssertTrue("\($0)".contains("YOUTUBE_SEARCH_CACHE_DAYS"), "\($0)")
        }
    }

    func testTheReaderTrimsAndFallsBack() throws {
        let settings = SearchEnvironment(["A": "  ", "U": " https://example.com/x ", "N": "7", "H": "HTTPS://Example.com"])
        XCTAssertNil(settings.value("A"), "blank is unset")
        let fallback = URL(string: "https://fallback.example")!
        XCTAssertEqual(try settings.url("A", default: fallback), fallback)
        XCTAssertEqual(try settings.url("U", default: fallback).absoluteString, "https://example.com/x")
        XCTAssertEqual(try settings.url("H", default: fallback).host, "Example.com")
        XCTAssertEqual(try settings.wholeNumber("N", of: "units", default: 1), 7)
        XCTAssertEqual(try settings.wholeNumber("missing", of: "units", default: 1), 1)
        XCTAssertThrowsError(try settings.url("N", default: fallback)) {
            XCTAssertEqual($0 as? SearchSettingError, SearchSettingError(variable: "N", requirement: "is not an http(s) URL"))
        }
    }
}
