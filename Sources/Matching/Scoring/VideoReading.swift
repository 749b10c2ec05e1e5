/// One candidate as this release reads it: its title words numbered in the release's lexicon, and everything about
/// them that does not depend on the track measured once (which release words each resembles, which artists the
/// title names, whether it names the release). Scoring the video against each track then only combines these.
struct VideoReading {
    let profile: VideoProfile
    /// The title's words, numbered, in order (repeats kept).
    var tokenIDs: [Int]
    var titleSet: TokenIDSet
    /// The title's distinct words in first-appearance order, and for each word of `tokenIDs` its place among them.
    var distinct: [Int] = []
    var distinctPlace: [Int] = []
    /// For each distinct word, the release words (known before the video was read) it is similar to, itself
    /// included when it is one.
    var similarReleaseWords: [[Int]] = []
    /// For each distinct word: explained whatever the track (the release's names, upload vocabulary, a guest, a
    /// release artist's whole name).
    var explainedByRelease: [Bool] = []
    /// For each distinct word: one of the release's own names (title, artists, labels, genres).
    var inReleaseNames: [Bool] = []
    /// For each distinct word: the tracklist indices whose titles use it as a significant word.
    var owners: [[Int]] = []
    /// For each release word: a word of the title is similar to it (`TokenMatch.similar`).
    private var similarInTitle: [Bool] = []
    /// For each release word: the title names it (the word itself, a similar one, or inside the compact title for
    /// words in other scripts).
    private var namedInTitle: [Bool] = []
    /// For each of the release's artist profiles: the title names it, the description names it.
    var artistInTitle: [Bool] = []
    var artistInDescription: [Bool] = []
    /// The video names most of the release title (60 % of its significant words or more).
    var namesReleaseTitle = false
    /// For each title segment, the places (in `distinct`) of its significant words, -1 for a word the title's own
    /// tokens do not have; and the segment as text.
    var segmentPlaces: [[Int]] = []
    var segmentTexts: [String] = []
    /// The uploader's numbering as release words (nil where it is none), and the evidence it gives either way.
    var numberingIDs: [Int?] = []
    var numberingDetailOwn = ""
    var numberingDetailOther = ""
    var identifyingNumbers: Set<String> = []
    /// The length as the evidence prints it.
    var durationText: String
    /// Version words no word of the release's names makes neutral.
    var versionWordsBeyondRelease: Set<String>
    /// The whole-album phrases, spaced as looked for in a track's folded title.
    var spacedAlbumPhrases: [String]

    init(_ profile: VideoProfile, context: inout ReleaseContext) {
        self.profile = profile
        tokenIDs = context.lexicon.ids(profile.tokens)
        titleSet = TokenIDSet(tokenIDs)
        durationText = TrackDuration.format(profile.candidate.durationSeconds ?? 0)
        versionWordsBeyondRelease = profile.versionWords.subtracting(context.versionNeutralTokens)
        spacedAlbumPhrases = profile.albumPhrases.map { " \($0) " }
        let lexicon = context.lexicon
        let known = context.knownWordCount

        var placeOf: [Int: Int] = [:]
        for id in tokenIDs {
            if let place = placeOf[id] {
                distinctPlace.append(place)
            } else {
                placeOf[id] = distinct.count
                distinctPlace.append(distinct.count)
                distinct.append(id)
            }
        }
        similarInTitle = [Bool](repeating: false, count: known)
        let byteCounts = lexicon.byteCounts
        for id in distinct {
            var similar: [Int] = []
            let idBytes = byteCounts[id]
            // Lengths first: only a word of about the same length (or the word itself) goes on to `similar`.
            for word in 0..<known where word == id
                || (TokenLexicon.maySimilar(byteCount: byteCounts[word], idBytes) && lexicon.similar(word, id)) {
                similar.append(word)
                similarInTitle[word] = true
            }
            similarReleaseWords.append(similar)
            let facts = lexicon.facts[id]
            let text = facts.text
            explainedByRelease.append(context.explains(text) || context.releaseArtistCompactIDs.contains(id)
                || facts.isUploadVocabulary || profile.guestTokens.contains(text))
            inReleaseNames.append(context.releaseNameTokens.contains(text))
            owners.append(context.wordOwners[text] ?? [])
        }
        namedInTitle = similarInTitle
        for word in 0..<known where !lexicon.facts[word].isASCII {
            // Words in other scripts are named inside the compact title, not by a similar word.
            namedInTitle[word] = titleSet.contains(word) || TokenMatch.contains(profile.compact, lexicon.text(word))
        }
        identifyingNumbers = Set(tokenIDs.filter { lexicon.facts[$0].isIdentifyingNumber }.map { lexicon.text($0) })

        let significantRelease = context.releaseTitleSignificantIDs
        if !significantRelease.isEmpty {
            let named = significantRelease.filter { titleSet.contains($0) }.count
            namesReleaseTitle = Double(named) / Double(significantRelease.count) >= 0.6
        }

        for segment in profile.segments {
            segmentTexts.append(segment.joined(separator: " "))
            segmentPlaces.append(segment.filter(TrackMatcher.isSignificant).map { word in
                lexicon.lookup(word).flatMap { placeOf[$0] } ?? -1
            })
        }

        if !profile.numbering.isEmpty {
            numberingIDs = profile.numbering.map { lexicon.lookup(TextNormalizer.tokens($0).joined()) }
            let named = "left out the uploader's numbering \"\(profile.numbering.joined(separator: "\", \""))\" ("
            numberingDetailOwn = named + "this track's position)"
            numberingDetailOther = named + "not this track's position: the upload's own order)"
        }

        artistInTitle = context.artists.map { $0.appears(in: self) }
        artistInDescription = context.artists.map { $0.appears(inCompact: profile.descriptionCompact) }
    }

    /// Whether a word of the title is similar to the release word `id` (`TokenMatch.similar`, equality included).
    func similarWordInTitle(_ id: Int) -> Bool { similarInTitle[id] }

    /// Whether the title names the release word `id`: itself or a similar word, or for a word in another script,
    /// the word inside the compact title.
    func namesWord(_ id: Int) -> Bool { namedInTitle[id] }

    func titleNames(artist: Int) -> Bool { artistInTitle[artist] }

    /// Whether the distinct word at `place` is similar to a word of `set` (a track's title or context words).
    func resembles(_ place: Int, anyOf set: TokenIDSet) -> Bool {
        similarReleaseWords[place].contains(where: set.contains)
    }
}
