/// Title similarity: how much of the track's title the video names, and how much of the video's title is left
/// unexplained by the track, its artists, the release, its label and upload decoration.
extension TrackMatcher {
    struct TitleMeasure {
        var value: Double
        var detail: String
        var unaccountedSegment: String?
    }

    func titleSimilarity(video: VideoReading, track: TrackProfile, context: ReleaseContext) -> TitleMeasure {
        let facts = context.lexicon.facts
        var wanted = 0.0, found = 0.0
        for id in track.coreIDs {
            let weight = facts[id].weight
            wanted += weight
            if video.namesWord(id) { found += weight }
        }
        for id in track.optionalIDs {
            let weight = facts[id].weight
            wanted += 0.5 * weight
            if video.namesWord(id) { found += 0.5 * weight }
        }
        var coverage = wanted > 0 ? found / wanted : 0
        // Spacing differences ("Cha-Cha" / "ChaCha", scripts without spaces): compare the compact forms.
        if track.compactCoreIsSearchable, TokenMatch.contains(video.profile.compact, track.compactCore) {
            coverage = max(coverage, 1)
        }

        // How much of the video's title the track explains, and how much nothing explains: per distinct word,
        // whether the track's title resembles it, and whether anything accounts for it.
        let count = video.distinct.count
        var resemblesTitle = [Bool](repeating: false, count: count)
        var accounted = [Bool](repeating: false, count: count)
        for place in 0..<count {
            let id = video.distinct[place]
            resemblesTitle[place] = video.resembles(place, anyOf: track.titleSet)
            if resemblesTitle[place] || (!facts[id].isASCII && TokenMatch.contains(track.compactCore, facts[id].text)) {
                accounted[place] = true
            } else if namesAnotherTrack(video: video, place: place, besides: track) {
                continue
            } else if video.explainedByRelease[place] || video.resembles(place, anyOf: track.contextSet) {
                accounted[place] = true
            }
        }
        var explainedByTrack = 0.0, unexplained = 0.0
        // The evidence names the first six unexplained words.
        var unexplainedWords = ""
        var unexplainedCount = 0
        for (position, id) in video.tokenIDs.enumerated() {
            let place = video.distinctPlace[position]
            if resemblesTitle[place] {
                explainedByTrack += facts[id].weight
            } else if !accounted[place] {
                unexplained += facts[id].weight
                if unexplainedCount < 6 {
                    if unexplainedCount > 0 { unexplainedWords += " " }
                    unexplainedWords += facts[id].text
                }
                unexplainedCount += 1
            }
        }
        if coverage > 0, explainedByTrack == 0 { explainedByTrack = found }
        let precision = (explainedByTrack + 0.5) / (explainedByTrack + unexplained + 0.5)
        let value = coverage * precision
        var detail = "covers \(Int((coverage * 100).rounded()))% of the track title"
        if unexplainedCount > 0 {
            detail += "; unexplained: " + unexplainedWords
        }
        // A part of the title that nothing accounts for names something else (a show, an album, an event).
        var segment: String?
        for (places, text) in zip(video.segmentPlaces, video.segmentTexts) {
            if !places.isEmpty, places.allSatisfy({ $0 < 0 || !accounted[$0] }) {
                segment = text
                break
            }
        }
        return TitleMeasure(value: value, detail: detail, unaccountedSegment: segment)
    }

    /// Whether the video's distinct word at `place` is a word of another track's title that this track's title
    /// lacks (and not part of the release's own names): a video carrying it names that other track.
    func namesAnotherTrack(video: VideoReading, place: Int, besides track: TrackProfile) -> Bool {
        let id = video.distinct[place]
        guard !track.titleSet.contains(id), !video.inReleaseNames[place], !track.contextSet.contains(id) else { return false }
        return video.owners[place].contains { $0 != track.index }
    }

    /// A word that identifies a title (numbers included; stopwords and one-letter words not).
    static func isSignificantWord(_ token: String) -> Bool {
        if token.first?.isNumber == true { return true }
        return token.count > 1 && !Vocabulary.stopWords.contains(token)
    }

    static func isSignificant(_ token: String) -> Bool {
        if token.first?.isNumber == true { return true }
        return token.count > 1 && !Vocabulary.stopWords.contains(token) && !Vocabulary.noiseWords.contains(token)
    }

    static func isYear(_ token: String) -> Bool {
        token.count == 4 && token.allSatisfy(\.isNumber) && (token.hasPrefix("19") || token.hasPrefix("20"))
    }
}
