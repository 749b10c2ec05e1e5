import Foundation

/// The matcher's quality on labelled releases, with exactly the metrics of the fixtures README:
/// auto-approve precision and recall, top-1 accuracy, false-match rate and review load.
public struct EvaluationMetrics: Codable, Sendable, Hashable {
    /// Tracks scored (headings and `unsure` entries excluded).
    public var tracksEvaluated: Int
    /// Tracks with at least one labelled video.
    public var tracksWithLabelledVideo: Int
    /// Tracks with no labelled video.
    public var tracksWithoutLabelledVideo: Int
    public var autoApproved: Int
    public var autoApprovedCorrect: Int
    public var top1Correct: Int
    /// Tracks without a labelled video that still got a match stored (>= the store threshold).
    public var falseMatches: Int
    /// Tracks that would wait for a person (pending or ambiguous).
    public var reviewLoad: Int
    /// Tracks with a labelled video that were not auto-approved with one of them, by why.
    public var misses: [MissReason: Int]

    public init() {
        tracksEvaluated = 0; tracksWithLabelledVideo = 0; tracksWithoutLabelledVideo = 0; autoApproved = 0
        autoApprovedCorrect = 0; top1Correct = 0; falseMatches = 0; reviewLoad = 0; misses = [:]
    }

    /// Every miss, whatever its reason (= tracks with a labelled video - correct auto-approvals).
    public var missCount: Int { misses.values.reduce(0, +) }

    /// Correct auto-approvals / all auto-approvals; nil when nothing was auto-approved.
    public var autoApprovePrecision: Double? { ratio(autoApprovedCorrect, autoApproved) }
    /// Correct auto-approvals / tracks with a labelled video.
    public var autoApproveRecall: Double? { ratio(autoApprovedCorrect, tracksWithLabelledVideo) }
    /// Tracks whose best candidate is labelled / tracks with a labelled video.
    public var top1Accuracy: Double? { ratio(top1Correct, tracksWithLabelledVideo) }
    /// False matches / tracks without a labelled video.
    public var falseMatchRate: Double? { ratio(falseMatches, tracksWithoutLabelledVideo) }

    private func ratio(_ a: Int, _ b: Int) -> Double? { b == 0 ? nil : Double(a) / Double(b) }

    mutating func add(_ other: EvaluationMetrics) {
        tracksEvaluated += other.tracksEvaluated
        tracksWithLabelledVideo += other.tracksWithLabelledVideo
        tracksWithoutLabelledVideo += other.tracksWithoutLabelledVideo
        autoApproved += other.autoApproved
        autoApprovedCorrect += other.autoApprovedCorrect
        top1Correct += other.top1Correct
        falseMatches += other.falseMatches
        reviewLoad += other.reviewLoad
        misses.merge(other.misses, uniquingKeysWith: +)
    }

    enum CodingKeys: String, CodingKey {
        case tracksEvaluated = "tracks_evaluated", tracksWithLabelledVideo = "tracks_with_labelled_video"
        case tracksWithoutLabelledVideo = "tracks_without_labelled_video", autoApproved = "auto_approved"
        case autoApprovedCorrect = "auto_approved_correct", top1Correct = "top1_correct"
        case falseMatches = "false_matches", reviewLoad = "review_load", misses
        case autoApprovePrecision = "auto_approve_precision", autoApproveRecall = "auto_approve_recall"
        case top1Accuracy = "top1_accuracy", falseMatchRate = "false_match_rate"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tracksEvaluated = try c.decode(Int.self, forKey: .tracksEvaluated)
        tracksWithLabelledVideo = try c.decode(Int.self, forKey: .tracksWithLabelledVideo)
        tracksWithoutLabelledVideo = try c.decode(Int.self, forKey: .tracksWithoutLabelledVideo)
        autoApproved = try c.decode(Int.self, forKey: .autoApproved)
        autoApprovedCorrect = try c.decode(Int.self, forKey: .autoApprovedCorrect)
        top1Correct = try c.decode(Int.self, forKey: .top1Correct)
        falseMatches = try c.decode(Int.self, forKey: .falseMatches)
        reviewLoad = try c.decode(Int.self, forKey: .reviewLoad)
        misses = try c.decodeIfPresent([MissReason: Int].self, forKey: .misses) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tracksEvaluated, forKey: .tracksEvaluated)
        try c.encode(tracksWithLabelledVideo, forKey: .tracksWithLabelledVideo)
        try c.encode(tracksWithoutLabelledVideo, forKey: .tracksWithoutLabelledVideo)
        try c.encode(autoApproved, forKey: .autoApproved)
        try c.encode(autoApprovedCorrect, forKey: .autoApprovedCorrect)
        try c.encode(top1Correct, forKey: .top1Correct)
        try c.encode(falseMatches, forKey: .falseMatches)
        try c.encode(reviewLoad, forKey: .reviewLoad)
        // Every class is written, zeros included, so a script can read any of them.
        try c.encode(Dictionary(uniqueKeysWithValues: MissReason.allCases.map { ($0, misses[$0, default: 0]) }),
                     forKey: .misses)
        try c.encode(autoApprovePrecision, forKey: .autoApprovePrecision)
        try c.encode(autoApproveRecall, forKey: .autoApproveRecall)
        try c.encode(top1Accuracy, forKey: .top1Accuracy)
        try c.encode(falseMatchRate, forKey: .falseMatchRate)
    }
}

/// How one evaluated track came out, for the per-release detail and for debugging the matcher.
public struct TrackEvaluation: Codable, Sendable, Hashable {
    public enum Outcome: String, Codable, Sendable { case autoApproved = "auto_approved", pending, unmatched }

    public var trackIndex: Int
    public var title: String
    public var labelledVideos: [String]
    public var outcome: Outcome
    public var proposedURL: String?
    public var bestURL: String?
    public var bestConfidence: Double?
    /// Whether the proposed (or, when unmatched, the best) URL is one of the labelled videos.
    public var correct: Bool
    /// For a track with a labelled video not auto-approved with one of them: why.
    public var miss: MissReason?

    enum CodingKeys: String, CodingKey {
        case trackIndex = "track_index", title, labelledVideos = "labelled_videos", outcome
        case proposedURL = "proposed_url", bestURL = "best_url", bestConfidence = "best_confidence", correct, miss
    }
}

public struct ReleaseEvaluation: Codable, Sendable, Hashable {
    public var releaseID: Int64
    public var title: String
    public var metrics: EvaluationMetrics
    public var tracks: [TrackEvaluation]
    /// The searches made for this release and their quota (nil when only its Discogs videos were scored).
    public var search: SearchUsage?

    enum CodingKeys: String, CodingKey { case releaseID = "release_id", title, metrics, tracks, search }
}

/// One labels file and where its releases are.
public struct LabelSet: Sendable, Hashable {
    public var labelsFile: URL
    /// Directories searched for `<id>.json` (every one of them, in order; the first body of an id wins).
    public var releaseDirectories: [URL]

    public init(labelsFile: URL, releaseDirectories: [URL]) {
        self.labelsFile = labelsFile; self.releaseDirectories = releaseDirectories
    }

    /// The labels file with the `releases` directory beside it, the layout of the shared fixtures.
    public init(labelsFile: URL) {
        self.init(labelsFile: labelsFile,
                  releaseDirectories: [labelsFile.deletingLastPathComponent().appendingPathComponent("releases")])
    }
}

/// The figures of one labels file.
public struct LabelSetEvaluation: Codable, Sendable, Hashable {
    public var labels: String
    public var releaseDirectories: [String]
    public var overall: EvaluationMetrics
    /// Ids of the releases scored, in order (their detail is in the report's `releases`).
    public var releaseIDs: [Int64]
    /// The searches for this file's releases (nil without a search provider).
    public var search: SearchUsage?

    enum CodingKeys: String, CodingKey {
        case labels, releaseDirectories = "release_directories", overall, releaseIDs = "release_ids", search
    }
}

/// The evaluation report (`rotation matcher eval --json`).
public struct EvaluationReport: Codable, Sendable, Hashable {
    public var policy: MatchPolicy
    /// Every label set together.
    public var overall: EvaluationMetrics
    /// Each labels file on its own, in the order given.
    public var labelSets: [LabelSetEvaluation]
    /// Every scored release of every label set.
    public var releases: [ReleaseEvaluation]
    /// Labelled releases whose JSON was not found in the releases directories.
    public var missingReleases: [Int64]
    /// Labelled track indices that are not matchable entries of their release (out of range or headings).
    public var warnings: [String]
    /// Every search made and its quota, with the quota per release (nil when only Discogs videos were scored).
    public var search: SearchUsage?

    enum CodingKeys: String, CodingKey {
        case policy, overall, labelSets = "label_sets", releases, missingReleases = "missing_releases", warnings, search
    }

    public init(policy: MatchPolicy, overall: EvaluationMetrics, labelSets: [LabelSetEvaluation] = [],
                releases: [ReleaseEvaluation], missingReleases: [Int64], warnings: [String], search: SearchUsage? = nil) {
        self.policy = policy; self.overall = overall; self.labelSets = labelSets; self.releases = releases
        self.missingReleases = missingReleases; self.warnings = warnings; self.search = search
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        policy = try c.decode(MatchPolicy.self, forKey: .policy)
        overall = try c.decode(EvaluationMetrics.self, forKey: .overall)
        labelSets = try c.decodeIfPresent([LabelSetEvaluation].self, forKey: .labelSets) ?? []
        releases = try c.decode([ReleaseEvaluation].self, forKey: .releases)
        missingReleases = try c.decode([Int64].self, forKey: .missingReleases)
        warnings = try c.decode([String].self, forKey: .warnings)
        search = try c.decodeIfPresent(SearchUsage.self, forKey: .search)
    }
}

/// Runs the matcher over releases and scores it against labels.
public struct MatcherEvaluation: Sendable {
    public var matcher: TrackMatcher
    public var policy: MatchPolicy

    public init(matcher: TrackMatcher = TrackMatcher(), policy: MatchPolicy = MatchPolicy()) {
        self.matcher = matcher; self.policy = policy
    }

    /// Loads `labels` (a labels.json) and every `*.json` in `releasesDirectory`, then evaluates.
    public func evaluate(labelsFile: URL, releasesDirectory: URL) throws -> EvaluationReport {
        try evaluate([LabelSet(labelsFile: labelsFile, releaseDirectories: [releasesDirectory])])
    }

    /// Evaluates several labels files: each on its own (`labelSets`) and all together (`overall`). Only the
    /// releases a labels file names are decoded. With a `source`, the candidates are what it finds (and, if it
    /// says so, the release's videos too), and the report counts its searches and quota. Throws a
    /// `DiscogsDecodingError` for a bad file, or the source's error.
    public func evaluate(_ sets: [LabelSet], source: (any EvaluationCandidateSource)? = nil) throws -> EvaluationReport {
        var search = source.map { SearchUsage(provider: $0.name, includesReleaseVideos: $0.includesReleaseVideos) }
        var overall = EvaluationMetrics()
        var setEvaluations: [LabelSetEvaluation] = []
        var releases: [ReleaseEvaluation] = []
        var missing: [Int64] = []
        var warnings: [String] = []
        for set in sets {
            let labels = try DiscogsDecoding.decode([ReleaseLabels].self, contentsOf: set.labelsFile)
            var bodies: [DiscogsRelease] = []
            for id in Set(labels.map(\.releaseID)).sorted() {
                if let body = try Self.releaseBody(id, in: set.releaseDirectories) { bodies.append(body) }
            }
            let report = try evaluate(labels: labels, releases: bodies, source: source)
            if let used = report.search { search?.add(used) }
            overall.add(report.overall)
            releases += report.releases
            missing += report.missingReleases
            warnings += report.warnings
            setEvaluations.append(LabelSetEvaluation(
                labels: set.labelsFile.path, releaseDirectories: set.releaseDirectories.map(\.path),
                overall: report.overall, releaseIDs: report.releases.map(\.releaseID), search: report.search))
        }
        return EvaluationReport(policy: policy, overall: overall, labelSets: setEvaluations, releases: releases,
                                missingReleases: missing, warnings: warnings, search: search)
    }

    /// The first `<id>.json` found in `directories`, decoded; nil when none has it.
    static func releaseBody(_ id: Int64, in directories: [URL]) throws(DiscogsDecodingError) -> DiscogsRelease? {
        for directory in directories {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
            else { throw DiscogsDecodingError(path: "$", message: "cannot list \(directory.path): no such directory") }
            let file = directory.appendingPathComponent("\(id).json")
            if FileManager.default.fileExists(atPath: file.path) {
                return try DiscogsDecoding.decode(DiscogsRelease.self, contentsOf: file)
            }
        }
        return nil
    }

    /// Evaluates labelled releases on their Discogs videos; releases without labels are ignored.
    public func evaluate(labels: [ReleaseLabels], releases: [DiscogsRelease]) -> EvaluationReport {
        evaluate(labels: labels, releases: releases) { (release: DiscogsRelease) throws(Never) in
            (ReleaseVideosProvider().candidates(for: release), nil)
        }
    }

    /// Evaluates labelled releases on what `source` finds (nil: their Discogs videos).
    public func evaluate(labels: [ReleaseLabels], releases: [DiscogsRelease],
                         source: (any EvaluationCandidateSource)?) throws -> EvaluationReport {
        guard let source else { return evaluate(labels: labels, releases: releases) }
        var report = try evaluate(labels: labels, releases: releases) { release in
            let found = try source.candidates(for: release)
            let provided = StaticCandidateProvider(found.videos, includeReleaseVideos: source.includesReleaseVideos)
            return (provided.candidates(for: release), found.usage)
        }
        var total = SearchUsage(provider: source.name, includesReleaseVideos: source.includesReleaseVideos)
        for release in report.releases { if let used = release.search { total.add(used) } }
        report.search = total
        return report
    }

    /// The loop of both: `candidates` gives each labelled release's candidates and what finding them cost.
    private func evaluate<Failure: Error>(
        labels: [ReleaseLabels], releases: [DiscogsRelease],
        candidates: (DiscogsRelease) throws(Failure) -> ([CandidateVideo], SearchUsage?)
    ) throws(Failure) -> EvaluationReport {
        let byID = Dictionary(releases.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var overall = EvaluationMetrics()
        var perRelease: [ReleaseEvaluation] = []
        var missing: [Int64] = []
        var warnings: [String] = []
        for label in labels.sorted(by: { $0.releaseID < $1.releaseID }) {
            guard let release = byID[label.releaseID] else { missing.append(label.releaseID); continue }
            let (videos, usage) = try candidates(release)
            let result = matcher.match(release, candidates: videos)
            var evaluation = evaluate(release: release, result: result, labels: label, warnings: &warnings)
            evaluation.search = usage
            overall.add(evaluation.metrics)
            perRelease.append(evaluation)
        }
        return EvaluationReport(
            policy: policy, overall: overall, releases: perRelease, missingReleases: missing, warnings: warnings)
    }

    func evaluate(release: DiscogsRelease, result: ReleaseMatchResult, labels: ReleaseLabels,
                  warnings: inout [String]) -> ReleaseEvaluation {
        var metrics = EvaluationMetrics()
        var tracks: [TrackEvaluation] = []
        for label in labels.tracks.sorted(by: { $0.trackIndex < $1.trackIndex }) where label.confidence == .sure {
            guard release.tracklist.indices.contains(label.trackIndex) else {
                warnings.append("release \(release.id): labelled track_index \(label.trackIndex) is not in the tracklist")
                continue
            }
            guard release.tracklist[label.trackIndex].isMatchable else { continue }
            let candidates = result.track(at: label.trackIndex)?.candidates ?? []
            let labelled = Set(label.videos.map(MatchURL.comparisonKey))
            let decision = policy.decide(candidates)
            let best = candidates.first
            func isLabelled(_ url: String?) -> Bool { url.map { labelled.contains(MatchURL.comparisonKey($0)) } ?? false }

            metrics.tracksEvaluated += 1
            let hasLabel = !labelled.isEmpty
            if hasLabel { metrics.tracksWithLabelledVideo += 1 } else { metrics.tracksWithoutLabelledVideo += 1 }
            if hasLabel, isLabelled(best?.url) { metrics.top1Correct += 1 }
            let outcome: TrackEvaluation.Outcome
            switch decision {
            case .autoApproved(let candidate):
                outcome = .autoApproved
                metrics.autoApproved += 1
                if isLabelled(candidate.url) { metrics.autoApprovedCorrect += 1 }
            case .pending:
                outcome = .pending
                metrics.reviewLoad += 1
            case .unmatched:
                outcome = .unmatched
            }
            if !hasLabel, decision.storedCandidate != nil { metrics.falseMatches += 1 }
            let miss = hasLabel ? MissReason.classify(decision, isLabelled: { isLabelled($0) }) : nil
            if let miss { metrics.misses[miss, default: 0] += 1 }
            let proposed = decision.storedCandidate?.url
            tracks.append(TrackEvaluation(
                trackIndex: label.trackIndex, title: release.tracklist[label.trackIndex].title,
                labelledVideos: label.videos, outcome: outcome, proposedURL: proposed, bestURL: best?.url,
                bestConfidence: best?.confidence,
                correct: hasLabel ? isLabelled(proposed ?? best?.url) : proposed == nil, miss: miss))
        }
        return ReleaseEvaluation(releaseID: release.id, title: release.title, metrics: metrics, tracks: tracks)
    }
}
