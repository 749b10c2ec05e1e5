import Foundation
import Postgres
import Synchronization

/// Runs N matching workers on their own threads and connections until the queue is drained (`once`) or a stop
/// is requested. A stop lets every worker finish the release in hand and give its other jobs back.
public final class WorkerPool: @unchecked Sendable {
    // @unchecked: its settings (`idlePollSeconds`, `pace`, `reportError`) are set before `run`, which copies them
    // into each worker thread.
    public let workers: [ReleaseMatchingWorker]
    public let stop: StopSignal
    /// Seconds between looks at an empty queue when not running `once`.
    public var idlePollSeconds: Double = 2
    /// At most this many releases per second across the pool (nil: as fast as it can). A gentle background load
    /// on a shared database, and the demo's visible queue.
    public var pace: Double?
    /// Told about errors a long-running pool survives (Postgres restarting); it retries with backoff.
    public var reportError: @Sendable (String) -> Void = { _ in }

    public init(workers: [ReleaseMatchingWorker], stop: StopSignal) {
        self.workers = workers; self.stop = stop
    }

    /// Runs every worker; returns the combined report. With `once`, the first error a worker hits (Postgres gone)
    /// stops all of them and is rethrown after they have finished; otherwise the worker reports it, waits (1 s,
    /// doubling up to 30 s) and carries on, since its claimed jobs come back after their lease anyway.
    public func run(once: Bool, progress: WorkerProgress? = nil, remaining: (() -> Int?)? = nil) throws -> WorkerReport {
        let results = PoolResults(count: workers.count)
        let group = DispatchGroup()
        for (index, worker) in workers.enumerated() {
            group.enter()
            let thread = Thread { [stop, idlePollSeconds, reportError, pace, workerCount = workers.count] in
                defer { group.leave() }
                var total = WorkerReport()
                var errorDelay = 1.0
                do {
                    while !stop.isStopRequested {
                        var batch: WorkerReport
                        do {
                            batch = try worker.processBatch()
                            errorDelay = 1
                            worker.repairPendingCache()
                        } catch where !once {
                            reportError("\(worker.id): \(error); retrying in \(Int(errorDelay)) s")
                            Self.wait(seconds: errorDelay, unless: stop)
                            errorDelay = min(30, errorDelay * 2)
                            continue
                        }
                        // The pool reports counts; a list of every release done would grow for as long as it runs.
                        batch.completedReleases = []
                        total += batch
                        progress?.update(worker: index, totals: total)
                        if batch.claimed == 0 {
                            if once { break }
                            Self.wait(seconds: idlePollSeconds, unless: stop)
                        } else if let pace, pace > 0 {
                            Self.wait(seconds: Double(batch.claimed * workerCount) / pace, unless: stop)
                        }
                    }
                } catch {
                    results.record(error)
                    stop.requestStop()
                }
                results.record(total, worker: index)
            }
            thread.name = "rotation-worker-\(index)"
            thread.start()
        }
        // The calling thread refreshes the ETA's "remaining" while the workers run.
        while group.wait(timeout: .now() + 1) == .timedOut {
            if let remaining { progress?.setRemaining(remaining()) }
        }
        progress?.finish()
        return try results.combined()
    }

    /// Sleeps in short steps so a stop request is noticed quickly.
    private static func wait(seconds: Double, unless stop: StopSignal) {
        var waited = 0.0
        while waited < seconds && !stop.isStopRequested {
            Thread.sleep(forTimeInterval: 0.1)
            waited += 0.1
        }
    }
}

/// What the worker threads hand back, behind a lock.
private final class PoolResults: Sendable {
    private struct Results {
        var reports: [WorkerReport]
        var firstError: (any Error)?
    }

    private let results: Mutex<Results>

    init(count: Int) { results = Mutex(Results(reports: Array(repeating: WorkerReport(), count: count))) }

    func record(_ report: WorkerReport, worker index: Int) {
        results.withLock { $0.reports[index] = report }
    }

    func record(_ error: any Error) {
        results.withLock { results in
            if results.firstError == nil { results.firstError = error }
        }
    }

    func combined() throws -> WorkerReport {
        try results.withLock { results in
            if let firstError = results.firstError { throw firstError }
            var total = WorkerReport()
            for report in results.reports { total += report }
            return total
        }
    }
}
