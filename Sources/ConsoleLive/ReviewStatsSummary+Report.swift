import Console
import Rotation

extension ReviewStatsSummary {
    /// The Reviews screen's copy of a report (names sanitized when drawn, like every string).
    init(_ report: ReviewStatsReport) {
        self.init(
            dayLabels: report.dayLabels,
            reviewers: report.reviewers.map { StatsSeries(name: $0.reviewer, perDay: $0.perDay) },
            pendingByStore: report.pendingByStore.map { StatsSeries(name: $0.store ?? "(no release row)", perDay: $0.perDay) },
            timedDecisions: report.timeToDecision.decisions, medianWaitSeconds: report.timeToDecision.medianSeconds,
            rejections: report.rejections.total, rejectionsWithReplacement: report.rejections.withReplacement,
            rejectionsByReviewer: report.rejections.byReviewer.map { StatsCount($0.name ?? "(unknown)", $0.count) },
            rejectionsByStore: report.rejections.byStore.map { StatsCount($0.name ?? "(no release row)", $0.count) })
    }
}
