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

    public init() {
        tracksEvaluated = 0; tracksWithLabelledVideo = 0; tracksWithoutLabelledVideo = 0; autoApproved = 0
        autoApprovedCorrect = 0; top1Correct = 0; falseMatches = 0; reviewLoad = 0
    }

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
    }

    enum CodingKeys: String, CodingKey {
        case tracksEvaluated = "tracks_evaluated", tracksWithLabelledVideo = "tracks_with_labelled_video"
        case tracksWithoutLabelledVideo = "tracks_without_labelled_video", autoApproved = "auto_approved"
        case autoApprovedCorrect = "auto_approved_correct", top1Correct = "top1_correct"
        case falseMatches = "false_matches", reviewLoad = "review_load"
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

    enum CodingKeys: String, CodingKey {
        case trackIndex = "track_index", title, labelledVideos = "labelled_videos", outcome
        case proposedURL = "proposed_url", bestURL = "best_url", bestConfidence = "best_confidence", correct
    }
}

public struct ReleaseEvaluation: Codable, Sendable, Hashable {
    public var releaseID: Int64
    public var title: String
    public var metrics: EvaluationMetrics
    public var tracks: [TrackEvaluation]

    enum CodingKeys: String, CodingKey { case releaseID = "release_id", title, metrics, tracks }
}

/// The evaluation report (`rotation matcher eval --json`).
public struct EvaluationReport: Codable, Sendable, Hashable {
    public var policy: MatchPolicy
    public var overall: EvaluationMetrics
    public var releases: [ReleaseEvaluation]
    /// Labelled releases whose JSON was not found in the releases directory.
    public var missingReleases: [Int64]
    /// Labelled track indices that are not matchable entries of their release (out of range or headings).
    public var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case policy, overall, releases, missingReleases = "missing_releases", warnings
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
    public func evaluate(labelsFile: URL, releasesDirectory: URL) throws(DiscogsDecodingError) -> EvaluationReport {
        let labels = try DiscogsDecoding.decode([ReleaseLabels].self, contentsOf: labelsFile)
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(
                at: releasesDirectory, includingPropertiesForKeys: nil
            ).filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw DiscogsDecodingError(path: "$", message: "cannot list \(releasesDirectory.path): \(error.localizedDescription)")
        }
        var releases: [DiscogsRelease] = []
        for file in files { releases.append(try DiscogsDecoding.decode(DiscogsRelease.self, contentsOf: file)) }
        return evaluate(labels: labels, releases: releases)
    }

    /// Evaluates labelled releases; releases without labels are ignored.
    public func evaluate(labels: [ReleaseLabels], releases: [DiscogsRelease]) -> EvaluationReport {
        let byID = Dictionary(releases.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var overall = EvaluationMetrics()
        var perRelease: [ReleaseEvaluation] = []
        var missing: [Int64] = []
        var warnings: [String] = []
        for label in labels.sorted(by: { $0.releaseID < $1.releaseID }) {
            guard let release = byID[label.releaseID] else { missing.append(label.releaseID); continue }
            let result = matcher.match(release)
            let evaluation = evaluate(release: release, result: result, labels: label, warnings: &warnings)
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
            let proposed = decision.storedCandidate?.url
            tracks.append(TrackEvaluation(
                trackIndex: label.trackIndex, title: release.tracklist[label.trackIndex].title,
                labelledVideos: label.videos, outcome: outcome, proposedURL: proposed, bestURL: best?.url,
                bestConfidence: best?.confidence,
                correct: hasLabel ? isLabelled(proposed ?? best?.url) : proposed == nil))
        }
        return ReleaseEvaluation(releaseID: release.id, title: release.title, metrics: metrics, tracks: tracks)
    }
}

/// Renders an evaluation report as a plain-text table for terminals.
public enum EvaluationReportFormatter {
    public static func table(_ report: EvaluationReport, showTracks: Bool = false) -> String {
        var lines: [String] = []
        let header = ["release", "tracks", "lab", "auto", "ok", "prec", "recall", "top1", "false", "review"]
        var rows: [[String]] = [header]
        for release in report.releases {
            rows.append(row(String(release.releaseID), release.metrics))
        }
        rows.append(row("overall", report.overall))
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for (index, row) in rows.enumerated() {
            if index == rows.count - 1 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
            lines.append(row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  "))
        }
        let o = report.overall
        lines.append("")
        lines.append("auto-approve precision \(percent(o.autoApprovePrecision))  recall \(percent(o.autoApproveRecall))"
            + "  top-1 \(percent(o.top1Accuracy))  false-match rate \(percent(o.falseMatchRate))"
            + "  review load \(o.reviewLoad) of \(o.tracksEvaluated) tracks")
        lines.append("policy: auto-approve >= \(report.policy.autoApproveThreshold), store >= \(report.policy.storeThreshold),"
            + " ambiguity margin \(report.policy.ambiguityMargin)")
        if !report.missingReleases.isEmpty {
            lines.append("missing release files: " + report.missingReleases.map(String.init).joined(separator: ", "))
        }
        for warning in report.warnings { lines.append("warning: \(warning)") }
        if showTracks {
            for release in report.releases {
                lines.append("")
                lines.append("\(release.releaseID) \(release.title)")
                for track in release.tracks {
                    let mark = track.correct ? "ok " : "BAD"
                    let confidence = track.bestConfidence.map { String(format: "%.2f", $0) } ?? "-"
                    lines.append("  \(mark) [\(track.trackIndex)] \(track.title): \(track.outcome.rawValue) "
                        + "best=\(track.bestURL ?? "-") (\(confidence)) labelled=\(track.labelledVideos.count)")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    static func row(_ name: String, _ m: EvaluationMetrics) -> [String] {
        [name, String(m.tracksEvaluated), String(m.tracksWithLabelledVideo), String(m.autoApproved),
         String(m.autoApprovedCorrect), percent(m.autoApprovePrecision), percent(m.autoApproveRecall),
         percent(m.top1Accuracy), "\(m.falseMatches)/\(m.tracksWithoutLabelledVideo)", String(m.reviewLoad)]
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        return String(format: "%.1f%%", value * 100)
    }
}
