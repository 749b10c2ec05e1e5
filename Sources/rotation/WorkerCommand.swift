import ArgumentParser
import Dispatch
import Foundation
import Postgres
import Redis
import Rotation
import Terminal

/// `rotation worker`: drains the matching queue.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Match queued releases: candidates, matches by the policy, cache write-through.",
        discussion: """
            Claims queued releases with FOR UPDATE SKIP LOCKED and a lease, fetches tracklists missing from the \
            database through the Discogs client (DISCOGS_API_URL, DISCOGS_USER_TOKEN), stores every candidate with its \
            evidence, writes matches by the policy (>= 0.80 approved unless ambiguous, 0.50-0.80 pending, below \
            unmatched; never a rejected URL) and caches approved matches. Progress goes to stderr. SIGINT/SIGTERM: \
            finishes the release in hand, gives the other claimed jobs back, exits 0. A row's max_retries is its limit of \
            attempts (retry_count counts failed runs, as the web app's processor does). Rows the web app's processor \
            marked processing (no lease) are taken over only once they have been processing for longer than the stuck \
            limit (\(QueuePolicy.stuckWithoutLeaseSeconds / 60) minutes), counting that attempt. A release that \
            cannot be fetched, read, matched or stored fails only its own job, with the reason in the queue row \
            (rotation queue list --status failed); the rest of the batch is committed. Exits \(SkippedItemsExit.code) \
            when some jobs were marked failed during the run.
            """)

    @OptionGroup var servers: ServerOptions

    @Option(help: "Workers running at once, each with its own connections.")
    var concurrency = 2

    @Flag(help: "Exit when nothing is due instead of waiting for new jobs.")
    var once = false

    @Option(help: "Jobs claimed and written per transaction (default: $AUDIO_MATCHING_BATCH_SIZE when set, else 50).")
    var batch: Int?

    @Option(name: .customLong("lease"), help: "Seconds a claim lasts before another worker may take the job.")
    var leaseSeconds = QueuePolicy.default.leaseSeconds

    @Option(name: .customLong("max-attempts"), help: "Attempts before a job is marked failed, for rows without max_retries.")
    var maxAttempts = QueuePolicy.default.maxAttempts

    @Option(name: .customLong("candidate-floor"), help: ArgumentHelp(
        "Store only candidates scoring above this, plus each track's best 3 (default 0: drop those ruled out).",
        valueName: "confidence"))
    var candidateFloor = 0.0

    @Flag(name: .customLong("all-candidates"), help: "Store every candidate, including those scored 0.")
    var allCandidates = false

    @Option(name: .customLong("api-url"), help: ArgumentHelp("Discogs API base URL (default: $DISCOGS_API_URL).", valueName: "url"))
    var apiURL: String?

    @Option(help: ArgumentHelp("Match at most this many releases per second (default: as fast as possible).", valueName: "n"))
    var pace: Double?

    @Flag(help: "Print the final report as JSON on stdout.")
    var json = false

    func validate() throws {
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64") }
        if let batch, !(1...1000).contains(batch) { throw ValidationError("--batch must be between 1 and 1000") }
        guard leaseSeconds >= 5 else { throw ValidationError("--lease must be at least 5 seconds") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
        guard (0...1).contains(candidateFloor) else { throw ValidationError("--candidate-floor must be between 0 and 1") }
    }

    func run() throws {
        var settings = servers.settings
        if let problem = settings.autoApproveThresholdProblem { throw ValidationError(problem) }
        guard settings.backgroundProcessingEnabled else {
            printError("worker: BACKGROUND_PROCESSING_ENABLED is off, so no releases are matched")
            return
        }
        if let apiURL { settings.discogsBaseURL = apiURL }
        var configuration = WorkerConfiguration(settings: settings)
        // The web app's default of 5 suits its own loop; our workers need bigger batches to keep up (see the
        // benchmarks), so 5 applies only when the environment asks for it.
        configuration.batchSize = batch ?? settings.audioMatchingBatchSize ?? 50
        configuration.queuePolicy.leaseSeconds = leaseSeconds
        configuration.queuePolicy.maxAttempts = maxAttempts
        configuration.candidateFloor = allCandidates ? -1 : candidateFloor
        var clientConfiguration = try DiscogsClientConfiguration(settings: settings)
        // The queue retries a failed fetch later with its own backoff; the client need not wait long in between.
        clientConfiguration.maxRetries = 2
        let client = DiscogsClient(configuration: clientConfiguration)
        // Signals only set the stop flag; workers finish the release in hand and give the rest back.
        let stop = InterruptStop.begin("\nworker: stopping after the releases in hand…")
        defer { InterruptStop.end() }

        var workers: [ReleaseMatchingWorker] = []
        for index in 0..<concurrency {
            let cache = try TierConnections.openRedis(settings).map {
                MatchCacheWriter(redis: $0, ttlSeconds: settings.cacheTTL, ttlJitterPercent: settings.cacheTTLJitterPercent)
            }
            workers.append(ReleaseMatchingWorker(
                id: ReleaseMatchingWorker.makeID(index: index), connection: try servers.postgres(),
                configuration: configuration, cache: cache, bodySource: client, stop: stop))
        }
        if settings.redisURL == nil { printError("worker: no REDIS_URL, approved matches are not cached") }

        let monitor = try servers.postgres()
        let pool = WorkerPool(workers: workers, stop: stop)
        pool.reportError = { printError("\nworker: \(TerminalText.sanitize($0))") }
        pool.pace = pace
        let report = try pool.run(once: once, progress: WorkerProgress()) {
            try? ProcessingQueue(connection: monitor).queuedCount()
        }
        if json {
            var printable = report
            printable.completedReleases = []
            try printJSON(printable)
        }
        // Failures carry Discogs' and Postgres' own text: made safe for a terminal.
        for failure in report.failures.prefix(20) { printError("worker: \(TerminalText.sanitize(failure))") }
        if report.failures.count > 20 { printError("worker: … \(report.failures.count - 20) more (rotation queue list --status failed)") }
        try SkippedItemsExit.check(skipped: report.failed)
    }
}
