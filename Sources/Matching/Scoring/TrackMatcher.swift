import Foundation

/// Weights and penalty factors of the matcher. The defaults are the product's; tests may vary them.
public struct MatcherConfiguration: Codable, Sendable, Hashable {
    public var titleWeight = 0.55
    public var artistWeight = 0.20
    public var durationWeight = 0.25
    /// Duration agreement assumed when either length is unknown (neither evidence for nor against).
    public var unknownDurationValue = 0.5
    /// Title similarity at which artist and duration evidence counts in full.
    public var corroborationTitleLevel = 0.6
    /// Multipliers applied when a penalty fires (smaller is harsher).
    public var fullAlbumFactor = 0.3
    public var differentVersionFactor = 0.4
    public var lesserVersionFactor = 0.6
    /// The track is a named mix ("Club Mix") and the video does not say which mix it is.
    public var unnamedMixFactor = 0.8
    public var durationMismatchFactor = 0.5
    /// A video that fits another track of the release better keeps at most this share of its score here.
    public var otherTrackFactor = 0.45
    /// How fast that share shrinks as the other track's lead grows (score units).
    public var otherTrackGapScale = 0.08
    /// The most a video's best track loses when another track fits it equally well...
    public var tieLoss = 0.4
    /// ...fading as the best track's lead grows (score units).
    public var tieMarginScale = 0.05
    /// The video names only the release (its title and artist), not this track.
    public var namesReleaseFactor = 0.3
    /// The track's number (part, volume) is absent and the video carries a different one.
    public var numberConflictFactor = 0.5
    /// A whole part of the video title (a TV show, another album, an uploader tag) is accounted for by nothing.
    public var unaccountedSegmentFactor = 0.6
    /// Length agreement below this (lengths known, not grossly apart) marks another edit or take of the song.
    public var differentLengthLevel = 0.25
    public var differentLengthFactor = 0.6
    /// Two uploads whose lengths differ by at most this share (and at least 6 s is allowed) may be one recording.
    public var sameRecordingTolerance = 0.03
    /// The same, for a track the tracklist gives no length: nothing then says which of two near lengths is the
    /// record's, and rips of one record differ by their lead-in, run-out and speed (2:38, 2:46 and 2:52 uploads of
    /// one 1961 B side); at most `sameRecordingMaxSecondsWithoutTrackLength` apart, more is another edit.
    public var sameRecordingToleranceWithoutTrackLength = 0.10
    public var sameRecordingMaxSecondsWithoutTrackLength = 15
    /// A video length this close to the track's (seconds) says which version of the song it is.
    public var exactLengthSeconds = 5.0

    public init() {}

    public static let `default` = MatcherConfiguration()
}

/// Scores every candidate recording against every tracklist entry of a release. Pure and deterministic.
///
/// Per pair it measures title similarity (how much of the track's title the video names, and how much of the
/// video's title is left unexplained by the track, its artists, the release, its label and upload decoration),
/// artist agreement (title, else description), and duration agreement; then applies penalties for whole-album
/// uploads, another version (live, remix, instrumental, cover...) and a grossly different length. Finally it
/// reasons across the release: a video normally belongs to one track, so where it fits another track better its
/// score here is cut, and where two tracks fit it equally well neither gets it outright.
public struct TrackMatcher: Sendable {
    public var configuration: MatcherConfiguration

    public init(configuration: MatcherConfiguration = .default) { self.configuration = configuration }

    public func match(_ release: DiscogsRelease, provider: any CandidateProvider = ReleaseVideosProvider())
        -> ReleaseMatchResult {
        match(release, candidates: provider.candidates(for: release))
    }

    public func match(_ release: DiscogsRelease, candidates: [CandidateVideo]) -> ReleaseMatchResult {
        guard !candidates.isEmpty else {
            return ReleaseMatchResult(releaseID: release.id, tracks: release.tracklist.enumerated()
                .filter { $0.element.isMatchable }
                .map { TrackMatchResult(trackIndex: $0.offset, position: $0.element.position, title: $0.element.title, candidates: []) })
        }
        let context = ReleaseContext(release)
        let tracks = context.tracks
        let titleWords = context.tracks.reduce(into: Set<String>()) { $0.formUnion($1.titleTokens) }
        let videos = candidates.map { VideoProfile($0, titleWords: titleWords) }

        // Raw score of every (video, track) pair.
        var raw: [[PairScore]] = []
        raw.reserveCapacity(videos.count)
        for video in videos {
            raw.append(tracks.map { score(video: video, track: $0, context: context) })
        }

        // Global step: compare each video's fit across the release's tracks.
        var perTrack: [[ScoredCandidate]] = Array(repeating: [], count: tracks.count)
        for (v, video) in videos.enumerated() {
            let platform = Platform.infer(fromURL: video.candidate.url)
            let scores = raw[v].map(\.value)
            guard let bestIndex = scores.indices.max(by: { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) })
            else { continue }
            let best = scores[bestIndex]
            // Copies of the best track (the LP and CD of one package) are the same recording: no rivals of it.
            let copies = context.copies(of: bestIndex)
            let others = scores.indices.filter { !copies.contains($0) }
            let second = others.map { scores[$0] }.max() ?? 0
            for t in tracks.indices {
                var signals = raw[v][t].signals
                var value = raw[v][t].value
                let factor: Double
                let detail: String
                if copies.contains(t) {
                    let margin = best - second
                    factor = !others.isEmpty && second > 0
                        ? 1 - configuration.tieLoss * exp(-margin / configuration.tieMarginScale) : 1
                    detail = others.isEmpty ? (copies.count > 1 ? "only track (and its copies)" : "only track")
                        : "fits this track best (next best \(Self.round(second)))"
                        + (copies.count > 1 ? "; copies of it in this package: \(copies.count - 1)" : "")
                } else {
                    let gap = best - scores[t]
                    factor = configuration.otherTrackFactor * exp(-gap / configuration.otherTrackGapScale)
                    detail = "fits \(tracks[bestIndex].label) better (\(Self.round(best)) vs \(Self.round(scores[t])))"
                }
                let before = value
                value *= factor
                signals.append(EvidenceSignal(
                    name: "exclusivity", value: Self.round(factor), weight: 1, contribution: Self.round(value - before),
                    detail: detail))
                let confidence = min(1, max(0, Self.round(value)))
                perTrack[t].append(ScoredCandidate(
                    url: video.candidate.url, platform: platform,
                    videoTitle: video.candidate.title, durationSeconds: video.candidate.durationSeconds,
                    source: video.candidate.source, confidence: confidence, evidence: MatchEvidence(signals: signals)))
            }
        }

        let profiles = Dictionary(videos.map { ($0.candidate.url, $0) }, uniquingKeysWith: { first, _ in first })
        let results = tracks.enumerated().map { t, track in
            let sorted = perTrack[t].sorted {
                $0.confidence != $1.confidence ? $0.confidence > $1.confidence : $0.url < $1.url
            }
            return TrackMatchResult(
                trackIndex: track.index, position: track.track.position, title: track.track.title,
                candidates: markSameRecordings(sorted, track: track, profiles: profiles, context: context))
        }
        return ReleaseMatchResult(releaseID: release.id, tracks: results)
    }

    // MARK: - One recording, several uploads

    /// Marks candidates (best first) that are uploads of one recording: the same length (within
    /// `sameRecordingTolerance`, or `sameRecordingToleranceWithoutTrackLength` when the track has no length) and the
    /// same version words, neither a whole album. Each member gets a `same_recording` signal whose detail names the
    /// group by its best upload, so the policy can tell duplicates of one recording (not ambiguous) from two
    /// recordings (ambiguous) with nothing but the stored evidence.
    func markSameRecordings(_ candidates: [ScoredCandidate], track: TrackProfile, profiles: [String: VideoProfile],
                            context: ReleaseContext) -> [ScoredCandidate] {
        // The version a video is: the one it names, or the track's when its length says so.
        func version(_ candidate: ScoredCandidate, _ profile: VideoProfile) -> Set<String> {
            let named = profile.versionWords.subtracting(context.versionNeutralTokens)
            return candidate.evidence.signal("version_by_length") == nil ? named : named.union(track.title.versionWords)
        }
        let tolerance = track.duration == nil
            ? configuration.sameRecordingToleranceWithoutTrackLength : configuration.sameRecordingTolerance
        let maxApart = track.duration == nil ? configuration.sameRecordingMaxSecondsWithoutTrackLength : Int.max
        var groups: [[Int]] = []
        for (index, candidate) in candidates.enumerated() {
            guard candidate.confidence > 0, let profile = profiles[candidate.url], profile.albumPhrases.isEmpty,
                  let length = candidate.durationSeconds else { continue }
            let versions = version(candidate, profile)
            if let g = groups.firstIndex(where: { group in
                let lead = candidates[group[0]]
                guard let leadLength = lead.durationSeconds, let leadProfile = profiles[lead.url] else { return false }
                return Self.sameLength(length, leadLength, tolerance: tolerance) && abs(length - leadLength) <= maxApart
                    && version(lead, leadProfile) == versions
            }) {
                groups[g].append(index)
            } else {
                groups.append([index])
            }
        }
        var out = candidates
        for group in groups where group.count > 1 {
            let lead = candidates[group[0]]
            let detail = "one of \(group.count) uploads of the same title and length "
                + "(\(TrackDuration.format(lead.durationSeconds ?? 0))); the first is \(lead.url)"
            for index in group {
                // Before the closing exclusivity signal, which stays last.
                let signals = out[index].evidence.signals
                out[index].evidence.signals.insert(EvidenceSignal(
                    name: MatchEvidence.sameRecordingSignal, value: 1, weight: 0, contribution: 0, detail: detail),
                    at: max(0, signals.count - 1))
            }
        }
        return out
    }

    /// Two lengths of one recording: apart by at most `tolerance` of the longer one, or 6 s for short tracks.
    static func sameLength(_ a: Int, _ b: Int, tolerance: Double) -> Bool {
        Double(abs(a - b)) <= max(6, tolerance * Double(max(a, b)))
    }

    // MARK: - Pair scoring

    struct PairScore { var value: Double; var signals: [EvidenceSignal] }

    func score(video: VideoProfile, track: TrackProfile, context: ReleaseContext) -> PairScore {
        let cfg = configuration
        var signals: [EvidenceSignal] = []

        // Title similarity.
        // A title given in two languages ("Máscaras = Masks") is named by either.
        let title = ([track] + track.translations).map { titleSimilarity(video: video, track: $0, context: context) }
            .max { $0.value < $1.value }!
        let titleContribution = cfg.titleWeight * title.value
        signals.append(EvidenceSignal(
            name: "title", value: Self.round(title.value), weight: cfg.titleWeight,
            contribution: Self.round(titleContribution), detail: title.detail))

        if !video.numbering.isEmpty {
            let own = video.numbering.filter { track.contextTokens.contains(TextNormalizer.tokens($0).joined()) }
            signals.append(EvidenceSignal(
                name: "uploader_numbering", value: own.isEmpty ? 0 : 1, weight: 0, contribution: 0,
                detail: "left out the uploader's numbering \"\(video.numbering.joined(separator: "\", \""))\" ("
                    + (own.isEmpty ? "not this track's position: the upload's own order)" : "this track's position)")))
        }

        // Artist agreement.
        let artist = artistAgreement(video: video, track: track, context: context)
        signals.append(EvidenceSignal(
            name: "artist", value: artist.value, weight: cfg.artistWeight,
            contribution: Self.round(cfg.artistWeight * artist.value), detail: artist.detail))

        // Duration agreement.
        let duration = durationAgreement(video: video.candidate.durationSeconds, track: track.duration)
        signals.append(EvidenceSignal(
            name: "duration", value: Self.round(duration.value), weight: cfg.durationWeight,
            contribution: Self.round(cfg.durationWeight * duration.value), detail: duration.detail))

        // Artist and length only corroborate: they count in full once the title names the song, and not at all
        // when it does not (the same artist's other song of about the same length is no match).
        let corroboration = min(1, title.value / cfg.corroborationTitleLevel)
        var value = titleContribution
            + corroboration * (cfg.artistWeight * artist.value + cfg.durationWeight * duration.value)
        if corroboration < 1 {
            signals.append(EvidenceSignal(
                name: "corroboration", value: Self.round(corroboration), weight: 1,
                contribution: Self.round(-(1 - corroboration) * (cfg.artistWeight * artist.value
                    + cfg.durationWeight * duration.value)),
                detail: "artist and length count only as far as the title names the song"))
        }

        func penalise(_ name: String, _ factor: Double, _ detail: String) {
            let before = value
            value *= factor
            signals.append(EvidenceSignal(
                name: name, value: factor, weight: 1, contribution: Self.round(value - before), detail: detail))
        }

        if let segment = title.unaccountedSegment {
            penalise("unaccounted_text", cfg.unaccountedSegmentFactor, "nothing accounts for \"\(segment)\"")
        }
        let trackNumbers = Self.identifyingNumbers(track.title.core)
        let videoNumbers = Self.identifyingNumbers(video.tokens)
        if !trackNumbers.isEmpty, !videoNumbers.isEmpty, trackNumbers.isDisjoint(with: videoNumbers) {
            penalise("number_conflict", cfg.numberConflictFactor,
                     "track is number \(trackNumbers.sorted().joined(separator: "/")), the video says \(videoNumbers.sorted().joined(separator: "/"))")
        }
        if context.namesOnlyRelease(video: video, track: track) {
            penalise("names_release", cfg.namesReleaseFactor, "video names the release, not this track")
        }
        if let other = context.trackNamedWithHeading(video: video, besides: track) {
            penalise("names_heading", cfg.namesReleaseFactor,
                     "the video names \(other.label) \"\(other.track.title)\" with its heading, which is this track's title")
        }
        if let album = fullAlbumReason(video: video, track: track) {
            penalise("full_album", cfg.fullAlbumFactor, album)
        }
        // Version words that are part of the release's names ("Live At Leeds", the band Live) describe every track.
        // A track title's own word ("Room To Live") does not make the release live.
        var extraVersions = video.versionWords.subtracting(track.titleTokens).subtracting(context.versionNeutralTokens)
        if context.isLive, video.versionWords.contains("live"), !track.titleTokens.contains("live") {
            signals.append(EvidenceSignal(
                name: "live_release", value: 1, weight: 0, contribution: 0,
                detail: "the release is a live recording: the video's \"live\" names this release's version"))
        }
        if !extraVersions.isEmpty, extraVersions.isSubset(of: Vocabulary.remixWords),
           context.isRemixedByReleaseArtist(video: video, track: track) {
            // "soz.IO - Gimme Chocolate (Ayane Fukumi Remix)" on Ayane Fukumi's own record: the remix is this
            // release's version of another artist's track.
            signals.append(EvidenceSignal(
                name: "remix_by_release_artist", value: 1, weight: 1, contribution: 0,
                detail: "the video's \(extraVersions.sorted().joined(separator: "/")) is by the release's artist, "
                    + "on a track credited to another"))
            extraVersions = []
        }
        let strongExtra = extraVersions.filter(Vocabulary.strongVersionWords.contains)
        if !strongExtra.isEmpty {
            penalise("different_version", cfg.differentVersionFactor,
                     "video is a \(strongExtra.sorted().joined(separator: "/")) version")
        } else if !extraVersions.isEmpty {
            penalise("different_mix", cfg.lesserVersionFactor,
                     "video names a \(extraVersions.sorted().joined(separator: "/")) the track does not")
        }
        let missingVersions = track.title.versionWords.subtracting(video.tokenSet)
        if !missingVersions.isEmpty {
            let strong = missingVersions.contains(where: Vocabulary.strongVersionWords.contains)
            let named = missingVersions.sorted().joined(separator: "/")
            if !strong, extraVersions.isEmpty, duration.exact {
                // A radio edit and the extended mix differ in length: a length that agrees says which one it is.
                signals.append(EvidenceSignal(
                    name: "version_by_length", value: 1, weight: 1, contribution: 0,
                    detail: "track is the \(named) version; the video does not say so, but its length agrees (\(duration.detail))"))
            } else {
                penalise("version_not_named", strong ? cfg.differentVersionFactor : cfg.unnamedMixFactor,
                         "track is the \(named) version; the video does not say so")
            }
        }
        if let part = partOfTrack(video: video, track: track) {
            // Policy, not score: one song of a medley, or one sub-track of a suite, is not the whole entry; a person
            // decides.
            signals.append(EvidenceSignal(name: "part_of_track", value: 1, weight: 0, contribution: 0, detail: part))
        }
        if context.isDJMixed, !duration.exact {
            // A DJ mix cuts its tracks in and out of each other: the single's upload is another version of the mixed
            // segment unless its length agrees with the segment's.
            signals.append(EvidenceSignal(
                name: "mixed_segment", value: 1, weight: 0, contribution: 0,
                detail: "the release is a DJ mix and the lengths do not agree (\(duration.detail)): "
                    + "the upload is the single, not the mixed segment"))
        }
        if duration.severe {
            penalise("duration_mismatch", cfg.durationMismatchFactor, duration.detail)
        } else if duration.value < cfg.differentLengthLevel {
            // Well outside the tolerance but not grossly: a video edit, a single edit or another take.
            penalise("different_length", cfg.differentLengthFactor, "another edit or take? \(duration.detail)")
        }
        return PairScore(value: value, signals: signals)
    }

    struct Measure {
        var value: Double
        var detail: String
        var severe = false
        /// Both lengths known and equal within a few seconds (`exactLengthSeconds`).
        var exact = false
    }

    struct TitleMeasure {
        var value: Double
        var detail: String
        var unaccountedSegment: String?
    }

    static func tokenWeight(_ token: String) -> Double {
        if token.first?.isNumber == true { return 1 }
        return Vocabulary.stopWords.contains(token) || token.count == 1 ? 0.3 : 1
    }

    func titleSimilarity(video: VideoProfile, track: TrackProfile, context: ReleaseContext) -> TitleMeasure {
        let weight = Self.tokenWeight
        func present(_ token: String) -> Bool {
            if video.tokenSet.contains(token) { return true }
            if !token.allSatisfy(\.isASCII) { return TokenMatch.contains(video.compact, token) }
            return video.tokens.contains { TokenMatch.similar(token, $0) }
        }

        var wanted = 0.0, found = 0.0
        for token in track.title.core {
            wanted += weight(token)
            if present(token) { found += weight(token) }
        }
        for token in track.title.optional {
            wanted += 0.5 * weight(token)
            if present(token) { found += 0.5 * weight(token) }
        }
        var coverage = wanted > 0 ? found / wanted : 0
        // Spacing differences ("Cha-Cha" / "ChaCha", scripts without spaces): compare the compact forms.
        if track.compactCore.count >= 4, TokenMatch.contains(video.compact, track.compactCore) { coverage = max(coverage, 1) }

        // How much of the video's title the track explains, and how much nothing explains.
        var explainedByTrack = 0.0, unexplained = 0.0
        var unexplainedWords: [String] = []
        var accounted: Set<String> = []
        for token in Set(video.tokens) {
            if track.titleTokens.contains(token) || track.titleTokens.contains(where: { TokenMatch.similar($0, token) })
                || (!token.allSatisfy(\.isASCII) && TokenMatch.contains(track.compactCore, token)) {
                accounted.insert(token)
            } else if context.namesAnotherTrack(token, besides: track) {
                continue
            } else if context.explains(token) || track.contextTokens.contains(token)
                        || track.contextTokens.contains(where: { TokenMatch.similar($0, token) })
                        || context.releaseArtists.contains(where: { $0.compact == token })
                        || Self.isYear(token) || Vocabulary.isUploadTag(token) || video.guestTokens.contains(token)
                        || Vocabulary.defaultVersionWords.contains(token) || Vocabulary.strongVersionWords.contains(token)
                        || Vocabulary.weakVersionWords.contains(token) {
                accounted.insert(token)
            }
        }
        for token in video.tokens {
            if track.titleTokens.contains(token) || track.titleTokens.contains(where: { TokenMatch.similar($0, token) }) {
                explainedByTrack += weight(token)
            } else if !accounted.contains(token) {
                unexplained += weight(token)
                unexplainedWords.append(token)
            }
        }
        if coverage > 0, explainedByTrack == 0 { explainedByTrack = found }
        let precision = (explainedByTrack + 0.5) / (explainedByTrack + unexplained + 0.5)
        let value = coverage * precision
        var detail = "covers \(Int((coverage * 100).rounded()))% of the track title"
        if !unexplainedWords.isEmpty {
            detail += "; unexplained: \(unexplainedWords.prefix(6).joined(separator: " "))"
        }
        // A part of the title that nothing accounts for names something else (a show, an album, an event).
        var segment: String?
        for part in video.segments {
            let significant = part.filter { Self.isSignificant($0) }
            if !significant.isEmpty, significant.allSatisfy({ !accounted.contains($0) }) {
                segment = part.joined(separator: " ")
                break
            }
        }
        return TitleMeasure(value: value, detail: detail, unaccountedSegment: segment)
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

    /// Numbers that identify a part or volume (years and format numbers such as 45 or 12 excluded).
    static func identifyingNumbers(_ tokens: [String]) -> Set<String> {
        Set(tokens.filter { $0.allSatisfy(\.isNumber) && !isYear($0) && !Vocabulary.noiseWords.contains($0) })
    }

    func artistAgreement(video: VideoProfile, track: TrackProfile, context: ReleaseContext) -> Measure {
        if track.artists.contains(where: { $0.appears(in: video.tokens, compact: video.compact) }) {
            return Measure(value: 1, detail: "credited artist named in the title")
        }
        if track.artists.contains(where: { $0.appears(inCompact: video.descriptionCompact) }) {
            return Measure(value: 0.7, detail: "credited artist named in the description")
        }
        if track.hasOwnArtists,
           context.releaseArtists.contains(where: { $0.appears(in: video.tokens, compact: video.compact) }) {
            return Measure(value: 0.4, detail: "only the release artist is named")
        }
        return Measure(value: 0, detail: track.artists.isEmpty ? "no credited artist" : "artist not named")
    }

    func durationAgreement(video: Int?, track: Int?) -> Measure {
        guard let video, let track, track > 0 else {
            return Measure(value: configuration.unknownDurationValue, detail: "length unknown")
        }
        let delta = Double(abs(video - track))
        let tolerance = max(20, 0.1 * Double(track))
        let excess = max(0, delta - 3) / tolerance
        let ratio = Double(video) / Double(track)
        let detail = "video \(TrackDuration.format(video)) vs track \(TrackDuration.format(track))"
        return Measure(value: exp(-excess * excess), detail: detail, severe: ratio < 0.67 || ratio > 1.5,
                       exact: delta <= configuration.exactLengthSeconds)
    }

    /// Why the video is one part of a medley or suite rather than the whole entry: it names every word of some
    /// part and no word of another, and (for an index entry) not the entry's own title. Nil otherwise.
    func partOfTrack(video: VideoProfile, track: TrackProfile) -> String? {
        guard !track.parts.isEmpty else { return nil }
        func present(_ token: String) -> Bool { video.tokens.contains { TokenMatch.similar(token, $0) } }
        let named = track.parts.filter { $0.allSatisfy(present) }
        let absent = track.parts.filter { !$0.contains(where: present) }
        guard !named.isEmpty, !absent.isEmpty else { return nil }
        if track.isIndex, track.title.core.filter(Self.isSignificantWord).allSatisfy(present) { return nil }
        return "the video names \(named.count) of the \(track.parts.count) "
            + (track.isIndex ? "sub-tracks" : "songs of the medley") + " (\"" + named[0].joined(separator: " ")
            + "\"), not the whole entry"
    }

    func fullAlbumReason(video: VideoProfile, track: TrackProfile) -> String? {
        for phrase in video.albumPhrases where !TokenMatch.contains(track.foldedTitle, " \(phrase) ") {
            return "title says \"\(phrase)\""
        }
        if video.discNumbered, !track.titleTokens.contains("cd"), !track.titleTokens.contains("disc") {
            return "title names a disc"
        }
        if video.timestampCount >= 4 { return "description has a timestamped tracklist" }
        if let length = video.candidate.durationSeconds, length >= 20 * 60, track.duration == nil {
            return "upload is \(TrackDuration.format(length)) long"
        }
        return nil
    }

    static func isYear(_ token: String) -> Bool {
        token.count == 4 && token.allSatisfy(\.isNumber) && (token.hasPrefix("19") || token.hasPrefix("20"))
    }

    static func round(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
}
