import Foundation

/// Scores every candidate recording against every tracklist entry of a release. Pure and deterministic.
///
/// Per pair it measures title similarity (how much of the track's title the video names, and how much of the
/// video's title is left unexplained by the track, its artists, the release, its label and upload decoration),
/// artist agreement (title, else description), and duration agreement; then applies penalties for whole-album
/// uploads, another version (live, remix, instrumental, cover...) and a grossly different length. Finally it
/// reasons across the release: a video normally belongs to one track, so where it fits another track better its
/// score here is cut, and where two tracks fit it equally well neither gets it outright.
///
/// The release is read once (`ReleaseContext`: every word numbered in one lexicon) and each video once against it
/// (`VideoReading`), so scoring a pair compares numbers, not strings.
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
        var context = ReleaseContext(release)
        let tracks = context.tracks
        let titleWords = tracks.reduce(into: Set<String>()) { $0.formUnion($1.titleTokens) }
        let videos = candidates.map { VideoProfile($0, titleWords: titleWords) }

        var perTrack: [[ScoredCandidate]] = Array(repeating: [], count: tracks.count)
        for video in videos {
            // Raw score of the video against every track, then its fit across the release's tracks.
            let reading = VideoReading(video, context: &context)
            let raw = tracks.map { score(video: reading, track: $0, context: context) }
            judgeExclusivity(video: video, raw: raw, context: context, into: &perTrack)
        }

        // Each upload's profile by URL (the first video with that URL), for the same-recording groups.
        var profiles: [String: VideoProfile] = [:]
        for video in videos where profiles[video.candidate.url] == nil { profiles[video.candidate.url] = video }
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

    /// The global step for one video: compares its fit across the release's tracks. Its best track keeps the score
    /// (less a tie loss when another track fits about as well); every other track keeps a share that shrinks with
    /// the best track's lead. Copies of the best track (the LP and CD of one package) are the same recording: no
    /// rivals of it.
    private func judgeExclusivity(video: VideoProfile, raw: [PairScore], context: ReleaseContext,
                                  into perTrack: inout [[ScoredCandidate]]) {
        let tracks = context.tracks
        let platform = Platform.infer(fromURL: video.candidate.url)
        guard let bestIndex = raw.indices.max(by: {
            raw[$0].value < raw[$1].value || (raw[$0].value == raw[$1].value && $0 > $1)
        }) else { return }
        let best = raw[bestIndex].value
        let group = context.copyOf[bestIndex]
        var copyCount = 0
        var second: Double?
        for t in raw.indices {
            if context.copyOf[t] == group {
                copyCount += 1
            } else if second.map({ $0 < raw[t].value }) ?? true {
                second = raw[t].value
            }
        }
        let hasOthers = second != nil
        let secondBest = second ?? 0
        // What every other track's detail starts with, built once per video.
        let betterLead = "fits \(tracks[bestIndex].label) better (\(Self.round(best)) vs "
        for t in tracks.indices {
            var signals = raw[t].signals
            var value = raw[t].value
            let factor: Double
            let detail: String
            if context.copyOf[t] == group {
                let margin = best - secondBest
                factor = hasOthers && secondBest > 0
                    ? 1 - configuration.tieLoss * exp(-margin / configuration.tieMarginScale) : 1
                detail = !hasOthers ? (copyCount > 1 ? "only track (and its copies)" : "only track")
                    : "fits this track best (next best \(Self.round(secondBest)))"
                    + (copyCount > 1 ? "; copies of it in this package: \(copyCount - 1)" : "")
            } else {
                let gap = best - raw[t].value
                factor = configuration.otherTrackFactor * exp(-gap / configuration.otherTrackGapScale)
                detail = betterLead + Self.round(raw[t].value).description + ")"
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
}
