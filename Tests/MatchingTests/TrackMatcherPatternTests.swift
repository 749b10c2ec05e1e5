import XCTest
@testable import Matching

/// Everyday upload patterns the matcher must get right on releases it has never seen.
final class TrackMatcherPatternTests: XCTestCase {
    let matcher = TrackMatcher()
    let policy = MatchPolicy()

    func yt(_ n: Int) -> String { "https://www.youtube.com/watch?v=pat\(String(format: "%08d", n))" }

    func decision(_ release: DiscogsRelease, _ index: Int) -> MatchDecision {
        policy.decide(matcher.match(release).track(at: index)?.candidates ?? [])
    }

    func testATitleInsideAnotherTitle() {
        let release = DiscogsRelease(
            id: 10, title: "Songs", artists: [DiscogsArtistCredit(name: "Halo Park")],
            tracklist: [
                DiscogsTrack(position: "A1", title: "Love", duration: "3:30"),
                DiscogsTrack(position: "A2", title: "Love Song", duration: "3:32"),
            ],
            videos: [DiscogsVideo(uri: yt(1), title: "Halo Park - Love Song", duration: 213)])
        XCTAssertEqual(decision(release, 1).storedCandidate?.url, yt(1))
        XCTAssertNil(decision(release, 0).storedCandidate)
    }

    func testVocalAndInstrumentalOnOneSingle() {
        let release = DiscogsRelease(
            id: 11, title: "Shine", artists: [DiscogsArtistCredit(name: "Nova Line")],
            tracklist: [
                DiscogsTrack(position: "A", title: "Shine", duration: "4:01"),
                DiscogsTrack(position: "B", title: "Shine (Instrumental)", duration: "4:00"),
            ],
            videos: [
                DiscogsVideo(uri: yt(1), title: "Nova Line - Shine", duration: 243),
                DiscogsVideo(uri: yt(2), title: "Nova Line - Shine (Instrumental)", duration: 241),
            ])
        XCTAssertEqual(decision(release, 0), .autoApproved(matcher.match(release).track(at: 0)!.best!))
        XCTAssertEqual(decision(release, 0).storedCandidate?.url, yt(1))
        XCTAssertEqual(decision(release, 1).storedCandidate?.url, yt(2))
        XCTAssertTrue(decision(release, 1).isAutoApproved)
    }

    func testCatalogueNumberAndGenreTagsAreNotSuspicious() {
        var release = DiscogsRelease(
            id: 12, title: "Deep Cuts EP", artists: [DiscogsArtistCredit(name: "Mira K")],
            labels: [DiscogsLabelCredit(name: "Subtle Records", catno: "SUB 012")],
            tracklist: [DiscogsTrack(position: "A1", title: "Undertow", duration: "6:10")],
            videos: [DiscogsVideo(uri: yt(1), title: "Mira K - Undertow [SUB012] (Deep House)", duration: 372)])
        release.styles = ["Deep House"]
        XCTAssertTrue(decision(release, 0).isAutoApproved)
    }

    func testCoverByAnotherArtistIsNotStored() {
        let release = DiscogsRelease(
            id: 13, title: "Harbour", artists: [DiscogsArtistCredit(name: "The Tidewaters")],
            tracklist: [DiscogsTrack(position: "A", title: "Harbour Lights", duration: "3:40")],
            videos: [DiscogsVideo(uri: yt(1), title: "Jenny Marsh - Harbour Lights", duration: 222)])
        XCTAssertNil(decision(release, 0).storedCandidate)
    }

    func testLiveAlbumVideosAreNotPenalisedForSayingLive() {
        let release = DiscogsRelease(
            id: 14, title: "Live At The Roundhouse", artists: [DiscogsArtistCredit(name: "Copper Sky")],
            tracklist: [
                DiscogsTrack(position: "1", title: "Northern Road", duration: "5:12"),
                DiscogsTrack(position: "2", title: "Glass", duration: "4:02"),
            ],
            videos: [DiscogsVideo(uri: yt(1), title: "Copper Sky - Northern Road (Live)", duration: 315)])
        XCTAssertTrue(decision(release, 0).isAutoApproved)
    }

    func testStudioTrackDoesNotTakeALiveVideo() {
        let release = DiscogsRelease(
            id: 15, title: "Glass", artists: [DiscogsArtistCredit(name: "Copper Sky")],
            tracklist: [DiscogsTrack(position: "A", title: "Glass", duration: "4:02")],
            videos: [DiscogsVideo(uri: yt(1), title: "Copper Sky - Glass (Live in Berlin 2011)", duration: 250)])
        XCTAssertNil(decision(release, 0).storedCandidate)
    }

    func testArtTrackUploadWithArtistOnlyInDescription() {
        let release = DiscogsRelease(
            id: 16, title: "Fields", artists: [DiscogsArtistCredit(name: "Orla Fenn")],
            tracklist: [DiscogsTrack(position: "1", title: "Wheat", duration: "3:03")],
            videos: [DiscogsVideo(uri: yt(1), title: "Wheat", duration: 183,
                                  description: "Provided to YouTube by Label\n\nWheat · Orla Fenn\n\nFields")])
        XCTAssertTrue(decision(release, 0).isAutoApproved)
    }

    func testPositionPrefixesInVideoTitles() {
        let release = DiscogsRelease(
            id: 17, title: "Two Sides", artists: [DiscogsArtistCredit(name: "Ferro")],
            tracklist: [
                DiscogsTrack(position: "A1", title: "Signal", duration: "5:00"),
                DiscogsTrack(position: "B1", title: "Noise", duration: "5:05"),
            ],
            videos: [
                DiscogsVideo(uri: yt(1), title: "Ferro - A1 - Signal", duration: 301),
                DiscogsVideo(uri: yt(2), title: "B1. Ferro – Noise", duration: 306),
            ])
        XCTAssertEqual(decision(release, 0).storedCandidate?.url, yt(1))
        XCTAssertTrue(decision(release, 0).isAutoApproved)
        XCTAssertEqual(decision(release, 1).storedCandidate?.url, yt(2))
        XCTAssertTrue(decision(release, 1).isAutoApproved)
    }

    func testRunningOrderNumbersInVideoTitles() {
        let release = DiscogsRelease(
            id: 19, title: "Numbers", artists: [DiscogsArtistCredit(name: "Kade")],
            tracklist: [
                DiscogsTrack(type: .heading, title: "Side A"),
                DiscogsTrack(position: "A1", title: "First Light", duration: "4:00"),
                DiscogsTrack(position: "A2", title: "Second Wind", duration: "4:30"),
            ],
            videos: [DiscogsVideo(uri: yt(1), title: "02. Second Wind", duration: 271,
                                  description: "Second Wind · Kade")])
        XCTAssertEqual(decision(release, 2).storedCandidate?.url, yt(1))
        XCTAssertTrue(decision(release, 2).isAutoApproved)
    }

    func testWrongPartNumber() {
        let release = DiscogsRelease(
            id: 18, title: "Suite", artists: [DiscogsArtistCredit(name: "Ensemble Nord")],
            tracklist: [DiscogsTrack(position: "A", title: "Suite Part 1", duration: "8:00")],
            videos: [DiscogsVideo(uri: yt(1), title: "Ensemble Nord - Suite Part 2", duration: 481)])
        XCTAssertNil(decision(release, 0).storedCandidate)
    }
}
