import ArgumentParser
import Foundation
import Matching
import Rotation

/// `rotation matcher calibrate [--json] [--since DATE] [--target-precision P] [--min-decisions N]`: how people's
/// decisions on the matcher's proposals bear out its confidence, and the threshold they support.
struct MatcherCalibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Calibrate the auto-approve threshold from reviewers' decisions (match_reviews).",
        discussion: """
            Per confidence band (0.05 wide, from the review threshold up): how many proposals people approved, \
            replaced or rejected, how many are pending, and a reliability chart (the share approved against the \
            band's confidence). Per candidate threshold: the precision auto-approving at it would have had \
            (approved / decided at or above it) with a Wilson 95% interval, and the review load it would leave \
            (decided or pending tracks below it). Then the lowest threshold whose interval's lower bound reaches \
            --target-precision, or why there is none. Undone decisions, clears and needs-review are left out; each \
            (track, URL) counts once, with its latest decision. Reads only.
            """)

    @OptionGroup var servers: ServerOptions
    @Flag(help: "Print machine-readable JSON.") var json = false
    @Option(help: ArgumentHelp("Only decisions logged at or after DATE (YYYY-MM-DD, UTC, or ISO 8601).", valueName: "date"))
    var since: String?
    @Option(help: "Precision the auto-approved matches should have (0 to 1).")
    var targetPrecision: Double = CalibrationSettings.defaultTargetPrecision
    @Option(help: "Fewest decisions at or above a threshold to judge it by.")
    var minDecisions: Int = CalibrationSettings.defaultMinimumDecisions

    func validate() throws {
        guard targetPrecision > 0, targetPrecision < 1 else { throw ValidationError("--target-precision must be between 0 and 1, exclusive") }
        guard minDecisions >= 1 else { throw ValidationError("--min-decisions must be at least 1") }
        if let since, Self.date(since) == nil {
            throw ValidationError("--since must be a date (YYYY-MM-DD) or an ISO 8601 time, got \"\(since)\"")
        }
    }

    static func date(_ text: String) -> Date? {
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = TimeZone(identifier: "UTC")
        day.dateFormat = "yyyy-MM-dd"
        if let date = day.date(from: text) { return date }
        let time = ISO8601DateFormatter()
        if let date = time.date(from: text) { return date }
        time.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return time.date(from: text)
    }

    func run() throws {
        try ReviewCLI.run(json: json) {
            let settings = servers.settings
            if let problem = settings.autoApproveThresholdProblem { throw ValidationError(problem) }
            let calibration = CalibrationSettings(policy: settings.matchPolicy, targetPrecision: targetPrecision,
                                                  minimumDecisions: minDecisions)
            let sinceDate = since.flatMap(Self.date)
            let report = try CalibrationLog(database: try servers.postgres()).report(since: sinceDate, settings: calibration)
            if json { return try printJSON(CalibrationOutput(since: sinceDate, report: report)) }
            let from = sinceDate.map { " since \(ISO8601DateFormatter().string(from: $0))" } ?? ""
            printLine("Calibration from \(report.decided) reviewed proposals\(from) · auto-approve threshold now "
                + "\(CalibrationText.number(calibration.currentThreshold)) · target precision \(CalibrationText.percent(targetPrecision))")
            printLine("")
            for line in CalibrationText.lines(report) { printLine(line) }
            if report.decidedBelowReview > 0 {
                printLine("\(report.decidedBelowReview) decision(s) on proposals below \(CalibrationText.number(calibration.reviewThreshold)) are in no band.")
            }
            printLine("At and above the threshold in force only proposals a person reviewed count (ambiguous ones, and "
                + "auto-approvals someone checked later), so figures there lean towards the doubtful cases.")
        }
    }
}

/// The JSON of `matcher calibrate`: the report's keys, and `since` (null without --since).
struct CalibrationOutput: Encodable {
    let since: Date?
    let report: CalibrationReport

    enum CodingKeys: String, CodingKey { case since }

    func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(since, forKey: .since)
    }
}

/// `rotation matcher threshold T [--dry-run] [--json]`: what a new auto-approve threshold would do, and how to set it.
/// It never approves anything: the threshold is configuration the worker reads (AUTO_APPROVE_THRESHOLD), and
/// pending rows stay a reviewer's to approve.
struct MatcherThreshold: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threshold",
        abstract: "Say how to set the auto-approve threshold; --dry-run counts the pending tracks at or above it.",
        discussion: """
            Without --dry-run: prints the environment variable to set (AUTO_APPROVE_THRESHOLD) and where; needs no \
            server. With --dry-run: counts the pending tracks whose confidence is at or above THRESHOLD now, by \
            store. Neither changes anything: a new threshold applies to the releases the worker matches after it \
            is set; tracks pending now stay for a reviewer.
            """)

    @OptionGroup var servers: ServerOptions
    @Argument(help: "The auto-approve threshold (from the store threshold, 0.50, to 1).") var threshold: String
    @Flag(help: "Count the pending tracks at or above THRESHOLD now, by store; change nothing.") var dryRun = false
    @Flag(help: "Print machine-readable JSON.") var json = false

    func validate() throws {
        guard RotationSettings.autoApproveThreshold(parsing: threshold) != nil else {
            throw ValidationError("THRESHOLD must be a number from \(MatchPolicy.default.storeThreshold) to 1, got \"\(threshold)\"")
        }
    }

    func run() throws {
        let value = RotationSettings.autoApproveThreshold(parsing: threshold)!
        let settings = servers.settings
        if let problem = settings.autoApproveThresholdProblem {
            printError("rotation: warning: \(problem); the worker refuses to start until it is fixed")
        }
        let current = settings.matchPolicy.autoApproveThreshold
        let assignment = "AUTO_APPROVE_THRESHOLD=\(Self.formatted(value))"
        guard dryRun else {
            if json {
                struct Instruction: Encodable {
                    let threshold: Double, current: Double, environment: String
                }
                return try printJSON(Instruction(threshold: value, current: current, environment: assignment))
            }
            printLine("The auto-approve threshold is \(Self.formatted(current)) here. To use \(Self.formatted(value)), set")
            printLine("  \(assignment)")
            printLine("in the environment of every `rotation worker` (and of `rotation demo` and the `rotation` commands")
            printLine("that compute a missing match), then restart them. Nothing was changed; tracks pending now stay")
            printLine("pending. `rotation matcher threshold \(Self.formatted(value)) --dry-run` counts them.")
            return
        }
        try ReviewCLI.run(json: json) {
            let run = try ThresholdDryRun.measure(threshold: value, database: try servers.postgres())
            if json { return try printJSON(run) }
            printLine("Dry run: \(run.atOrAboveThreshold) of \(run.pendingTotal) pending track(s) have a confidence at or above "
                + "\(Self.formatted(value)) (threshold now \(Self.formatted(current))). Nothing was changed.")
            if !run.byStore.isEmpty { printLine(ReviewCLI.columns([("STORE", 32), ("TRACKS", 8)])) }
            for store in run.byStore {
                printLine(ReviewCLI.columns([(store.store ?? "(release not in releases)", 32), (String(store.tracks), 8)]))
            }
            printLine("A new threshold applies to releases matched after it is set; these stay for a reviewer, and the "
                + "policy's ambiguity and version rules may hold some back even then.")
        }
    }

    static func formatted(_ value: Double) -> String {
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0"), !text.hasSuffix(".0") { text.removeLast() }
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
