import Foundation

/// Renders an evaluation report as plain text for terminals: a row per release, a row per labels file when there
/// are several, the overall figures, and where the misses come from.
public enum EvaluationReportFormatter {
    public static func table(_ report: EvaluationReport, showTracks: Bool = false) -> String {
        var lines: [String] = []
        let header = ["release", "tracks", "lab", "auto", "ok", "prec", "recall", "top1", "false", "review"]
        var rows: [[String]] = [header]
        for release in report.releases {
            rows.append(row(String(release.releaseID), release.metrics))
        }
        var totals: [[String]] = []
        if report.labelSets.count > 1 {
            for set in report.labelSets { totals.append(row(set.labels, set.overall)) }
        }
        totals.append(row("overall", report.overall))
        lines += aligned(rows, totals: totals)
        lines.append("")
        lines.append(summary(report.overall))
        lines.append("misses: " + misses(report.overall))
        if report.labelSets.count > 1 {
            for set in report.labelSets {
                lines.append("  \(set.labels): " + misses(set.overall))
            }
        }
        lines.append("policy: auto-approve >= \(report.policy.autoApproveThreshold), store >= \(report.policy.storeThreshold),"
            + " ambiguity margin \(report.policy.ambiguityMargin)")
        if let search = report.search { lines.append(searchLine(search)) }
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
                    let miss = track.miss.map { " miss=\($0.rawValue)" } ?? ""
                    lines.append("  \(mark) [\(track.trackIndex)] \(track.title): \(track.outcome.rawValue)\(miss) "
                        + "best=\(track.bestURL ?? "-") (\(confidence)) labelled=\(track.labelledVideos.count)")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The headline figures of a set of metrics.
    static func summary(_ m: EvaluationMetrics) -> String {
        "auto-approve precision \(percent(m.autoApprovePrecision)) (\(m.autoApprovedCorrect)/\(m.autoApproved))"
            + "  recall \(percent(m.autoApproveRecall))  top-1 \(percent(m.top1Accuracy))"
            + "  false-match rate \(percent(m.falseMatchRate)) (\(m.falseMatches)/\(m.tracksWithoutLabelledVideo))"
            + "  review load \(m.reviewLoad) of \(m.tracksEvaluated) tracks"
    }

    /// "search: youtube only (no Discogs videos), 305 searches, 30805 quota units (616.1 per release)".
    static func searchLine(_ usage: SearchUsage) -> String {
        let perRelease = usage.quotaUnitsPerRelease.map { String(format: "%.1f", $0) } ?? "n/a"
        return "search: \(usage.provider)" + (usage.includesReleaseVideos ? " with the releases' Discogs videos" : " only (no Discogs videos)")
            + ", \(usage.searches) searches, \(usage.quotaUnits) quota units (\(perRelease) per release)"
    }

    /// "12 of 144 labelled tracks: ambiguous 5, below threshold 4, ..." (classes with no miss left out).
    static func misses(_ m: EvaluationMetrics) -> String {
        let parts = MissReason.allCases.compactMap { reason in
            m.misses[reason].flatMap { $0 > 0 ? "\(reason.label) \($0)" : nil }
        }
        return "\(m.missCount) of \(m.tracksWithLabelledVideo) labelled tracks not auto-approved correctly"
            + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
    }

    /// Rows padded into columns; a rule above the totals.
    static func aligned(_ rows: [[String]], totals: [[String]]) -> [String] {
        let all = rows + totals
        let widths = all[0].indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func render(_ row: [String]) -> String {
            row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        return rows.map(render) + [widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
            + totals.map(render)
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
