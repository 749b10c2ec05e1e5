import Foundation
import Terminal

extension ConsoleScreen {
    /// Review statistics: decisions per reviewer, time to a decision, pending by store, rejections.
    public static let reviews = ConsoleScreen(rawValue: "reviews")
}

/// A named series of per-day figures (a reviewer's decisions, a store's pending matches), oldest day first.
public struct StatsSeries: Equatable, Sendable {
    public var name: String
    public var perDay: [Int]

    public init(name: String, perDay: [Int]) {
        self.name = name
        self.perDay = perDay
    }
}

/// A name (a reviewer, a store) with a count.
public struct StatsCount: Equatable, Sendable {
    public var name: String
    public var count: Int

    public init(_ name: String, _ count: Int) {
        self.name = name
        self.count = count
    }
}

/// What the Reviews screen shows: the console's copy of Rotation's `ReviewStatsReport` (Console does not import
/// Rotation; ConsoleLive maps one to the other).
public struct ReviewStatsSummary: Equatable, Sendable {
    public var dayLabels: [String]
    /// Logged decisions per reviewer per day, most first.
    public var reviewers: [StatsSeries]
    /// Pending matches per store at the end of each day (the last: now), most pending now first.
    public var pendingByStore: [StatsSeries]
    public var timedDecisions: Int
    /// Median time from a match being stored to a person's first decision on it; nil: no decision timed.
    public var medianWaitSeconds: Double?
    public var rejections: Int
    public var rejectionsWithReplacement: Int
    public var rejectionsByReviewer: [StatsCount]
    public var rejectionsByStore: [StatsCount]

    public init(dayLabels: [String], reviewers: [StatsSeries], pendingByStore: [StatsSeries], timedDecisions: Int,
                medianWaitSeconds: Double?, rejections: Int, rejectionsWithReplacement: Int,
                rejectionsByReviewer: [StatsCount], rejectionsByStore: [StatsCount]) {
        self.dayLabels = dayLabels
        self.reviewers = reviewers
        self.pendingByStore = pendingByStore
        self.timedDecisions = timedDecisions
        self.medianWaitSeconds = medianWaitSeconds
        self.rejections = rejections
        self.rejectionsWithReplacement = rejectionsWithReplacement
        self.rejectionsByReviewer = rejectionsByReviewer
        self.rejectionsByStore = rejectionsByStore
    }

    /// Everyone's decisions per day.
    public var decisionsPerDay: [Int] {
        dayLabels.indices.map { day in reviewers.reduce(0) { $0 + ($1.perDay.indices.contains(day) ? $1.perDay[day] : 0) } }
    }
}

/// The Reviews screen's slice of the state.
public struct ReviewsScreenState: Equatable, Sendable {
    /// The window the screen asks for; the window key cycles it through `ReviewsScreen.windows`.
    public var days = ReviewsScreen.windows[1]
    public var summary: ReviewStatsSummary?
    /// First row shown of the two tables (they scroll together).
    public var top = 0
    /// Rows changed while the screen was not shown: entering it reloads.
    public var stale = false

    public init() {}
}

extension ActionID {
    public static let screenReviews = ActionID(rawValue: "screen_reviews")
    public static let reviewsWindow = ActionID(rawValue: "reviews_window")
}

extension ActionGroup {
    public static let reviewStats = ActionGroup(rawValue: "Review statistics")
}

extension ConsoleState {
    /// The Reviews screen's slice.
    public var reviews: ReviewsScreenState {
        get { self[slice: ReviewsScreen.self] }
        _modify { yield &self[slice: ReviewsScreen.self] }
    }
}

/// The Reviews screen: a curator or an admin sees how the reviewing goes (`rotation stats reviews` in the console).
enum ReviewsScreen: ScreenUnit {
    static let id = ConsoleScreen.reviews
    static let switchAction = ActionID.screenReviews
    static var initialSlice: ReviewsScreenState { ReviewsScreenState() }
    /// The windows the window key cycles through, in days.
    static let windows = [7, 14, 30]

    static let actions: [ActionDescriptor] = [
        .init(.screenReviews, "Reviews screen", group: .application,
              help: "Review statistics: decisions per reviewer, time to a decision, pending by store, rejections",
              defaultKeys: ["5"]),
        .init(.reviewsWindow, "Statistics window", group: .reviewStats, help: "Cycle the days shown: 7, 14, 30",
              screens: [id], defaultKeys: ["w"]),
    ]

    static func enter(_ state: inout ConsoleState) -> [ConsoleEffect] {
        state.reviews.summary == nil || state.reviews.stale ? state.loadReviewStats() : []
    }

    static func refresh(_ state: inout ConsoleState) -> [ConsoleEffect] { state.loadReviewStats() }

    static func perform(_ action: ActionID, _ state: inout ConsoleState) -> [ConsoleEffect]? {
        guard action == .reviewsWindow else { return nil }
        let next = (windows.firstIndex(of: state.reviews.days) ?? 0) + 1
        state.reviews.days = windows[next % windows.count]
        return state.loadReviewStats()
    }

    static func moveCursor(by delta: Int, _ state: inout ConsoleState) -> [ConsoleEffect] {
        let rows = max(state.reviews.summary?.reviewers.count ?? 0, state.reviews.summary?.pendingByStore.count ?? 0)
        let height = ReviewsView.tableHeight(ConsoleLayout(state: state))
        state.reviews.top = max(0, min(max(0, rows - height), state.reviews.top + delta))
        return []
    }

    static func pageSize(_ state: ConsoleState, _ layout: ConsoleLayout) -> Int { max(1, ReviewsView.tableHeight(layout) - 1) }
    static func focusedFilter(_ state: ConsoleState) -> String { "" }
    static func setFocusedFilter(_ text: String, _ state: inout ConsoleState) {}
    static func keepCursorsVisible(_ state: inout ConsoleState, _ layout: ConsoleLayout) {}

    static func apply(answer event: ConsoleEvent, _ state: inout ConsoleState) -> [ConsoleEffect]? {
        guard case .reviewStatsLoaded(let id, let summary) = event else { return nil }
        guard state.finish(id) != nil else { return [] }
        state.reviews.summary = summary
        state.reviews.top = 0
        state.reviews.stale = false
        return []
    }

    static func applyLiveChanges(_ changes: [DataChange], _ state: inout ConsoleState) -> [ConsoleEffect] {
        // Decisions move the figures: reload while the screen is shown (one load at a time), else on entering it.
        let matchesChanged = changes.contains { if case .queueRow = $0 { return false } else { return true } }
        guard matchesChanged, state.reviews.summary != nil else { return [] }
        guard state.screen == Self.id else {
            state.reviews.stale = true
            return []
        }
        guard !state.isPending({ if case .loadReviewStats = $0 { return true } else { return false } }) else { return [] }
        return state.loadReviewStats()
    }

    static func hints(_ state: ConsoleState) -> [ActionID] { [.reviewsWindow, .refresh] }

    static func shortTitle(_ action: ActionID, _ state: ConsoleState) -> String? {
        guard action == .reviewsWindow else { return nil }
        let next = windows[((windows.firstIndex(of: state.reviews.days) ?? 0) + 1) % windows.count]
        return "\(next) days"
    }

    static func draw(_ state: ConsoleState, _ layout: ConsoleLayout, _ buffer: inout CellBuffer) {
        ReviewsView.draw(state, layout: layout, into: &buffer)
    }
}

extension ConsoleState {
    mutating func loadReviewStats() -> [ConsoleEffect] {
        let effects = supersede { if case .loadReviewStats = $0 { return true } else { return false } }
        let id = begin(.loadReviewStats, "loading review statistics (\(reviews.days) days)")
        return effects + [.loadReviewStats(id, days: reviews.days)]
    }
}

/// Text shared by the Reviews screen and `rotation stats reviews`.
public enum ReviewStatsFormat {
    /// "45s", "12m", "3h05m", "2d04h".
    public static func duration(seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        guard whole >= 86_400 else { return DisplayFormat.age(seconds: whole) }
        return String(format: "%dd%02dh", whole / 86_400, whole % 86_400 / 3600)
    }
}
