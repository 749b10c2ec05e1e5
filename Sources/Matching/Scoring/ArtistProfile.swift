/// An artist name ready for comparison.
struct ArtistProfile: Sendable {
    var tokens: [String]
    var compact: String
    /// `compact` is long enough (3 characters or more) to be looked for inside other text.
    var compactIsSearchable: Bool
    /// The numbers (in the release's lexicon) of the words that identify the name: no stopwords, no single letters.
    var significantIDs: [Int] = []

    init?(_ name: String) {
        let clean = DiscogsArtistCredit.clean(name)
        tokens = TextNormalizer.tokens(clean)
        compact = tokens.joined()
        if compact.isEmpty { return nil }
        compactIsSearchable = compact.count >= 3
    }

    /// Numbers the name's significant words in `lexicon` (once, when the release is read).
    mutating func number(in lexicon: inout TokenLexicon) {
        significantIDs = tokens.filter { !Vocabulary.stopWords.contains($0) && $0.count > 1 }.map { lexicon.id($0) }
    }

    /// Whether the video's title names this artist: the whole name inside the title's compact form, or most of its
    /// significant words (at least 60 %, all of a one-word name) as words of the title.
    func appears(in video: VideoReading) -> Bool {
        if compactIsSearchable, TokenMatch.contains(video.profile.compact, compact) { return true }
        guard !significantIDs.isEmpty else { return false }
        var hits = 0
        for id in significantIDs where video.similarWordInTitle(id) { hits += 1 }
        return Double(hits) / Double(significantIDs.count) >= (significantIDs.count > 1 ? 0.6 : 1)
    }

    func appears(inCompact text: String) -> Bool { compactIsSearchable && TokenMatch.contains(text, compact) }

    /// Profiles of a credit: its name and the name as printed (`anv`), each also romanised when written in
    /// another script ("Кофе" is uploaded as "Kofe").
    static func profiles(of credit: DiscogsArtistCredit) -> [ArtistProfile] {
        let names = [credit.name] + (credit.anv.map { [$0] } ?? [])
        let romanised = names.compactMap { TextNormalizer.romanised(DiscogsArtistCredit.clean($0)) }
        return (names + romanised).compactMap(ArtistProfile.init)
    }
}
