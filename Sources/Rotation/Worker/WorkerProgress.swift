import Foundation
import Synchronization

/// Reports a worker run on standard error: a redrawn bar on a terminal, plain lines otherwise, with the rate and
/// an ETA. Safe to call from every worker thread; output is throttled.
public final class WorkerProgress: Sendable {
    private let isTerminal: Bool
    private let write: @Sendable (String) -> Void
    private let interval: Duration
    private let start = ContinuousClock.now

    private struct Tally {
        var lastPrint: ContinuousClock.Instant?
        var totals: [Int: WorkerReport] = [:]
        /// Jobs still queued, refreshed by the pool; the ETA divides it by the rate.
        var remaining: Int?
    }

    /// Held while printing too, so lines from several workers never interleave.
    private let tally = Mutex(Tally())

    public init(isTerminal: Bool = isatty(STDERR_FILENO) == 1, interval: Duration = .seconds(1),
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.isTerminal = isTerminal; self.interval = interval; self.write = write
    }

    /// Records worker `index`'s running totals and prints when it is time.
    public func update(worker index: Int, totals report: WorkerReport) {
        tally.withLock { tally in
            tally.totals[index] = report
            let now = ContinuousClock.now
            if let lastPrint = tally.lastPrint, now - lastPrint < interval { return }
            tally.lastPrint = now
            write(render(tally, final: false))
        }
    }

    public func setRemaining(_ count: Int?) {
        tally.withLock { $0.remaining = count }
    }

    /// Prints the closing line.
    public func finish() {
        tally.withLock { write(render($0, final: true)) }
    }

    private func render(_ tally: Tally, final: Bool) -> String {
        var sum = WorkerReport()
        for report in tally.totals.values { sum += report }
        let elapsed = max(0.001, Double((ContinuousClock.now - start).components.seconds)
                          + Double((ContinuousClock.now - start).components.attoseconds) / 1e18)
        let done = sum.finishedJobs
        let rate = Double(done) / elapsed
        let remainingJobs = tally.remaining
        let eta = remainingJobs.flatMap { rate > 0 ? Double($0) / rate : nil }
        let counts = "\(sum.completed) done, \(sum.failed) failed, \(sum.retried) to retry"
        let figures = String(format: "%.1f releases/s", rate) + (eta.map { ", ETA \(Self.clock($0))" } ?? "")
        if isTerminal && !final {
            let total = done + (remainingJobs ?? 0)
            let fraction = total > 0 ? Double(done) / Double(total) : 0
            let width = 24
            let filled = min(width, Int(fraction * Double(width)))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            return "\r\u{1B}[K[\(bar)] \(done)/\(total) \(counts)  \(figures)"
        }
        let prefix = isTerminal ? "\r\u{1B}[K" : ""
        let matches = "\(sum.autoApproved) auto-approved, \(sum.pending) pending, \(sum.unmatched) unmatched tracks"
        return prefix + (final ? "worker finished: " : "worker: ") + "\(counts); \(matches); \(figures)\n"
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
                             : String(format: "%d:%02d", total / 60, total % 60)
    }
}
