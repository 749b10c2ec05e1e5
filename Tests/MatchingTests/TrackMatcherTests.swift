import Foundation
import XCTest
@testable import Matching

final class TrackMatcherTests: XCTestCase {
    let matcher = TrackMatcher()
    let policy = MatchPolicy()

    func yt(_ n: Int) -> String { "https://www.youtube.com/watch?v=vid\(String(format: "%08d", n))" }

    func video(_ n: Int, _ title: String, _ seconds: Int?, description: String = "") -> DiscogsVideo {
        DiscogsVideo(uri: yt(n), title: title, duration: seconds, description: description)
    }

    func decide(_ result: ReleaseMatchResult, _ index: Int) -> MatchDecision {
        policy.decide(result.track(at: index)?.candidates ?? [])
    }

    // MARK: - Tricky cases

    func testSameSongInTwoMixes() {
        let release = DiscogsRelease(
            id: 1, title: "Night Drive", artists: [DiscogsArtistCredit(name: "Solar Unit")],
            tracklist: [
                DiscogsTrack(position: "A", title: "Night Drive (Original Mix)", duration: "6:02"),
                DiscogsTrack(position: "B", title: "Night Drive (Dub Mix)", duration: "6:40"),
            ],
            videos: [
                video(1, "Solar Unit - Night Drive (Dub Mix)", 401),
                video(2, "Solar Unit - Night Drive (Original Mix)", 363),
                video(3, "Solar Unit - Night Drive (Radio Edit)", 211),
                video(4, "Solar Unit - Night Drive (Live at Fabric)", 380),
            ])
        let result = matcher.match(release)
        XCTAssertEqual(decide(result, 0), .autoApproved(result.track(at: 0)!.candidates[0]))
        XCTAssertEqual(result.track(at: 0)?.best?.url, yt(2))
        XCTAssertEqual(result.track(at: 1)?.best?.url, yt(1))
        XCTAssertTrue(decide(result, 1).isAutoApproved)
        // The other mixes are never stored for either track.
        for index in [0, 1] {
            for candidate in result.track(at: index)!.candidates where [yt(3), yt(4)].contains(candidate.url) {
                XCTAssertLessThan(candidate.confidence, policy.storeThreshold, "\(index) \(candidate.videoTitle)")
            }
        }
        let dubOnA = result.track(at: 0)!.candidates.first { $0.url == yt(1) }!
        XCTAssertLessThan(dubOnA.confidence, policy.storeThreshold)
        XCTAssertNotNil(dubOnA.evidence.signal("different_version") ?? dubOnA.evidence.signal("different_mix"))
    }

    func testFullAlbumUploadMatchesNoTrack() {
        let description = "Tracklist:\n0:00 Opening\n4:12 Second Song\n8:30 Third Song\n12:01 Closing Time\n"
        let release = DiscogsRelease(
            id: 2, title: "Long Player", artists: [DiscogsArtistCredit(name: "The Examples")],
            tracklist: [
                DiscogsTrack(position: "A1", title: "Opening", duration: "4:12"),
                DiscogsTrack(position: "A2", title: "Second Song", duration: "4:18"),
                DiscogsTrack(position: "B1", title: "Third Song", duration: "3:31"),
                DiscogsTrack(position: "B2", title: "Closing Time", duration: "5:00"),
            ],
            videos: [
                video(1, "The Examples - Long Player (Full Album) 1979", 1021, description: description),
                video(2, "The Examples – Long Player [Full LP]", 1021),
                video(3, "The Examples - Long Player", 0, description: description),
            ])
        let result = matcher.match(release)
        for track in result.tracks {
            XCTAssertEqual(policy.decide(track.candidates), .unmatched, track.title)
        }
        let evidence = result.tracks[0].candidates.first { $0.url == yt(1) }!.evidence
        XCTAssertNotNil(evidence.signal("full_album") ?? evidence.signal("names_release"))
    }

    func testCompilationUsesPerTrackArtists() {
        let release = DiscogsRelease(
            id: 3, title: "Floor Fillers", artists: [DiscogsArtistCredit(name: "Various")],
            tracklist: [
                DiscogsTrack(position: "1", title: "Intro", duration: "3:00", artists: [DiscogsArtistCredit(name: "DJ Alpha")]),
                DiscogsTrack(position: "2", title: "Intro", duration: "3:05", artists: [DiscogsArtistCredit(name: "Beta Crew (2)")]),
                DiscogsTrack(position: "3", title: "Moonlight", duration: "4:00", artists: [DiscogsArtistCredit(name: "Gamma")]),
            ],
            videos: [
                video(1, "Beta Crew - Intro", 184),
                video(2, "Gamma - Moonlight", 241),
                video(3, "Various Artists - Floor Fillers megamix", 3600),
            ])
        let result = matcher.match(release)
        XCTAssertEqual(result.track(at: 1)?.best?.url, yt(1))
        XCTAssertTrue(decide(result, 1).isAutoApproved)
        XCTAssertNil(decide(result, 0).storedCandidate, "DJ Alpha's Intro is not Beta Crew's")
        XCTAssertTrue(decide(result, 2).isAutoApproved)
        XCTAssertEqual(decide(result, 2).storedCandidate?.url, yt(2))
        XCTAssertEqual(result.track(at: 1)?.best?.evidence.signal("artist")?.value, 1)
    }

    func testMissingDurationsStillMatchCleanTitles() {
        let release = DiscogsRelease(
            id: 4, title: "Soundtrack", artists: [DiscogsArtistCredit(name: "Piero Example")],
            tracklist: [
                DiscogsTrack(position: "A1", title: "Tema Uno"),
                DiscogsTrack(position: "A2", title: "Tema Due"),
            ],
            videos: [video(1, "Piero Example - Tema Uno", nil), video(2, "Piero Exampel - tema due", nil)])
        let result = matcher.match(release)
        XCTAssertTrue(decide(result, 0).isAutoApproved)
        XCTAssertTrue(decide(result, 1).isAutoApproved)
        XCTAssertEqual(decide(result, 1).storedCandidate?.url, yt(2))
        let duration = result.track(at: 0)!.best!.evidence.signal("duration")!
        XCTAssertEqual(duration.detail, "length unknown")
        XCTAssertEqual(duration.value, 0.5)
    }

    func testDuplicateTitlesWithoutDurationsAreNotAutoApproved() {
        let release = DiscogsRelease(
            id: 5, title: "Themes", artists: [DiscogsArtistCredit(name: "Composer")],
            tracklist: [
                DiscogsTrack(position: "A1", title: "Main Theme"),
                DiscogsTrack(position: "B1", title: "Main Theme"),
            ],
            videos: [video(1, "Composer - Main Theme", 200)])
        let result = matcher.match(release)
        XCTAssertFalse(decide(result, 0).isAutoApproved)
        XCTAssertNil(decide(result, 1).storedCandidate, "a video is assigned to one track at most")
    }

    func testNonLatinTitles() {
        let release = DiscogsRelease(
            id: 6, title: "Mixed Scripts", artists: [DiscogsArtistCredit(name: "Various")],
            tracklist: [
                DiscogsTrack(position: "1", title: "バグズ・ナイト", duration: "4:52", artists: [DiscogsArtistCredit(name: "紅梔子")]),
                DiscogsTrack(position: "2", title: "Группа крови", duration: "4:45", artists: [DiscogsArtistCredit(name: "Кино")]),
                DiscogsTrack(position: "3", title: "Звезда по имени Солнце", duration: "3:45", artists: [DiscogsArtistCredit(name: "Кино")]),
            ],
            videos: [
                video(1, "紅梔子 - バグズナイト【Eurobeat】", 293),
                video(2, "КИНО — Группа Крови", 287),
            ])
        let result = matcher.match(release)
        XCTAssertEqual(decide(result, 0).storedCandidate?.url, yt(1))
        XCTAssertTrue(decide(result, 1).isAutoApproved)
        XCTAssertEqual(decide(result, 1).storedCandidate?.url, yt(2))
        XCTAssertNil(decide(result, 2).storedCandidate)
    }

    func testHostileTextIsScoredSafely() throws {
        let hostile = "\u{1B}[2J\u{1B}[H\u{202E}evil\u{0007}" + String(repeating: "A", count: 20_000) + "\u{0000}"
        let release = DiscogsRelease(
            id: 7, title: hostile, artists: [DiscogsArtistCredit(name: hostile, join: hostile)],
            tracklist: [
                DiscogsTrack(position: hostile, title: hostile, duration: hostile),
                DiscogsTrack(position: "", title: "", duration: "99:99:99"),
                DiscogsTrack(type: .heading, title: hostile),
            ],
            videos: [
                DiscogsVideo(uri: "javascript:alert(1)", title: hostile, duration: -5, description: hostile),
                DiscogsVideo(uri: yt(1), title: "((((((]]]]] - - - | | /// 【】", duration: Int.max / 2,
                             description: String(repeating: "1:00 ", count: 10_000)),
                DiscogsVideo(uri: yt(2), title: "", duration: 0),
            ])
        let result = matcher.match(release)
        XCTAssertEqual(result.tracks.map(\.trackIndex), [0, 1])
        for track in result.tracks {
            XCTAssertEqual(track.candidates.count, 3)
            for candidate in track.candidates {
                XCTAssertTrue((0...1).contains(candidate.confidence))
                XCTAssertFalse(candidate.confidence.isNaN)
            }
        }
        XCTAssertNil(result.tracks[0].candidates.first { $0.url.hasPrefix("javascript") }?.platform)
        // Evidence is JSON for the database whatever went in.
        let data = try JSONEncoder().encode(result)
        XCTAssertNoThrow(try JSONDecoder().decode(ReleaseMatchResult.self, from: data))
    }

    // MARK: - Properties

    func testDeterministicAndOrderIndependent() throws {
        let release = try Fixtures.release(249504)
        let first = matcher.match(release)
        XCTAssertEqual(matcher.match(release), first)
        var shuffled = release
        shuffled.videos.reverse()
        XCTAssertEqual(matcher.match(shuffled), first)
    }

    func testEvidenceExplainsTheConfidence() throws {
        for id in [1, 249504, 1018055, 1823781] {
            for track in matcher.match(try Fixtures.release(id)).tracks {
                for candidate in track.candidates {
                    let names = candidate.evidence.signals.map(\.name)
                    XCTAssertEqual(Array(names.prefix(3)), ["title", "artist", "duration"])
                    XCTAssertEqual(names.last, "exclusivity")
                    let sum = candidate.evidence.signals.map(\.contribution).reduce(0, +)
                    XCTAssertEqual(sum, candidate.confidence, accuracy: 0.002, "\(id) \(track.title) \(candidate.videoTitle)")
                    XCTAssertEqual(candidate.platform, .youtube)
                }
            }
        }
    }

    func testFixtureBehaviours() throws {
        // Live and TV versions of a track are not stored for it (The Fall, "Solicitor In Studio").
        let fall = matcher.match(try Fixtures.release(1018055))
        XCTAssertNil(policy.decide(fall.track(at: 6)!.candidates).storedCandidate)
        XCTAssertNil(policy.decide(fall.track(at: 12)!.candidates).storedCandidate)
        // The same title twice: the video goes to one entry only.
        XCTAssertNil(policy.decide(fall.track(at: 9)!.candidates).storedCandidate)
        // The 7" instrumental is not the vocal, nor the 12" instrumental.
        let rick = matcher.match(try Fixtures.release(249504))
        XCTAssertNil(policy.decide(rick.track(at: 1)!.candidates).storedCandidate)
        // Index entries match the whole suite.
        let floyd = matcher.match(try Fixtures.release(374278))
        XCTAssertEqual(policy.decide(floyd.track(at: 0)!.candidates).storedCandidate?.url,
                       "https://www.youtube.com/watch?v=uUHb3cBvWMY")
        // Headings are never matched.
        XCTAssertNil(fall.track(at: 0))
    }

    func testCustomProvider() throws {
        struct SearchResults: CandidateProvider {
            func candidates(for release: DiscogsRelease) -> [CandidateVideo] {
                [CandidateVideo(url: "https://soundcloud.com/persuader/ostermalm", title: "The Persuader - Östermalm",
                                durationSeconds: 286, source: "soundcloud-search")]
            }
        }
        let release = try Fixtures.release(1)
        let result = matcher.match(release, provider: SearchResults())
        let best = try XCTUnwrap(result.track(at: 0)?.best)
        XCTAssertEqual(best.platform, .soundcloud)
        XCTAssertEqual(best.source, "soundcloud-search")
        XCTAssertTrue(policy.decide(result.track(at: 0)!.candidates).isAutoApproved)
        let combined = StaticCandidateProvider(SearchResults().candidates(for: release), includeReleaseVideos: true)
        XCTAssertEqual(combined.candidates(for: release).count, release.videos.count + 1)
    }
}
