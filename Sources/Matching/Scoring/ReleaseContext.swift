import Foundation

/// What is known about the release as a whole: its artists, title, labels and matchable tracks, every word of them
/// numbered in one lexicon (read once per release, whatever the number of candidates).
struct ReleaseContext: Sendable {
    var lexicon = TokenLexicon()
    /// Every artist profile of the release: the release's credits first, then the tracks' own.
    var artists: [ArtistProfile] = []
    /// The release's credited artists (indices into `artists`).
    var releaseArtistIndices: [Int] = []
    var releaseArtists: [ArtistProfile] { releaseArtistIndices.map { artists[$0] } }
    var tracks: [TrackProfile] = []
    /// Tokens any video of this release may carry without saying anything about which track it is.
    var sharedTokens: Set<String> = []
    /// Tokens of the release's title, artists, labels and genres (without the generic upload vocabulary).
    var releaseNameTokens: Set<String> = []
    /// Significant title words of each matchable track, to recognise a video that names another track.
    var trackWords: [Set<String>] = []
    /// For each significant title word, the tracklist indices whose titles use it.
    var wordOwners: [String: [Int]] = [:]
    /// Version words every video of this release may carry: those in the artist names, and those in the release
    /// title that no track title uses ("Live At Leeds", but not "Room To Live", which is also a track).
    var versionNeutralTokens: Set<String> = []
    /// The release title without bracketed additions ("(Original Soundtrack)").
    var releaseTitleCore: Set<String> = []
    /// Significant words of `releaseTitleCore`, numbered.
    var releaseTitleSignificantIDs: [Int] = []
    /// For each matchable track, the first track it is a copy of (itself when none): the LP and the CD of one
    /// package list the same recordings twice, with the same title, credits and length.
    var copyOf: [Int] = []
    /// The release is a live recording (its title says so): "live" names no other version here.
    var isLive = false
    /// The release is a DJ mix (a format described "Mixed"): its tracks are segments of one continuous mix, cut in
    /// and out of their neighbours, so a single's upload is another version unless the lengths agree.
    var isDJMixed = false
    /// Compact forms of the release artists' names, numbered: a video word equal to one is explained.
    var releaseArtistCompactIDs = TokenIDSet([])
    /// Words numbered while the release was read; a video's own new words are numbered after them.
    var knownWordCount = 0
    /// The release labels' names, compact: a channel of that name is the label's own.
    var labelCompacts: Set<String> = []

    init(_ release: DiscogsRelease) {
        let credited = release.artists.filter { !DiscogsArtistCredit.isVarious($0.name) }
        releaseArtistIndices = credited.flatMap(ArtistProfile.profiles(of:)).map { addArtist($0) }
        let releaseArtists = self.releaseArtists
        var shared = Set(TextNormalizer.tokens(release.title))
        for artist in releaseArtists { shared.formUnion(artist.tokens) }
        for label in release.labels { shared.formUnion(TextNormalizer.tokens(DiscogsArtistCredit.clean(label.name))) }
        labelCompacts = Set(release.labels.map { TextNormalizer.compact(DiscogsArtistCredit.clean($0.name)) }.filter { $0.count >= 3 })
        for credit in release.extraArtists { shared.formUnion(TextNormalizer.tokens(DiscogsArtistCredit.clean(credit.name))) }
        // Uploaders tag videos with the catalogue number, genre or style ("[SK032]", "(Italo Disco)").
        for label in release.labels {
            let catno = TextNormalizer.tokens(label.catno ?? "")
            shared.formUnion(catno)
            if !catno.isEmpty { shared.insert(catno.joined()) }
            // "SUB 012" is written "SUB012" as often as "SUB-12".
            let folded = TextNormalizer.fold(label.catno ?? "")
            // Folded ASCII text drops its spaces byte by byte; other text keeps Foundation's search.
            shared.insert(folded.utf8.allSatisfy({ $0 < 0x80 })
                ? String(decoding: folded.utf8.filter { $0 != UInt8(ascii: " ") }, as: UTF8.self)
                : folded.replacingOccurrences(of: " ", with: ""))
        }
        for word in release.genres + release.styles { shared.formUnion(TextNormalizer.tokens(word)) }
        releaseNameTokens = shared
        shared.formUnion(Vocabulary.noiseWords)

        var profiles: [TrackProfile] = []
        var heading: Set<String> = []
        for (index, track) in release.tracklist.enumerated() {
            if track.type == .heading {
                heading = Set(TextNormalizer.tokens(track.title))
                continue
            }
            var profile = TrackProfile(index: index, track: track, heading: heading, context: &self)
            // Uploads often number tracks in running order ("03. Title") whatever the sleeve's positions say.
            // Its other words are numbered already: only the running number can be new.
            let runningNumber = String(profiles.count + 1)
            profile.contextTokens.insert(runningNumber)
            profile.contextSet = TokenIDSet(profile.contextSet.members + [lexicon.id(runningNumber)])
            profiles.append(profile)
        }
        for (t, rivals) in Self.headingRivals(of: profiles).enumerated() { profiles[t].headingRivals = rivals }
        tracks = profiles
        sharedTokens = shared
        releaseTitleCore = Set(TitleAnalysis(release.title).core)
        releaseTitleSignificantIDs = lexicon.ids(releaseTitleCore.filter(TrackMatcher.isSignificant).sorted())
        trackWords = profiles.map { Set($0.title.core.filter(TrackMatcher.isSignificantWord)) }
        let allTrackWords = trackWords.reduce(into: Set<String>()) { $0.formUnion($1) }
        for (profile, words) in zip(profiles, trackWords) {
            for word in words { wordOwners[word, default: []].append(profile.index) }
        }
        var firstCopy: [TrackProfile.CopyKey: Int] = [:]
        copyOf = profiles.indices.map { t in
            guard let key = profiles[t].copyKey(artists: artists) else { return t }
            if let first = firstCopy[key] { return first }
            firstCopy[key] = t
            return t
        }
        versionNeutralTokens = Set(TextNormalizer.tokens(release.title)).subtracting(allTrackWords)
        for artist in releaseArtists { versionNeutralTokens.formUnion(artist.tokens) }
        // A live album is titled "Live ..." or "... Alive" ("Frampton Comes Alive!", "United Alive In Madrid"): its
        // recordings are the live ones, so an upload marked "(Live)" names this release's version. Not when the
        // title is a song's ("Stayin' Alive"); and live stays another version on a studio album.
        let titleWords = TitleAnalysis(release.title).core.filter(TrackMatcher.isSignificantWord)
        let titleIsASong = profiles.contains { track in
            titleWords.allSatisfy { word in track.titleTokens.contains { TokenMatch.similar(word, $0) } }
        }
        isLive = Set(TextNormalizer.tokens(release.title)).subtracting(allTrackWords).contains("live")
            || (titleWords.contains("alive") && !titleIsASong && !allTrackWords.contains("live"))
        if isLive { versionNeutralTokens.insert("live") }
        isDJMixed = release.formats.contains { format in
            format.descriptions.contains { TextNormalizer.trimmingWhitespace($0).lowercased() == "mixed" }
        }
        releaseArtistCompactIDs = TokenIDSet(releaseArtists.map { lexicon.id($0.compact) })
        knownWordCount = lexicon.count
    }

    /// The profiles of a track's credit (indices into `artists`), made once per distinct credit: a compilation
    /// credits the same artists on many tracks.
    mutating func artistIndices(of credit: DiscogsArtistCredit) -> [Int] {
        let key = CreditKey(name: credit.name, anv: credit.anv)
        if let known = profilesByCredit[key] { return known }
        let indices = ArtistProfile.profiles(of: credit).map { addArtist($0) }
        profilesByCredit[key] = indices
        return indices
    }

    private struct CreditKey: Hashable { var name: String; var anv: String? }
    private var profilesByCredit: [CreditKey: [Int]] = [:]

    /// Adds an artist profile (its words numbered) and returns its index in `artists`.
    mutating func addArtist(_ profile: ArtistProfile) -> Int {
        var profile = profile
        profile.number(in: &lexicon)
        artists.append(profile)
        return artists.count - 1
    }

    func explains(_ token: String) -> Bool { sharedTokens.contains(token) }

    /// Another track the video names by its whole title and heading, where this track's title is only that
    /// heading's words: "Brian Eno - Sky Saw (Another Green World)" names Sky Saw under the heading "Another Green
    /// World", not the track "Another Green World" that closes the same box set section.
    func trackNamedWithHeading(video: VideoReading, besides track: TrackProfile) -> TrackProfile? {
        for other in track.headingRivals where tracks[other].significantCoreIDs.allSatisfy(video.similarWordInTitle) {
            return tracks[other]
        }
        return nil
    }

    /// For each track, the other tracks (indices into `tracks`, in order) listed under a heading made of this
    /// track's significant title words, whose own title shares none of them: a video naming one of those by its
    /// title names it, not this track (`trackNamedWithHeading`). Depends on the release only.
    static func headingRivals(of tracks: [TrackProfile]) -> [[Int]] {
        tracks.map { track in
            let own = track.significantCore
            guard !own.isEmpty else { return [] }
            return tracks.indices.filter { o in
                let other = tracks[o]
                guard other.index != track.index, own.isSubset(of: other.heading) else { return false }
                return !other.significantCore.isEmpty && other.significantCore.isDisjoint(with: own)
            }
        }
    }

    /// Whether the video credits the track's own artist and one of the release's (the remixer of a remix
    /// record), the track being credited to another artist than the release.
    func isRemixedByReleaseArtist(video: VideoReading, track: TrackProfile) -> Bool {
        guard track.hasOwnArtists,
              !track.artists.contains(where: { own in releaseArtists.contains { $0.compact == artists[own].compact } })
        else { return false }
        return track.artists.contains { video.titleNames(artist: $0) }
            && releaseArtistIndices.contains { video.titleNames(artist: $0) }
    }

    /// Whether the video names the release (most of its title) but none of what sets this track apart from it.
    func namesOnlyRelease(video: VideoReading, track: TrackProfile) -> Bool {
        guard video.namesReleaseTitle else { return false }
        let distinctive = track.coreIDs.filter { lexicon.facts[$0].isSignificant && !releaseTitleCore.contains(lexicon.text($0)) }
        guard !distinctive.isEmpty else {
            // The track's title is part of the release's ("Johnny" on "Johnny The Fox"): a video that also names
            // the rest of the release title names the release (or its title track), not this track.
            let rest = releaseTitleSignificantIDs.filter { !track.titleSet.contains($0) }
            return !rest.isEmpty && rest.allSatisfy { video.titleSet.contains($0) }
        }
        return !distinctive.contains(where: video.similarWordInTitle)
    }
}
