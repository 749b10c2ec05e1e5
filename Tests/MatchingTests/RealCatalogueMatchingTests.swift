import XCTest
@testable import Matching

/// The classes of issue 15, each with real titles and lengths from the dump-labelled Discogs releases
/// (../shared/fixtures/discogs/dumps-labelled, release id in each test's name or comment).
final class RealCatalogueMatchingTests: XCTestCase {
    let matcher = TrackMatcher()
    let policy = MatchPolicy()

    func yt(_ n: Int) -> String { "https://www.youtube.com/watch?v=real\(String(format: "%07d", n))" }

    func video(_ n: Int, _ title: String, _ seconds: Int?, description: String = "") -> DiscogsVideo {
        DiscogsVideo(uri: yt(n), title: title, duration: seconds, description: description)
    }

    func decide(_ result: ReleaseMatchResult, _ index: Int) -> MatchDecision {
        policy.decide(result.track(at: index)?.candidates ?? [])
    }

    // MARK: - Duplicate uploads of one recording

    /// 7698036 Big Country - Look Away: three uploads of the 7" A side, all 4:25, and the 12" Outlaw Mix.
    func testDuplicateUploadsOfOneRecordingAreNotAmbiguous() {
        let release = DiscogsRelease(
            id: 7_698_036, title: "Look Away", artists: [DiscogsArtistCredit(name: "Big Country")],
            tracklist: [
                DiscogsTrack(position: "A", title: "Look Away", duration: "4:24"),
                DiscogsTrack(position: "B", title: "Restless Natives"),
            ],
            videos: [
                video(0, "Big Country - Restless Natives", 255),
                video(1, "Look Away by Big Country", 265),
                video(2, "Look Away (Outlaw Mix)", 417),
                video(3, "Look Away - Big Country", 265),
                video(5, "Big Country - Look Away", 265),
            ])
        let result = matcher.match(release)
        guard case .autoApproved(let chosen) = decide(result, 0) else {
            return XCTFail("\(decide(result, 0))")
        }
        XCTAssertTrue([yt(1), yt(3), yt(5)].contains(chosen.url))
        let groups = Set(result.track(at: 0)!.candidates.filter { [yt(1), yt(3), yt(5)].contains($0.url) }
            .map(\.evidence.sameRecordingGroup))
        XCTAssertEqual(groups.count, 1)
        XCTAssertNotNil(groups.first!)
        // The Outlaw Mix is another recording: not in the group, and never stored for the 7" A side.
        let outlaw = result.track(at: 0)!.candidates.first { $0.url == yt(2) }!
        XCTAssertNil(outlaw.evidence.sameRecordingGroup)
        XCTAssertLessThan(outlaw.confidence, policy.storeThreshold)
    }

    /// 4497823 Bad Company: "Can't Get Enough" uploaded at 4:17 and as "(Official Audio)" at 4:15.
    func testOfficialAudioAndPlainUploadOfOneRecording() {
        let release = DiscogsRelease(
            id: 4_497_823, title: "Bad Company", artists: [DiscogsArtistCredit(name: "Bad Company (3)")],
            tracklist: ["Can't Get Enough", "Rock Steady", "Ready For Love", "Bad Company"].map {
                DiscogsTrack(position: "", title: $0)
            },
            videos: [
                video(1, "Bad Company - Can't Get Enough", 257),
                video(2, "Bad Company - Can't Get Enough (Official Audio)", 255),
                video(6, "Bad Company - Ready For Love", 290),
                video(7, "Bad Company - Bad Company (1974) ~ Full Album ~", 1993),
            ])
        let result = matcher.match(release)
        XCTAssertTrue(decide(result, 0).isAutoApproved, "\(decide(result, 0))")
        XCTAssertEqual(decide(result, 3), .unmatched, "the full-album upload is no track")
    }

    // MARK: - Normalisation

    func testDecorativeLettersAreReadAsPlainLetters() {
        XCTAssertEqual(TextNormalizer.tokens("𝔏𝔬𝔯𝔡 𝔙𝔦𝔠𝔞𝔯 - 𝔗𝔥𝔢 𝔉𝔢𝔞𝔯 𝔬𝔣 𝔅𝔢𝔦𝔫𝔤 ℭ𝔯𝔲𝔰𝔥𝔢𝔡"),
                       ["lord", "vicar", "the", "fear", "of", "being", "crushed"])
        XCTAssertEqual(TextNormalizer.tokens("ＳＨＡＮＡＤＯＯ"), ["shanadoo"])
    }

    /// 3019946 Lord Vicar / Funeral Circle: the LP and the CD of one package list the same three recordings.
    func testLPAndCDCopiesOfATrackShareTheirVideo() {
        let lord = [DiscogsArtistCredit(name: "Lord Vicar")]
        let release = DiscogsRelease(
            id: 3_019_946, title: "Lord Vicar / Funeral Circle",
            artists: lord + [DiscogsArtistCredit(name: "Funeral Circle")],
            tracklist: [
                DiscogsTrack(position: "A", title: "The Fear Of Being Crushed", duration: "13:50", artists: lord),
                DiscogsTrack(position: "B1", title: "The Hexenhammer", duration: "4:31",
                             artists: [DiscogsArtistCredit(name: "Funeral Circle")]),
                DiscogsTrack(position: "CD1", title: "The Fear Of Being Crushed", duration: "13:50", artists: lord),
                DiscogsTrack(position: "CD2", title: "The Hexenhammer", duration: "4:31",
                             artists: [DiscogsArtistCredit(name: "Funeral Circle")]),
            ],
            videos: [video(0, "𝔏𝔬𝔯𝔡 𝔙𝔦𝔠𝔞𝔯 - 𝔗𝔥𝔢 𝔉𝔢𝔞𝔯 𝔬𝔣 𝔅𝔢𝔦𝔫𝔤 ℭ𝔯𝔲𝔰𝔥𝔢𝔡", 829)])
        let result = matcher.match(release)
        for index in [0, 2] {
            XCTAssertEqual(decide(result, index).storedCandidate?.url, yt(0), "track \(index)")
            XCTAssertTrue(decide(result, index).isAutoApproved, "track \(index): \(decide(result, index))")
        }
    }

    /// 3019950 "Autum In New York" style titles aside, a repeated title with no lengths (a soundtrack's reprises)
    /// is not a copy: nothing says the two entries are one recording.
    func testRepeatedTitleWithoutLengthsIsNoCopy() {
        let release = DiscogsRelease(
            id: 1_052_359, title: "La Ragazza Dalla Pelle Di Luna", artists: [DiscogsArtistCredit(name: "Piero Umiliani")],
            tracklist: [
                DiscogsTrack(position: "A1", title: "Pelle Di Luna"), DiscogsTrack(position: "A3", title: "Mahe"),
                DiscogsTrack(position: "B5", title: "Pelle Di Luna"),
            ],
            videos: [video(0, "Piero Umiliani - Pelle Di Luna", 215), video(1, "Piero Umiliani - Mahe'", 163)])
        let result = matcher.match(release)
        XCTAssertFalse(decide(result, 0).isAutoApproved)
        XCTAssertFalse(decide(result, 2).isAutoApproved)
        XCTAssertTrue(decide(result, 1).isAutoApproved)
    }

    /// 14220539: an uploader's catalogue tag ("[DCRPS069]", another label's number) names no recording.
    func testCatalogueTagsAreUploadDecoration() {
        XCTAssertTrue(Vocabulary.isUploadTag("dcrps069"))
        XCTAssertTrue(Vocabulary.isUploadTag("45rpm"))
        XCTAssertFalse(Vocabulary.isUploadTag("mp3s"))
        XCTAssertFalse(Vocabulary.isUploadTag("2010"))
        let release = DiscogsRelease(
            id: 14_220_539, title: "My Name Is Ayane Fukumi", artists: [DiscogsArtistCredit(name: "Ayane Fukumi")],
            labels: [DiscogsLabelCredit(name: "Underground Core Collective", catno: "UGCCCD002")],
            tracklist: [
                DiscogsTrack(position: "1", title: "Ayane Fukumi - My Name Is Ayane Fukumi", duration: "3:56"),
                DiscogsTrack(position: "2", title: "Ayane Fukumi - PC Master Race", duration: "2:53"),
            ],
            videos: [
                video(0, "Ayane Fukumi - My Name Is Ayane Fukumi [DCRPS069]", 237),
                video(7, "Ayane Fukumi - PC Master Race [DCRPS069]", 182),
            ])
        let result = matcher.match(release)
        XCTAssertEqual(decide(result, 1), .autoApproved(result.track(at: 1)!.best!))
        XCTAssertEqual(result.track(at: 1)?.best?.url, yt(7))
    }

    /// 6084127 Van Der Graaf Generator - Record Mundial: Spanish titles with the English after " = ".
    func testATitleInTwoLanguagesIsNamedByEither() {
        let release = DiscogsRelease(
            id: 6_084_127, title: "Record Mundial", artists: [DiscogsArtistCredit(name: "Van Der Graaf Generator")],
            tracklist: [
                DiscogsTrack(position: "A1", title: "Cuando Ella Viene = When She Comes"),
                DiscogsTrack(position: "A3", title: "Máscaras = Masks"),
            ],
            videos: [
                video(3, "Van Der Graaf Generator - When She Comes", 484),
                video(5, "Van Der Graaf Generator - Masks", 417),
            ])
        let result = matcher.match(release)
        XCTAssertEqual(result.track(at: 0)?.best?.url, yt(3))
        XCTAssertEqual(result.track(at: 1)?.best?.url, yt(5))
        XCTAssertTrue(decide(result, 0).isAutoApproved, "\(decide(result, 0))")
        XCTAssertTrue(decide(result, 1).isAutoApproved, "\(decide(result, 1))")
    }

    // MARK: - Versions and mixes

    /// 1586321 Bus Stop - Kung Fu Fighting: the radio edit is uploaded without its name; its length says which.
    func testLengthNamesTheEditTheTitleDoesNot() {
        let release = DiscogsRelease(
            id: 1_586_321, title: "Kung Fu Fighting",
            artists: [DiscogsArtistCredit(name: "Bus Stop", join: ","), DiscogsArtistCredit(name: "Carl Douglas")],
            tracklist: [
                DiscogsTrack(position: "A", title: "Kung Fu Fighting (Extended Version)", duration: "5:10"),
                DiscogsTrack(position: "B", title: "Kung Fu Fighting (Radio Edit)", duration: "3:50"),
            ],
            videos: [
                video(1, "Bus Stop ft. Carl Douglas - Kung Fu Fighting", 237),
                video(3, "Bus Stop - Kung Fu Fighting  (Extended)", 311),
                video(4, "Bus Stop feat  Carl Douglas   Kung Fu Fighting 1998", 231),
            ])
        let result = matcher.match(release)
        let radio = decide(result, 1)
        XCTAssertTrue(radio.isAutoApproved, "\(radio)")
        XCTAssertTrue([yt(1), yt(4)].contains(radio.storedCandidate?.url ?? ""))
        XCTAssertNotNil(radio.storedCandidate?.evidence.signal("version_by_length"))
        XCTAssertEqual(decide(result, 0).storedCandidate?.url, yt(3))
        // The extended upload is never proposed for the radio edit.
        let extendedOnB = result.track(at: 1)!.candidates.first { $0.url == yt(3) }!
        XCTAssertLessThan(extendedOnB.confidence, policy.storeThreshold)
    }

    /// 9343040 Nick Cave & The Bad Seeds - The Good Son: "(2010 Remastered Version)" is the album version.
    func testRemasteredVersionIsTheDefaultVersion() {
        XCTAssertEqual(TitleAnalysis.versionWords(in: TextNormalizer.tokens("Sorrow's Child (2010 Remastered Version)")), [])
        XCTAssertEqual(TitleAnalysis.versionWords(in: TextNormalizer.tokens("Original 12 inch Version 1982")), [])
        XCTAssertEqual(TitleAnalysis.versionWords(in: TextNormalizer.tokens("Rock Steady (Studio Version)")), [])
        XCTAssertEqual(TitleAnalysis.versionWords(in: TextNormalizer.tokens("Look Away (Outlaw Mix)")), ["mix"])
        XCTAssertEqual(TitleAnalysis.versionWords(in: TextNormalizer.tokens("Jona Vark (Live Pub Session)")),
                       ["live", "session"])
        let release = DiscogsRelease(
            id: 9_343_040, title: "The Good Son", artists: [DiscogsArtistCredit(name: "Nick Cave & The Bad Seeds")],
            tracklist: ["Foi Na Cruz", "The Good Son", "Sorrow's Child", "The Weeping Song"].map {
                DiscogsTrack(position: "", title: $0)
            },
            videos: [
                video(5, "Sorrow's Child (2010 Remastered Version)", 280,
                      description: "Provided to YouTube by Mute\n\nSorrow's Child · Nick Cave & The Bad Seeds"),
                video(6, "The Weeping Song (2010 Remastered Version)", 266,
                      description: "Provided to YouTube by Mute\n\nThe Weeping Song · Nick Cave & The Bad Seeds"),
            ])
        let result = matcher.match(release)
        XCTAssertTrue(decide(result, 2).isAutoApproved, "\(decide(result, 2))")
        XCTAssertTrue(decide(result, 3).isAutoApproved, "\(decide(result, 3))")
    }

    /// 3019961 Gypsy And The Cat - Gilgamesh: the album track and a live pub session of it.
    func testLiveClipIsNeverApprovedForTheStudioTrack() {
        let release = DiscogsRelease(
            id: 3_019_961, title: "Gilgamesh", artists: [DiscogsArtistCredit(name: "Gypsy And The Cat")],
            tracklist: ["Time To Wander", "Jona Vark", "Gilgamesh"].map { DiscogsTrack(position: "", title: $0) },
            videos: [video(1, "Gypsy & The Cat - Jona Vark (Live Pub Session)", 213)])
        let result = matcher.match(release)
        XCTAssertFalse(decide(result, 1).isAutoApproved)
        XCTAssertNotNil(result.track(at: 1)?.best?.evidence.signal("different_version"))
    }

    /// 11058804 Alex Mofa Gang - Perspektiven: the official video of "AC/DC" is 3:40, the album track 4:31.
    func testAVideoEditOfAnotherLengthIsNotStored() {
        let release = DiscogsRelease(
            id: 11_058_804, title: "Perspektiven", artists: [DiscogsArtistCredit(name: "Alex Mofa Gang")],
            tracklist: [
                DiscogsTrack(position: "LP-A5", title: "AC/DC", duration: "4:31"),
                DiscogsTrack(position: "LP-B1", title: "Mehr! Mehr! Mehr!", duration: "1:34"),
            ],
            videos: [
                video(0, "ALEX MOFA GANG - AC/DC (Official Video)", 220),
                video(1, "ALEX MOFA GANG - Mehr! Mehr! Mehr! (OFFICIAL VIDEO)", 95),
            ])
        let result = matcher.match(release)
        XCTAssertEqual(decide(result, 0), .unmatched)
        XCTAssertNotNil(result.track(at: 0)?.best?.evidence.signal("different_length"))
        XCTAssertTrue(decide(result, 1).isAutoApproved, "\(decide(result, 1))")
    }

    /// 5 Datacide - Flowerhead: a full-album upload next to the single tracks.
    func testFullAlbumUploadIsNoTrack() {
        let release = DiscogsRelease(
            id: 5, title: "Flowerhead", artists: [DiscogsArtistCredit(name: "Datacide")],
            tracklist: [
                DiscogsTrack(position: "1", title: "Flashback Signal", duration: "15:54"),
                DiscogsTrack(position: "2", title: "Flowerhead", duration: "9:33"),
                DiscogsTrack(position: "3", title: "Deep Chair", duration: "14:05"),
            ],
            videos: [
                video(0, "Datacide - Flowerhead (Full Album)", 3889),
                video(1, "Datacide - Deep Chair", 849),
                video(4, "Datacide - Deep Chair (Ambient 1995)", 845),
            ])
        let result = matcher.match(release)
        XCTAssertNotEqual(decide(result, 1).storedCandidate?.url, yt(0))
        XCTAssertTrue(decide(result, 2).isAutoApproved, "two uploads of Deep Chair: \(decide(result, 2))")
    }

    // MARK: - Credits

    /// 14220539: a remix record by the release's artist lists the remixed tracks under their own artists' names.
    func testRemixByTheReleaseArtistIsThisRecordsVersion() {
        let release = DiscogsRelease(
            id: 14_220_539, title: "My Name Is Ayane Fukumi", artists: [DiscogsArtistCredit(name: "Ayane Fukumi")],
            tracklist: [
                DiscogsTrack(position: "4", title: "Gimme Chocolate", duration: "2:24",
                             artists: [DiscogsArtistCredit(name: "soz.IO")]),
                DiscogsTrack(position: "7", title: "Morning Knifreak", duration: "6:01",
                             artists: [DiscogsArtistCredit(name: "Killingscum")]),
            ],
            videos: [
                video(5, "soz.IO - Gimme Chocolate (Ayane Fukumi Remix) [DCRPS069]", 145),
                video(1, "Killingscum - Morning Knifreak (Ayane Fukumi Remix) [DCRPS069]", 362),
            ])
        let result = matcher.match(release)
        XCTAssertTrue(decide(result, 0).isAutoApproved, "\(decide(result, 0))")
        XCTAssertNotNil(result.track(at: 0)?.best?.evidence.signal("remix_by_release_artist"))
        // Someone else's remix of the same track is still another version.
        let other = DiscogsRelease(
            id: 1, title: "My Name Is Ayane Fukumi", artists: [DiscogsArtistCredit(name: "Ayane Fukumi")],
            tracklist: release.tracklist, videos: [video(9, "soz.IO - Gimme Chocolate (DJ Someone Remix)", 145)])
        XCTAssertFalse(policy.decide(matcher.match(other).track(at: 0)?.candidates ?? []).isAutoApproved)
    }

    /// 4: "Faze Action feat. Zeke Manyika - Kariba [Album Mix]": the guest and the album mix are credits, not
    /// another song.
    func testGuestCreditsAndTheAlbumMixAreAccountedFor() {
        let release = DiscogsRelease(
            id: 4, title: "Moving Cities", artists: [DiscogsArtistCredit(name: "Faze Action")],
            tracklist: [
                DiscogsTrack(position: "3", title: "Isis", duration: "5:39"),
                DiscogsTrack(position: "7", title: "Kariba", duration: "5:13"),
            ],
            videos: [
                video(1, "Faze Action - Isis", 338),
                video(2, "(1999) Faze Action feat. Zeke Manyika - Kariba [Album Mix]", 313),
            ])
        let result = matcher.match(release)
        XCTAssertEqual(decide(result, 1).storedCandidate?.url, yt(2))
        XCTAssertTrue(decide(result, 1).isAutoApproved, "\(decide(result, 1))")
    }

    /// 4497877 Thin Lizzy - Johnny The Fox: a video titled with the album's name is not the track "Johnny".
    func testAVideoNamingTheReleaseIsNotTheTrackWhoseTitleIsPartOfIt() {
        let release = DiscogsRelease(
            id: 4_497_877, title: "Johnny The Fox", artists: [DiscogsArtistCredit(name: "Thin Lizzy")],
            tracklist: ["Johnny", "Rocky", "Johnny The Fox Meets Jimmy The Weed", "Massacre"].map {
                DiscogsTrack(position: "", title: $0)
            },
            videos: [
                video(4, "Thin Lizzy - Johnny The Fox", 223),
                video(5, "Thin Lizzy - Massacre", 174),
                video(7, "Johnny", 268, description: "Thin Lizzy - Johnny"),
            ])
        let result = matcher.match(release)
        XCTAssertNotEqual(decide(result, 0).storedCandidate?.url, yt(4))
        XCTAssertNotNil(result.track(at: 0)?.candidates.first { $0.url == yt(4) }?.evidence.signal("names_release"))
        XCTAssertEqual(decide(result, 0).storedCandidate?.url, yt(7))
    }

    /// 1586321: an unnamed upload whose length is the extended version's and the "(Extended)" upload of the same
    /// length are one recording.
    func testAnEditNamedByLengthJoinsTheUploadsThatNameIt() {
        let release = DiscogsRelease(
            id: 1_586_321, title: "Kung Fu Fighting",
            artists: [DiscogsArtistCredit(name: "Bus Stop", join: ","), DiscogsArtistCredit(name: "Carl Douglas")],
            tracklist: [
                DiscogsTrack(position: "A", title: "Kung Fu Fighting (Extended Version)", duration: "5:10"),
                DiscogsTrack(position: "B", title: "Kung Fu Fighting (Radio Edit)", duration: "3:50"),
            ],
            videos: [
                video(2, "BUS STOP feat  CARL DOUGLAS   Kung fu fighting 1998", 311),
                video(3, "Bus Stop - Kung Fu Fighting  (Extended)", 311),
            ])
        let result = matcher.match(release)
        XCTAssertTrue(decide(result, 0).isAutoApproved, "\(decide(result, 0))")
        let groups = Set(result.track(at: 0)!.candidates.map(\.evidence.sameRecordingGroup))
        XCTAssertEqual(groups.count, 1)
    }

    // MARK: - The uploader's own numbering

    func testUploaderNumberingIsSeparatedFromTheTitle() {
        // Real upload titles of 9342953, 14220607 and 1586403.
        XCTAssertEqual(VideoProfile.separatingNumbering("Oils on Water - 14. Read About It - Midnight Oil").1, ["14"])
        XCTAssertEqual(VideoProfile.separatingNumbering("DEF LEPPARD - 02. UNBELIEVABLE").0, "DEF LEPPARD - UNBELIEVABLE")
        XCTAssertEqual(VideoProfile.separatingNumbering("3. Strange ships").0, "Strange ships")
        XCTAssertEqual(VideoProfile.separatingNumbering("A1 - Yuli, Yuli").0, "Yuli, Yuli")
        XCTAssertEqual(VideoProfile.separatingNumbering("Side A: Survival").1, ["Side A"])
        // Numbers that are titles or names stay: a track title (20 Casey Hogan - Switchstance EP has "G4"), or
        // one with no words after it.
        XCTAssertTrue(VideoProfile.separatingNumbering("Casey Hogan - G4 (Original Mix)", keeping: ["g4"]).1.isEmpty)
        XCTAssertTrue(VideoProfile.separatingNumbering("Casey Hogan - G4").1.isEmpty)
        for title in ["Midnight Oil - 10,9,8,7,6,5,4,3,2,1 (full album)", "Prince - 1999", "1. ", "Pt. 2",
                      "BY-PASS,DIMWIT,LOWCARD de la morte 2.14出町柳ソクラテス"] {
            XCTAssertTrue(VideoProfile.separatingNumbering(title).1.isEmpty, title)
        }
    }

    /// 9342953 Midnight Oil: an upload numbered for the uploader's own playlist ("Oils on Water - 14.") counts the
    /// number as decoration, not as text the track leaves unexplained; 14220607 Def Leppard: "02." is the track's own.
    func testUploaderNumberingIsDecorationWhetherOrNotItIsTheTracksPosition() {
        let oil = DiscogsRelease(
            id: 9_342_953, title: "10, 9, 8, 7, 6, 5, 4, 3, 2, 1", artists: [DiscogsArtistCredit(name: "Midnight Oil")],
            tracklist: [
                DiscogsTrack(position: "A3", title: "Short Memory", duration: "4:54"),
                DiscogsTrack(position: "A4", title: "Read About It", duration: "3:50"),
                DiscogsTrack(position: "B1", title: "US Forces", duration: "4:06"),
            ],
            videos: [video(1, "Oils on Water - 14. Read About It - Midnight Oil", 233)])
        let read = matcher.match(oil).track(at: 1)!.candidates.first!
        let numbering = read.evidence.signal("uploader_numbering")
        XCTAssertEqual(numbering?.value, 0, "\(read.evidence)")
        XCTAssertTrue(numbering?.detail?.contains("not this track's position") == true)
        XCTAssertFalse(read.evidence.signal("title")?.detail?.contains("14") == true, "\(read.evidence)")

        let leppard = DiscogsRelease(
            id: 14_220_607, title: "X", artists: [DiscogsArtistCredit(name: "Def Leppard")],
            tracklist: [
                DiscogsTrack(position: "1", title: "Now", duration: "4:00"),
                DiscogsTrack(position: "2", title: "Unbelievable", duration: "4:02"),
                DiscogsTrack(position: "3", title: "You're So Beautiful", duration: "3:33"),
            ],
            videos: [video(1, "DEF LEPPARD - 02. UNBELIEVABLE", 246), video(2, "Def Leppard - Now", 231)])
        let result = matcher.match(leppard)
        XCTAssertEqual(decide(result, 1).storedCandidate?.url, yt(1))
        XCTAssertTrue(decide(result, 1).isAutoApproved, "\(decide(result, 1))")
        XCTAssertEqual(result.track(at: 1)!.candidates.first { $0.url == yt(1) }?.evidence.signal("uploader_numbering")?.value, 1)
    }

    // MARK: - Live recordings

    /// 11058794 Frampton Comes Alive!: the live album's own uploads say "(Live)"; on this release that is its
    /// version, and the plain upload of the same length is the same recording.
    func testLiveUploadsMatchTheTracksOfALiveAlbum() {
        let release = DiscogsRelease(
            id: 11_058_794, title: "Frampton Comes Alive!", artists: [DiscogsArtistCredit(name: "Peter Frampton")],
            tracklist: [
                DiscogsTrack(position: "1-4", title: "Show Me The Way", duration: "4:32"),
                DiscogsTrack(position: "1-10", title: "Baby, I Love Your Way", duration: "4:41"),
            ],
            videos: [
                video(1, "Show Me The Way (Live)", 273),
                video(2, "Peter Frampton, Show Me the Way", 277),
                video(3, "Frampton Comes Alive II - Show Me the Way (Live)", 355),
            ])
        XCTAssertTrue(ReleaseContext(release).isLive)
        let result = matcher.match(release)
        guard case .autoApproved(let chosen) = decide(result, 0) else { return XCTFail("\(decide(result, 0))") }
        XCTAssertTrue([yt(1), yt(2)].contains(chosen.url))
        let live = result.track(at: 0)!.candidates.first { $0.url == yt(1) }!
        XCTAssertNotNil(live.evidence.signal("live_release"))
        XCTAssertNil(live.evidence.signal("different_version"))
    }

    /// 6084132 Megadeth, a studio album: "(Live 1987 Bochum, Germany)" is another version of the track.
    func testALiveUploadIsAnotherVersionOnAStudioAlbum() {
        let release = DiscogsRelease(
            id: 6_084_132, title: "Killing Is My Business...And Business Is Good! ",
            artists: [DiscogsArtistCredit(name: "Megadeth")],
            tracklist: [
                DiscogsTrack(position: "B1", title: "Rattlehead", duration: "3:39"),
                DiscogsTrack(position: "B2", title: "Chosen Ones", duration: "2:50"),
            ],
            // The live upload's length set to the studio track's: the length does not make it the studio take.
            videos: [video(1, "Rattlehead (Live 1987 Bochum, Germany)", 219)])
        XCTAssertFalse(ReleaseContext(release).isLive)
        let result = matcher.match(release)
        XCTAssertFalse(decide(result, 0).isAutoApproved, "\(decide(result, 0))")
        XCTAssertNotNil(result.track(at: 0)!.candidates.first?.evidence.signal("different_version"))
    }

    /// 14220573 Helloween - United Alive In Madrid is live although a song is called "I'm Alive"; a single named
    /// after its song ("Stayin' Alive") is not.
    func testAliveInTheReleaseTitleMakesItLiveUnlessTheTitleIsASong() {
        let helloween = DiscogsRelease(
            id: 14_220_573, title: "United Alive In Madrid", artists: [DiscogsArtistCredit(name: "Helloween")],
            tracklist: [
                DiscogsTrack(position: "B1", title: "I'm Alive", duration: "3:48"),
                DiscogsTrack(position: "E1", title: "Forever And One", duration: "5:22"),
            ])
        XCTAssertTrue(ReleaseContext(helloween).isLive)
        let single = DiscogsRelease(
            id: 1, title: "Stayin' Alive", artists: [DiscogsArtistCredit(name: "Bee Gees")],
            tracklist: [DiscogsTrack(position: "A", title: "Stayin' Alive"), DiscogsTrack(position: "B", title: "If I Can't Have You")])
        XCTAssertFalse(ReleaseContext(single).isLive)
    }

    // MARK: - Another script

    func testRomanisationOfAlphabetsAndKanaButNotHan() {
        XCTAssertEqual(TextNormalizer.romanised("Кофе"), "Kofe")
        XCTAssertEqual(TextNormalizer.romanised("そらごと"), "soragoto")
        XCTAssertNil(TextNormalizer.romanised("砕け散る陽炎"), "Han has no one reading")
        XCTAssertNil(TextNormalizer.romanised("Balance"))
        XCTAssertNil(TextNormalizer.romanised("Máscaras"))
    }

    /// 12645393 Кофе - Balance / Computer: the band is credited in Cyrillic and uploaded as "Kofe".
    func testAnArtistCreditedInAnotherScriptIsRecognisedRomanised() {
        let release = DiscogsRelease(
            id: 12_645_393, title: "Balance / Computer", artists: [DiscogsArtistCredit(name: "Кофе")],
            tracklist: [
                DiscogsTrack(position: "B1", title: "Computer"),
                DiscogsTrack(position: "B2", title: "Computer (Kgbk Edit)"),
            ],
            videos: [video(1, "PREMIERE: Kofe - Computer (KGBK Edit) [Bordello A Parigi]", 351)])
        let candidate = matcher.match(release).track(at: 1)!.candidates.first!
        XCTAssertEqual(candidate.evidence.signal("artist")?.value, 1, "\(candidate.evidence)")
    }

    // MARK: - Tracklists without lengths

    /// 7698004 Clarence "Frogman" Henry - But I Do: no lengths on the single; three rips of the B side at 2:38, 2:46
    /// and 2:52 are one recording, not three rivals.
    func testRipsOfATrackWithoutALengthAreOneRecording() {
        let release = DiscogsRelease(
            id: 7_698_004, title: "But I Do", artists: [DiscogsArtistCredit(name: "Clarence \"Frogman\" Henry")],
            tracklist: [DiscogsTrack(position: "A", title: "But I Do"), DiscogsTrack(position: "B", title: "Just My Baby And Me")],
            videos: [
                video(1, "Just My Baby and Me by Clarence Frogman Henry", 172),
                video(2, "Clarence Frogman Henry - Just My Baby And Me", 166),
                video(3, "Just My Baby And Me - Clarence Frogman Henry (1961", 158),
            ])
        let result = matcher.match(release)
        XCTAssertTrue(decide(result, 1).isAutoApproved, "\(decide(result, 1))")
    }

    /// 4497875 Petula Clark - Kiss Me Goodbye (no lengths): uploads at 3:45 and 4:08 are 23 s apart, more than rips
    /// of one record differ by: a person decides.
    func testUploadsFarApartAreNotOneRecordingEvenWithoutATrackLength() {
        let release = DiscogsRelease(
            id: 4_497_875, title: "Kiss Me Goodbye ", artists: [DiscogsArtistCredit(name: "Petula Clark")],
            tracklist: [DiscogsTrack(position: "A", title: "Kiss Me Goodbye "),
                        DiscogsTrack(position: "B", title: "I've Got Love Going For Me ")],
            videos: [video(1, "Kiss Me Goodbye - petula clark", 225), video(3, "Petula Clark - Kiss me goodbye", 248)])
        XCTAssertFalse(decide(matcher.match(release), 0).isAutoApproved)
    }

    /// 9342979 Hidden Orchestra - Wingbeats: without a length on the 12", the 6:13 official video and the 11:56 full
    /// track are two recordings, and a person decides.
    func testTwoLengthsOfATrackWithoutALengthStayAmbiguous() {
        let release = DiscogsRelease(
            id: 9_342_979, title: "Wingbeats", artists: [DiscogsArtistCredit(name: "Hidden Orchestra")],
            tracklist: [
                DiscogsTrack(position: "A1", title: "Wingbeats"),
                DiscogsTrack(position: "B1", title: "Wingbeats: Source I - Bird Table"),
            ],
            videos: [
                video(1, "Hidden Orchestra - Wingbeats (Official Video)", 373),
                video(2, "Hidden Orchestra - Wingbeats", 716),
            ])
        XCTAssertFalse(decide(matcher.match(release), 0).isAutoApproved)
    }

    // MARK: - Headings, index tracks, medleys, DJ mixes

    /// 2370027 Brian Eno - Working Backwards: 1983-1973, a box set whose headings are its albums' titles, each also
    /// a song: "Another Green World" heads side E and closes it as E7. Uploads with the real titles' wording.
    func testBoxSetHeadingIsNeitherATrackNorARivalTitle() throws {
        var release = try Fixtures.release(2_370_027)
        release.videos = [
            video(1, "Brian Eno - Another Green World", 101),
            video(2, "Brian Eno - Sky Saw (Another Green World)", 206),
        ]
        let result = matcher.match(release)
        XCTAssertNil(result.track(at: 22), "a heading is never a track to match")
        guard case .autoApproved(let song) = decide(result, 29) else { return XCTFail("\(decide(result, 29))") }
        XCTAssertEqual(song.url, yt(1))
        // The album named beside Sky Saw is its heading: the upload is Sky Saw's, not E7's, and not ambiguous.
        guard case .autoApproved(let skySaw) = decide(result, 23) else { return XCTFail("\(decide(result, 23))") }
        XCTAssertEqual(skySaw.url, yt(2))
        let rival = result.track(at: 29)!.candidates.first { $0.url == yt(2) }!
        XCTAssertNotNil(rival.evidence.signal("names_heading"))
        XCTAssertLessThan(rival.confidence, policy.storeThreshold)
    }

    /// 228202 Freddie Hubbard & Ilhan Mimaroglu - Sing Me A Song Of Songmy: two index entries of sub-tracks; the
    /// uploads are single sub-tracks ("Threnody For Sharon Tate", "Interlude I & Interlude II"), not the parts.
    /// 374278 Pink Floyd - Atom Heart Mother: the upload of the whole suite is the index entry's.
    func testAnUploadOfOneSubTrackIsNotTheIndexEntry() throws {
        let songmy = matcher.match(try Fixtures.release(228_202))
        for index in [0, 1] {
            XCTAssertFalse(decide(songmy, index).isAutoApproved)
        }
        let threnody = songmy.track(at: 0)!.candidates.first { $0.url.hasSuffix("dR4nMlOQ5xY") }!
        XCTAssertNotNil(threnody.evidence.signal("part_of_track"))
        let interludes = songmy.track(at: 1)!.candidates.first { $0.url.hasSuffix("rljqsxDBNpA") }!
        XCTAssertNotNil(interludes.evidence.signal("part_of_track"))

        let floyd = matcher.match(try Fixtures.release(374_278))
        guard case .autoApproved(let suite) = decide(floyd, 0) else { return XCTFail("\(decide(floyd, 0))") }
        XCTAssertTrue(suite.url.hasSuffix("uUHb3cBvWMY"))
        XCTAssertNil(suite.evidence.signal("part_of_track"))
    }

    /// 4497821 Dr. John - Dr. John's Gumbo (real tracklist, no lengths): an upload of one song of the Huey Smith
    /// medley is another version of the entry; an upload titled as the whole medley is the entry's.
    func testOneSongOfAMedleyIsNotTheMedley() {
        func gumbo(_ videos: [DiscogsVideo]) -> DiscogsRelease {
            DiscogsRelease(
                id: 4_497_821, title: "Dr. John's Gumbo", artists: [DiscogsArtistCredit(name: "Dr. John")],
                tracklist: [
                    DiscogsTrack(position: "9", title: "Tipitina  "),
                    DiscogsTrack(position: "10", title: "Those Lonely Lonely Nights    "),
                    DiscogsTrack(position: "11",
                                 title: " Huey Smith Medley: High Blood Pressure/Don't You Just Know It/Well I'll Be John Brown  "),
                    DiscogsTrack(position: "12", title: " Little Liza Jane "),
                ],
                videos: videos)
        }
        let one = matcher.match(gumbo([video(1, "Dr. John - High Blood Pressure", 150)]))
        XCTAssertFalse(decide(one, 2).isAutoApproved)
        XCTAssertNotNil(one.track(at: 2)!.candidates.first!.evidence.signal("part_of_track"))

        let whole = matcher.match(gumbo([
            video(2, "Dr. John - Huey Smith Medley (High Blood Pressure / Don't You Just Know It / Well I'll Be John Brown)", 205),
        ]))
        guard case .autoApproved(let medley) = decide(whole, 2) else { return XCTFail("\(decide(whole, 2))") }
        XCTAssertNil(medley.evidence.signal("part_of_track"))
    }

    /// 121788 Mate Galic - The Original DJ Collection Vol. 1 (format "CD, Mixed"): "Rotor-Type - Be Yourself 1994"
    /// (5:38) is the single, not the 4:54 segment of the mix; an upload of the segment's length is the segment.
    func testASinglesUploadIsNotASegmentOfADJMix() throws {
        var release = try Fixtures.release(121_788)
        XCTAssertEqual(release.formats.first?.descriptions, ["Mixed"])
        let mixed = matcher.match(release)
        XCTAssertFalse(decide(mixed, 3).isAutoApproved)
        let single = mixed.track(at: 3)!.candidates.first { $0.url.hasSuffix("5mok8ZWoAJs") }!
        XCTAssertNotNil(single.evidence.signal("mixed_segment"))

        release.videos = [video(1, "Rotor-Type - Be Yourself (Original Mix)", 296)]
        guard case .autoApproved(let segment) = decide(matcher.match(release), 3) else {
            return XCTFail("\(decide(matcher.match(release), 3))")
        }
        XCTAssertNil(segment.evidence.signal("mixed_segment"))
    }
}
