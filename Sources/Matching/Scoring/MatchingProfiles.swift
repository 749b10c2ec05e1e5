import Foundation

/// An artist name ready for comparison.
struct ArtistProfile: Sendable {
    var tokens: [String]
    var compact: String

    init?(_ name: String) {
        let clean = DiscogsArtistCredit.clean(name)
        tokens = TextNormalizer.tokens(clean)
        compact = tokens.joined()
        if compact.isEmpty { return nil }
    }

    func appears(in videoTokens: [String], compact videoCompact: String) -> Bool {
        if compact.count >= 3, TokenMatch.contains(videoCompact, compact) { return true }
        let significant = tokens.filter { !Vocabulary.stopWords.contains($0) && $0.count > 1 }
        guard !significant.isEmpty else { return false }
        let hits = significant.filter { token in videoTokens.contains { TokenMatch.similar(token, $0) } }
        return Double(hits.count) / Double(significant.count) >= (significant.count > 1 ? 0.6 : 1)
    }

    func appears(inCompact text: String) -> Bool { compact.count >= 3 && TokenMatch.contains(text, compact) }

    /// Profiles of a credit: its name and the name as printed (`anv`), each also romanised when written in
    /// another script ("Кофе" is uploaded as "Kofe").
    static func profiles(of credit: DiscogsArtistCredit) -> [ArtistProfile] {
        let names = [credit.name] + (credit.anv.map { [$0] } ?? [])
        let romanised = names.compactMap { TextNormalizer.romanised(DiscogsArtistCredit.clean($0)) }
        return (names + romanised).compactMap(ArtistProfile.init)
    }
}

/// What is known about the release as a whole: its artists, title, labels and matchable tracks.
struct ReleaseContext: Sendable {
    var releaseArtists: [ArtistProfile]
    var tracks: [TrackProfile]
    /// Tokens any video of this release may carry without saying anything about which track it is.
    var sharedTokens: Set<String>
    /// Tokens of the release's title, artists, labels and genres (without the generic upload vocabulary).
    var releaseNameTokens: Set<String>
    /// Significant title words of each matchable track, to recognise a video that names another track.
    var trackWords: [Set<String>] = []
    /// For each significant title word, the tracklist indices whose titles use it.
    var wordOwners: [String: [Int]] = [:]
    /// Version words every video of this release may carry: those in the artist names, and those in the release
    /// title that no track title uses ("Live At Leeds", but not "Room To Live", which is also a track).
    var versionNeutralTokens: Set<String> = []
    /// The release title without bracketed additions ("(Original Soundtrack)").
    var releaseTitleCore: Set<String>
    /// For each matchable track, the first track it is a copy of (itself when none): the LP and the CD of one
    /// package list the same recordings twice, with the same title, credits and length.
    var copyOf: [Int] = []
    /// The release is a live recording (its title says so): "live" names no other version here.
    var isLive = false
    /// The release is a DJ mix (a format described "Mixed"): its tracks are segments of one continuous mix, cut in
    /// and out of their neighbours, so a single's upload is another version unless the lengths agree.
    var isDJMixed = false

    init(_ release: DiscogsRelease) {
        let credited = release.artists.filter { !DiscogsArtistCredit.isVarious($0.name) }
        releaseArtists = credited.flatMap(ArtistProfile.profiles(of:))
        var shared = Set(TextNormalizer.tokens(release.title))
        for artist in releaseArtists { shared.formUnion(artist.tokens) }
        for label in release.labels { shared.formUnion(TextNormalizer.tokens(DiscogsArtistCredit.clean(label.name))) }
        for credit in release.extraArtists { shared.formUnion(TextNormalizer.tokens(DiscogsArtistCredit.clean(credit.name))) }
        // Uploaders tag videos with the catalogue number, genre or style ("[SK032]", "(Italo Disco)").
        for label in release.labels {
            let catno = TextNormalizer.tokens(label.catno ?? "")
            shared.formUnion(catno)
            if !catno.isEmpty { shared.insert(catno.joined()) }
            // "SUB 012" is written "SUB012" as often as "SUB-12".
            shared.insert(TextNormalizer.fold(label.catno ?? "").replacingOccurrences(of: " ", with: ""))
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
            var profile = TrackProfile(index: index, track: track, heading: heading, releaseArtists: releaseArtists)
            // Uploads often number tracks in running order ("03. Title") whatever the sleeve's positions say.
            profile.contextTokens.insert(String(profiles.count + 1))
            profiles.append(profile)
        }
        tracks = profiles
        sharedTokens = shared
        releaseTitleCore = Set(TitleAnalysis(release.title).core)
        trackWords = profiles.map { Set($0.title.core.filter(TrackMatcher.isSignificantWord)) }
        let allTrackWords = trackWords.reduce(into: Set<String>()) { $0.formUnion($1) }
        for (profile, words) in zip(profiles, trackWords) {
            for word in words { wordOwners[word, default: []].append(profile.index) }
        }
        copyOf = profiles.indices.map { t in
            profiles.indices.first { profiles[$0].isCopy(of: profiles[t]) } ?? t
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
            format.descriptions.contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "mixed" }
        }
    }

    func explains(_ token: String) -> Bool { sharedTokens.contains(token) }

    /// Another track the video names by its whole title and heading, where this track's title is only that
    /// heading's words: "Brian Eno - Sky Saw (Another Green World)" names Sky Saw under the heading "Another Green
    /// World", not the track "Another Green World" that closes the same box set section.
    func trackNamedWithHeading(video: VideoProfile, besides track: TrackProfile) -> TrackProfile? {
        let own = Set(track.title.core.filter(TrackMatcher.isSignificantWord))
        guard !own.isEmpty else { return nil }
        func present(_ token: String) -> Bool { video.tokens.contains { TokenMatch.similar(token, $0) } }
        return tracks.first { other in
            guard other.index != track.index, own.isSubset(of: other.heading) else { return false }
            let words = other.title.core.filter(TrackMatcher.isSignificantWord)
            return !words.isEmpty && !words.contains(where: own.contains) && words.allSatisfy(present)
        }
    }

    /// The tracks (indices into `tracks`) that are copies of track `t`, itself included.
    func copies(of t: Int) -> Set<Int> {
        Set(tracks.indices.filter { copyOf[$0] == copyOf[t] })
    }

    /// Whether `token` is a word of another track's title that this track's title lacks (and not part of the
    /// release's own names): a video carrying it names that other track.
    func namesAnotherTrack(_ token: String, besides track: TrackProfile) -> Bool {
        guard !track.titleTokens.contains(token), !releaseNameTokens.contains(token),
              !track.contextTokens.contains(token) else { return false }
        guard let owners = wordOwners[token] else { return false }
        return owners.contains { $0 != track.index }
    }

    /// Whether the video credits the track's own artist and one of the release's (the remixer of a remix
    /// record), the track being credited to another artist than the release.
    func isRemixedByReleaseArtist(video: VideoProfile, track: TrackProfile) -> Bool {
        guard track.hasOwnArtists,
              !track.artists.contains(where: { own in releaseArtists.contains { $0.compact == own.compact } })
        else { return false }
        return track.artists.contains { $0.appears(in: video.tokens, compact: video.compact) }
            && releaseArtists.contains { $0.appears(in: video.tokens, compact: video.compact) }
    }

    /// Whether the video names the release (most of its title) but none of what sets this track apart from it.
    func namesOnlyRelease(video: VideoProfile, track: TrackProfile) -> Bool {
        let releaseSignificant = releaseTitleCore.filter(TrackMatcher.isSignificant)
        guard !releaseSignificant.isEmpty else { return false }
        let named = releaseSignificant.filter { video.tokenSet.contains($0) }.count
        guard Double(named) / Double(releaseSignificant.count) >= 0.6 else { return false }
        let distinctive = track.title.core.filter { TrackMatcher.isSignificant($0) && !releaseTitleCore.contains($0) }
        guard !distinctive.isEmpty else {
            // The track's title is part of the release's ("Johnny" on "Johnny The Fox"): a video that also names
            // the rest of the release title names the release (or its title track), not this track.
            let rest = releaseSignificant.subtracting(track.titleTokens)
            return !rest.isEmpty && rest.allSatisfy { video.tokenSet.contains($0) }
        }
        return !distinctive.contains { token in video.tokens.contains { TokenMatch.similar(token, $0) } }
    }
}

/// One matchable tracklist entry, pre-digested.
struct TrackProfile: Sendable {
    var index: Int
    var track: DiscogsTrack
    var title: TitleAnalysis
    var titleTokens: Set<String>
    var compactCore: String
    var foldedTitle: String
    var duration: Int?
    var artists: [ArtistProfile]
    var hasOwnArtists: Bool
    /// Tokens that explain words in a video title for this track: its heading, credits and position.
    var contextTokens: Set<String>
    /// The title's other languages, each as a profile of its own ("Máscaras = Masks": "Masks").
    var translations: [TrackProfile] = []
    /// The pieces this entry is made of, each as its significant title words: the sub-tracks of an index entry
    /// (a suite), or the songs of a medley title ("Medley: A / B / C", "Last Rites / Love To Death"). Empty for
    /// an entry of one piece.
    var parts: [[String]] = []
    /// Words of the heading this entry is listed under (a box set's album title, "Another Green World").
    var heading: Set<String> = []
    /// The entry is an index (a suite with sub-tracks): its own title names the whole.
    var isIndex: Bool { track.type == .index }

    var label: String { track.position.isEmpty ? "entry \(index)" : track.position }

    /// The same recording listed again: same title, same credited artists and the same known length to the second.
    /// Titles repeated without lengths (a soundtrack's reprises) stay apart: nothing says they are one recording.
    func isCopy(of other: TrackProfile) -> Bool {
        guard let duration, duration == other.duration else { return false }
        return foldedTitle == other.foldedTitle && artists.map(\.compact) == other.artists.map(\.compact)
    }

    init(index: Int, track: DiscogsTrack, heading: Set<String>, releaseArtists: [ArtistProfile],
         withTranslations: Bool = true) {
        self.index = index
        self.track = track
        title = TitleAnalysis(track.title)
        titleTokens = title.allTokens
        compactCore = title.core.joined()
        foldedTitle = " " + TextNormalizer.tokens(track.title).joined(separator: " ") + " "
        duration = track.durationSeconds
        let own = track.artists.flatMap(ArtistProfile.profiles(of:))
        hasOwnArtists = !own.isEmpty
        artists = own.isEmpty ? releaseArtists : own
        var context = heading
        for artist in artists { context.formUnion(artist.tokens) }
        for credit in track.extraArtists { context.formUnion(TextNormalizer.tokens(DiscogsArtistCredit.clean(credit.name))) }
        let position = TextNormalizer.tokens(track.position)
        context.formUnion(position)
        context.insert(position.joined())
        contextTokens = context
        parts = Self.parts(of: track)
        self.heading = heading
        guard withTranslations else { return }
        var languages = track.title.components(separatedBy: " = ").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        // A title in another script is also uploaded romanised ("Компьютер" as "Kompyuter").
        languages += languages.compactMap(TextNormalizer.romanised)
        if languages.count > 1 {
            translations = languages.map { language in
                var copy = track
                copy.title = language
                return TrackProfile(index: index, track: copy, heading: heading, releaseArtists: releaseArtists,
                                    withTranslations: false)
            }
        }
    }
}

extension TrackProfile {
    /// The pieces of an index entry (its sub-tracks) or of a medley title: the title after a "Medley:" lead-in, cut
    /// at "/". Pieces without a significant word are left out; fewer than two pieces is no medley.
    static func parts(of track: DiscogsTrack) -> [[String]] {
        var titles: [String]
        if track.type == .index {
            titles = track.subTracks.map(\.title)
        } else {
            var title = track.title
            if let colon = title.range(of: ":"),
               TextNormalizer.tokens(String(title[..<colon.lowerBound])).contains("medley") {
                title = String(title[colon.upperBound...])
            }
            titles = title.components(separatedBy: "/")
        }
        let parts = titles.map { TitleAnalysis($0).core.filter(TrackMatcher.isSignificantWord) }.filter { !$0.isEmpty }
        return parts.count >= 2 ? parts : []
    }
}

/// One candidate video, pre-digested.
struct VideoProfile: Sendable {
    var candidate: CandidateVideo
    var tokens: [String]
    var tokenSet: Set<String>
    var compact: String
    var versionWords: Set<String>
    var albumPhrases: [String]
    var discNumbered: Bool
    var descriptionCompact: String
    var timestampCount: Int
    /// The title's parts (split at " - ", "|", "/" and brackets), tokenised.
    var segments: [[String]]
    /// Guests the title credits after "feat."/"ft." in its part ("Faze Action feat. Zeke Manyika - Kariba"):
    /// tracklists often leave them out.
    var guestTokens: Set<String> = []
    /// The uploader's own numbering at the start of the title or of a part ("A1 - ", "B2.", "Side A:", "03."),
    /// left out of everything else: it follows the upload's order, not necessarily this release's.
    var numbering: [String] = []

    /// `titleWords`: words of the release's track titles, never taken for numbering ("Casey Hogan - G4").
    init(_ candidate: CandidateVideo, titleWords: Set<String> = []) {
        self.candidate = candidate
        let (title, numbering) = Self.separatingNumbering(candidate.title, keeping: titleWords)
        self.numbering = numbering
        tokens = TextNormalizer.tokens(title)
        tokenSet = Set(tokens)
        compact = tokens.joined()
        versionWords = TitleAnalysis.versionWords(in: tokens)
        let spaced = " " + tokens.joined(separator: " ") + " "
        albumPhrases = Vocabulary.albumWords.sorted().filter { spaced.contains(" \($0) ") }
        discNumbered = Self.namesDisc(tokens)
        var parts: [[String]] = []
        for segment in TitleAnalysis.segments(of: title) {
            for piece in segment.text.components(separatedBy: CharacterSet(charactersIn: "|/•·")) {
                let pieceTokens = TextNormalizer.tokens(piece)
                if !pieceTokens.isEmpty { parts.append(pieceTokens) }
            }
        }
        segments = parts
        for part in parts {
            if let feat = part.firstIndex(where: { Vocabulary.featuring.contains($0) && $0 != "with" }) {
                guestTokens.formUnion(part[(feat + 1)...])
            }
        }
        // Descriptions can be long and hostile: only the start is read.
        let description = String((candidate.description ?? "").prefix(4000))
        descriptionCompact = TextNormalizer.compact(description)
        timestampCount = Self.timestamps(in: description)
    }

    /// A side letter with a number ("A1", "b2"), "Side A", or a number of one or two digits closed by "." or ")",
    /// at the start of the title or right after a " - " or "|" separator, with the punctuation after it, and
    /// followed by a word (the title it numbers).
    private static let numberingPattern = try! NSRegularExpression(
        pattern: #"(?i)(?:^|(?<=\s[-–—|:]))\s*"#                             // at the start of the title or a part
            + #"(?:side\s+[a-h]\d{0,2}|[a-h]\d{1,2}|\d{1,2}[.)])(?=[\s.:)\-–]|$)"#  // "Side A", "A1", "03." / "3)"
            + #"\s*[.:)\-–]?\s*(?=[\p{L}\p{N}])"#)                            // its punctuation, then a word

    /// The title without the uploader's numbering, and the numbering removed (trimmed, in order).
    static func separatingNumbering(_ title: String, keeping titleWords: Set<String> = []) -> (String, [String]) {
        let ns = title as NSString
        let matches = numberingPattern.matches(in: title, range: NSRange(location: 0, length: ns.length)).filter {
            !titleWords.contains(TextNormalizer.tokens(ns.substring(with: $0.range)).joined())
        }
        guard !matches.isEmpty else { return (title, []) }
        var out = ns
        var removed: [String] = []
        for match in matches.reversed() {
            let text = ns.substring(with: match.range)
            removed.insert(text.trimmingCharacters(in: CharacterSet(charactersIn: " .:)-–")), at: 0)
            out = out.replacingCharacters(in: match.range, with: match.range.location == 0 ? "" : " ") as NSString
        }
        // A title that is nothing but a number ("1.") keeps it: then it is the title.
        let rest = out as String
        return TextNormalizer.tokens(rest).isEmpty ? (title, []) : (rest, removed)
    }

    /// "cd1", "cd 2", "disc 1": the upload is a whole disc.
    static func namesDisc(_ tokens: [String]) -> Bool {
        for (i, token) in tokens.enumerated() {
            for prefix in ["cd", "disc", "disk"] where token.hasPrefix(prefix) {
                let rest = token.dropFirst(prefix.count)
                if !rest.isEmpty, rest.allSatisfy(\.isNumber) { return true }
                if rest.isEmpty, i + 1 < tokens.count, tokens[i + 1].allSatisfy(\.isNumber) { return true }
            }
        }
        return false
    }

    static func timestamps(in text: String) -> Int {
        var count = 0
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func digit(_ k: Int) -> Bool { k < scalars.count && scalars[k].properties.numericType != nil && scalars[k].isASCII }
        while i < scalars.count {
            // d{1,2}:dd not preceded by a digit.
            if digit(i), i == 0 || !digit(i - 1) {
                var j = i
                while digit(j), j - i < 2 { j += 1 }
                if j < scalars.count, scalars[j] == ":", digit(j + 1), digit(j + 2), !digit(j + 3) {
                    count += 1
                    i = j + 3
                    continue
                }
            }
            i += 1
        }
        return count
    }
}
