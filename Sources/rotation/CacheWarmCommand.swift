import ArgumentParser
import Foundation
import Rotation

extension CacheCommand {
    /// `rotation cache warm`: the seeds' cache warming, from Postgres, incremental and resumable.
    struct Warm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the match:* keys of approved matches from Postgres before a busy day (keys present are kept).",
            discussion: """
                Warms one store (--store), one release (--release) or every approved match (--all). Keys already in \
                the cache are left alone (SET NX), so a second run writes nothing and a reviewer's newer value is \
                never overwritten. The position is saved after every batch of 1,000 in cache_warm_jobs: Ctrl-C stops \
                after the batch in hand, and the next run of the same scope resumes there. Each key's TTL is the \
                configured TTL less a random jitter (CACHE_TTL_JITTER_PERCENT, default 10), so a store warmed at \
                once does not expire at once. CACHE_WARM_CONCURRENCY (default 4) pipelines in parallel.
                """)
        @OptionGroup var servers: ServerOptions
        @Option(help: "Warm the approved matches of this store.") var store: String?
        @Option(help: "Warm the approved matches of this release (Discogs id).") var release: Int64?
        @Flag(help: "Warm every approved match.") var all = false
        @Flag(help: "Count what would be written; write nothing.") var dryRun = false
        @Flag(help: "Print machine-readable JSON.") var json = false

        func validate() throws {
            let chosen = [store != nil, release != nil, all].filter { $0 }.count
            guard chosen == 1 else { throw ValidationError("choose one of --store, --release or --all") }
            if let store, store.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--store needs a name") }
        }

        private var scope: CacheWarmScope {
            if let store { return .store(store) }
            if let release { return .release(release) }
            return .all
        }

        func run() throws {
            try ReviewCLI.run(json: json) {
                let settings = servers.settings
                let warmer = CacheWarmer(database: try servers.postgres(), redis: try CacheCommand.redis(servers),
                                         ttlSeconds: settings.cacheTTL, ttlJitterPercent: settings.cacheTTLJitterPercent,
                                         concurrency: settings.cacheWarmConcurrency)
                if dryRun {
                    let plan = try warmer.dryRun(scope)
                    if json { return try printJSON(plan) }
                    printLine("\(plan.approved) approved match\(plan.approved == 1 ? "" : "es") in \(ReviewCLI.safe(plan.scope)); "
                              + "\(plan.alreadyCached) already cached; \(plan.toWrite) would be written")
                    return
                }
                if settings.readOnly { throw ReviewError.readOnly }
                let progressLine = ProgressLine()
                let result = try InterruptStop.during("\nrotation: stopping after the batch in hand…") { stop in
                    try warmer.run(scope, stop: stop) { progress in
                        guard !json else { return }
                        if progress.done == 0, progress.resumed {
                            progressLine.end()
                            printLine("resuming warm job \(progress.jobID) of \(ReviewCLI.safe(progress.scope))")
                        }
                        progressLine.show("warming \(ReviewCLI.safe(progress.scope)): \(progress.done) of \(progress.total) · "
                                          + "\(progress.written) written, \(progress.skipped) already cached"
                                          + (progress.failed > 0 ? ", \(progress.failed) failed" : ""))
                    }
                }
                progressLine.end()
                if json { try printJSON(result) } else {
                    let verb = result.status == "stopped" ? "stopped (run again to resume)" : "done"
                    printLine("\(verb): \(result.written) key\(result.written == 1 ? "" : "s") written, \(result.skipped) already cached"
                              + (result.failed > 0 ? ", \(result.failed) failed and queued for repair" : "")
                              + " (job \(result.jobID))")
                }
                if result.status == "stopped" { throw ExitCode(130) }
                if result.failed > 0 { throw ExitCode(1) }
            }
        }
    }
}
