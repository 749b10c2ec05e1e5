import Foundation

/// One matchable tracklist entry, pre-digested: its words as strings (for the evidence) and as numbers of the
/// release's lexicon (for scoring).
struct TrackProfile: Sendable {
    var index: Int
    var track: DiscogsTrack
    var title: TitleAnalysis
    var titleTokens: Set<String>
    var compactCore: String
    /// `compactCore` is long enough (4 characters or more) to be looked for inside a video's compact title.
    var compactCoreIsSearchable: Bool
    var foldedTitle: String
    var duration: Int?
    /// `duration` as the evidence prints it ("3:05").
    var durationText: String
    /// Indices into the release's `ReleaseContext.artists`: the track's own credits, else the release's.
    var artists: [Int]
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

    // The same words as numbers of the release's lexicon.
    var coreIDs: [Int] = []
    var optionalIDs: [Int] = []
    var titleSet = TokenIDSet([])
    var contextSet = TokenIDSet([])
    var partIDs: [[Int]] = []
    /// Significant words of the core title.
    var significantCore: Set<String> = []
    var significantCoreIDs: [Int] = []
    /// Identifying numbers of the core title (part, volume), as strings for the evidence.
    var identifyingNumbers: Set<String> = []
    /// Tracks whose title a video may name with this track's title as their heading (`ReleaseContext.headingRivals`).
    var headingRivals: [Int] = []
    /// The title itself names a disc ("cd", "disc"): a video naming one is not a whole disc then.
    var namesDisc = false
    /// The title names "live": a live video is this song's own version then.
    var namesLive = false

    var label: String { track.position.isEmpty ? "entry \(index)" : track.position }

    init(index: Int, track: DiscogsTrack, heading: Set<String>, context: inout ReleaseContext,
         withTranslations: Bool = true) {
        self.index = index
        self.track = track
        title = TitleAnalysis(track.title)
        titleTokens = title.allTokens
        compactCore = title.core.joined()
        compactCoreIsSearchable = compactCore.count >= 4
        foldedTitle = " " + TextNormalizer.tokens(track.title).joined(separator: " ") + " "
        duration = track.durationSeconds
        durationText = TrackDuration.format(duration ?? 0)
        let own = track.artists.flatMap { context.artistIndices(of: $0) }
        hasOwnArtists = !own.isEmpty
        artists = own.isEmpty ? context.releaseArtistIndices : own
        var words = heading
        for artist in artists { words.formUnion(context.artists[artist].tokens) }
        for credit in track.extraArtists { words.formUnion(TextNormalizer.tokens(DiscogsArtistCredit.clean(credit.name))) }
        let position = TextNormalizer.tokens(track.position)
        words.formUnion(position)
        words.insert(position.joined())
        contextTokens = words
        parts = Self.parts(of: track)
        self.heading = heading
        number(in: &context.lexicon)
        guard withTranslations else { return }
        // Most titles hold no "=" (nor "/" below): answered on the bytes, without Foundation's search.
        let titles = track.title.utf8.contains(UInt8(ascii: "=")) ? track.title.components(separatedBy: " = ") : [track.title]
        var languages = titles.filter { !TitleAnalysis.isBlank($0) }
        // A title in another script is also uploaded romanised ("Компьютер" as "Kompyuter").
        languages += languages.compactMap(TextNormalizer.romanised)
        if languages.count > 1 {
            translations = languages.map { language in
                var copy = track
                copy.title = language
                return TrackProfile(index: index, track: copy, heading: heading, context: &context, withTranslations: false)
            }
        }
    }

    /// Numbers every word the scoring asks about; `contextTokens` is numbered again by the release when it adds
    /// the running-order number.
    mutating func number(in lexicon: inout TokenLexicon) {
        coreIDs = lexicon.ids(title.core)
        optionalIDs = lexicon.ids(title.optional)
        titleSet = TokenIDSet(lexicon.ids(titleTokens.sorted()))
        contextSet = TokenIDSet(lexicon.ids(contextTokens.sorted()))
        partIDs = parts.map { lexicon.ids($0) }
        // The lexicon's facts are `TrackMatcher.isSignificantWord`, measured once per word.
        significantCoreIDs = coreIDs.filter { lexicon.facts[$0].isSignificantWord }
        significantCore = Set(significantCoreIDs.map { lexicon.text($0) })
        identifyingNumbers = Set(coreIDs.filter { lexicon.facts[$0].isIdentifyingNumber }.map { lexicon.text($0) })
        namesDisc = titleTokens.contains("cd") || titleTokens.contains("disc")
        namesLive = titleTokens.contains("live")
    }

    /// The same recording listed again: same title, same credited artists and the same known length to the second.
    /// Titles repeated without lengths (a soundtrack's reprises) stay apart: nothing says they are one recording.
    struct CopyKey: Hashable {
        var duration: Int
        var foldedTitle: String
        var artists: [String]
    }

    /// The key two copies of one recording share; nil when the length is unknown (nothing says they are one).
    func copyKey(artists table: [ArtistProfile]) -> CopyKey? {
        guard let duration else { return nil }
        return CopyKey(duration: duration, foldedTitle: foldedTitle, artists: artists.map { table[$0].compact })
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
            // Most titles hold no ":": answered on the bytes, without a walk over the characters.
            if title.utf8.contains(UInt8(ascii: ":")), let colon = title.firstIndex(of: ":"),
               TextNormalizer.tokens(String(title[..<colon])).contains("medley") {
                title = String(title[title.index(after: colon)...])
            }
            titles = title.utf8.contains(UInt8(ascii: "/")) ? title.components(separatedBy: "/") : [title]
        }
        guard titles.count >= 2 else { return [] }  // one piece is no medley, whatever its words
        let parts = titles.map { TitleAnalysis($0).core.filter(TrackMatcher.isSignificantWord) }.filter { !$0.isEmpty }
        return parts.count >= 2 ? parts : []
    }
}
