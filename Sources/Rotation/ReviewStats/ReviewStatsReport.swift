import Foundation

/// Review statistics over the last `days` UTC days, read from the decision log (`match_reviews`) and the pending
/// rows of `track_matches`: what `rotation stats reviews` prints and the console's Reviews screen shows.
public struct ReviewStatsReport: Codable, Sendable, Equatable {
    /// Days covered, the last one being the day of `asOf`.
    public var days: Int
    /// The first day's start (00:00 UTC).
    public var since: Date
    /// The moment the figures describe (the last day ends here).
    public var asOf: Date
    /// The days as `YYYY-MM-DD` (UTC), oldest first: the index of every per-day series.
    public var dayLabels: [String]
    /// Logged decisions per reviewer label per day, most decisions first.
    public var reviewers: [ReviewerDecisions]
    /// From a match being stored to a person's first decision on it, for decisions made in the window.
    public var timeToDecision: TimeToDecision
    /// Pending matches per store at the end of each day (the last value: at `asOf`), most pending now first.
    public var pendingByStore: [StorePendingSeries]
    /// Rejections in the window. The log records no reason for a rejection, so they are counted by reviewer and
    /// by store instead.
    public var rejections: RejectionCounts

    public init(days: Int, since: Date, asOf: Date, dayLabels: [String], reviewers: [ReviewerDecisions],
                timeToDecision: TimeToDecision, pendingByStore: [StorePendingSeries], rejections: RejectionCounts) {
        self.days = days
        self.since = since
        self.asOf = asOf
        self.dayLabels = dayLabels
        self.reviewers = reviewers
        self.timeToDecision = timeToDecision
        self.pendingByStore = pendingByStore
        self.rejections = rejections
    }

    /// Every reviewer's decisions per day, summed.
    public var decisionsPerDay: [Int] {
        (0..<days).map { day in reviewers.reduce(0) { $0 + $1.perDay[day] } }
    }
}

/// One reviewer's logged decisions per day (`perDay` is indexed like `ReviewStatsReport.dayLabels`).
public struct ReviewerDecisions: Codable, Sendable, Equatable {
    public var reviewer: String
    public var perDay: [Int]
    public var total: Int { perDay.reduce(0, +) }

    public init(reviewer: String, perDay: [Int]) {
        self.reviewer = reviewer
        self.perDay = perDay
    }

    enum CodingKeys: String, CodingKey { case reviewer, perDay = "per_day", total }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        reviewer = try container.decode(String.self, forKey: .reviewer)
        perDay = try container.decode([Int].self, forKey: .perDay)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(reviewer, forKey: .reviewer)
        try container.encode(perDay, forKey: .perDay)
        try container.encode(total, forKey: .total)
    }
}

/// The time from a match being stored (`track_matches.created_at`, as the decision log's `row_before` holds it) to
/// a person's first decision on it.
public struct TimeToDecision: Codable, Sendable, Equatable {
    /// Decisions measured.
    public var decisions: Int
    /// Their median, in seconds; nil when there were none.
    public var medianSeconds: Double?

    public init(decisions: Int, medianSeconds: Double?) {
        self.decisions = decisions
        self.medianSeconds = medianSeconds
    }

    enum CodingKeys: String, CodingKey { case decisions, medianSeconds = "median_seconds" }
}

/// A store's pending matches at the end of each day (indexed like `ReviewStatsReport.dayLabels`).
public struct StorePendingSeries: Codable, Sendable, Equatable {
    /// The store (nil: matches whose release has no `releases` row).
    public var store: String?
    public var perDay: [Int]
    public var now: Int { perDay.last ?? 0 }

    public init(store: String?, perDay: [Int]) {
        self.store = store
        self.perDay = perDay
    }

    enum CodingKeys: String, CodingKey { case store, perDay = "per_day" }
}

/// Rejections logged in the window (`reject`, and `reject_replace`: rejected with a replacement URL).
public struct RejectionCounts: Codable, Sendable, Equatable {
    /// Always false: neither the web app nor Rotation records why a match was rejected.
    public var reasonsRecorded: Bool
    public var total: Int
    /// Of `total`, those where the reviewer supplied the right URL.
    public var withReplacement: Int
    public var byReviewer: [NamedCount]
    public var byStore: [NamedCount]

    public init(reasonsRecorded: Bool = false, total: Int, withReplacement: Int, byReviewer: [NamedCount],
                byStore: [NamedCount]) {
        self.reasonsRecorded = reasonsRecorded
        self.total = total
        self.withReplacement = withReplacement
        self.byReviewer = byReviewer
        self.byStore = byStore
    }

    enum CodingKeys: String, CodingKey {
        case reasonsRecorded = "reasons_recorded", total, withReplacement = "with_replacement"
        case byReviewer = "by_reviewer", byStore = "by_store"
    }
}

/// A name (a reviewer, a store; nil: none known) with a count.
public struct NamedCount: Codable, Sendable, Equatable {
    public var name: String?
    public var count: Int

    public init(_ name: String?, _ count: Int) {
        self.name = name
        self.count = count
    }
}

extension ReviewStatsReport {
    enum CodingKeys: String, CodingKey {
        case days, since, asOf = "as_of", dayLabels = "day_labels", reviewers, timeToDecision = "time_to_decision"
        case pendingByStore = "pending_by_store", rejections
    }
}
