import Foundation
import Matching
import Postgres

/// One worker: claims a batch of queued releases, matches every track, and writes candidates, matches by the
/// policy, `releases.has_audio_matches`, the matches it created (`store_sync_log`, `store_sync_runs`) and the queue
/// rows in one transaction, then writes approved matches through to the cache. Uses its own connections; run one
/// per thread.
public final class ReleaseMatchingWorker: @unchecked Sendable {
    // @unchecked: `afterMatching` is a test hook, set before the worker's thread starts and never changed after.
    public let id: String
    public let configuration: WorkerConfiguration
    let connection: PostgresConnection
    let queue: ProcessingQueue
    let cache: MatchCacheWriter?
    let bodySource: (any ReleaseBodySource)?
    let stop: StopSignal
    /// Search for tracks the release's Discogs videos leave unmatched, in this order (YouTube, then SoundCloud for
    /// what YouTube left unmatched); empty unless `configuration.search` or `configuration.soundCloudSearch` is set.
    let searches: [WorkerSearch]
    /// Called after a release is matched and before anything is written; tests use it to stop or "kill" a worker
    /// mid-release.
    public var afterMatching: (@Sendable (QueueJob) -> Void)?

    public init(id: String, connection: PostgresConnection, configuration: WorkerConfiguration,
                cache: MatchCacheWriter? = nil, bodySource: (any ReleaseBodySource)? = nil, stop: StopSignal = StopSignal()) {
        self.id = id
        self.connection = connection
        self.configuration = configuration
        self.queue = ProcessingQueue(connection: connection, policy: configuration.queuePolicy)
        self.cache = cache
        self.bodySource = bodySource
        self.stop = stop
        self.searches = [
            configuration.search.map { WorkerSearch(youTube: YouTubeSearchProvider(configuration: $0, connection: connection)) },
            configuration.soundCloudSearch.map {
                WorkerSearch(soundCloud: SoundCloudSearchProvider(configuration: $0, connection: connection))
            },
        ].compactMap { $0 }
    }

    /// A name unique to this process and thread, as stored in `processing_queue.leased_by`.
    public static func makeID(index: Int) -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        return "\(host):\(getpid()):\(index)"
    }

    // MARK: Running

    /// Processes batches until the queue has nothing due (or a stop is requested). `progress` is called after each
    /// batch with the running totals.
    public func drain(progress: (WorkerReport) -> Void = { _ in }) throws -> WorkerReport {
        var total = WorkerReport()
        while !stop.isStopRequested {
            let batch = try processBatch()
            total += batch
            progress(total)
            if batch.claimed == 0 { break }
        }
        return total
    }

    /// Claims one batch and processes it. Returns an empty report when nothing is due.
    public func processBatch() throws -> WorkerReport {
        var report = WorkerReport()
        try queue.reclaimExpiredLeases()
        let jobs = try queue.claim(limit: configuration.batchSize, worker: id)
        report.claimed = jobs.count
        guard !jobs.isEmpty else { return report }
        var claimedAt = ContinuousClock.now

        let releaseIDs = Array(Set(jobs.map(\.discogsID))).sorted()
        var bodies: [Int64: String] = [:]
        for row in try connection.query(
            "SELECT discogs_id, body::text AS body FROM discogs_release_bodies WHERE discogs_id = ANY($1::bigint[])",
            releaseIDs).rows {
            bodies[try row.decode("discogs_id")] = try row.decode("body")
        }
        var rejected: [Int64: [Int: Set<String>]] = [:]
        for row in try connection.query(
            "SELECT release_id, track_index, match_url FROM match_rejections WHERE release_id = ANY($1::bigint[])",
            releaseIDs).rows {
            rejected[try row.decode("release_id"), default: [:]][try row.decode("track_index"), default: []]
                .insert(try row.decode("match_url"))
        }

        var prepared: [PreparedRelease] = []
        var matchedByRelease: [Int64: Int] = [:]
        for (index, job) in jobs.enumerated() {
            if stop.isStopRequested {
                let rest = jobs[index...].map(\.id)
                report.released += try queue.release(rest, worker: id)
                break
            }
            // The same release queued for two stores is matched once and both jobs complete with it.
            if let earlier = matchedByRelease[job.discogsID] {
                prepared[earlier].jobs.append(job)
                continue
            }
            do {
                let release = try loadRelease(job, storedBody: bodies[job.discogsID])
                var matched = PreparedRelease(jobs: [job], release: release)
                if let ready = configuration.matchesInAdvance?.prepared(for: job) {
                    matched = ready
                } else {
                    matched.match(configuration: configuration, rejected: rejected[job.discogsID] ?? [:])
                    try searchUnmatchedTracks(of: &matched, rejected: rejected[job.discogsID] ?? [:])
                }
                matchedByRelease[job.discogsID] = prepared.count
                prepared.append(matched)
                afterMatching?(job)
            } catch let failure as JobFailure {
                try record(failure, of: job, into: &report)
            }
            // Keep a slow batch (fetches) from being reclaimed by others: the jobs matched so far wait for the
            // batch's write as much as those not started (the update skips rows already failed or given back).
            if ContinuousClock.now - claimedAt > .seconds(configuration.queuePolicy.leaseSeconds / 2) {
                try queue.extendLeases(jobs.map(\.id), worker: id)
                claimedAt = .now
            }
        }
        if !prepared.isEmpty {
            try write(prepared, into: &report)
        }
        return report
    }

    /// Searches for the tracks the Discogs videos left unmatched (jobs come in queue priority order), provider by
    /// provider, each for the tracks the ones before left unmatched, and matches the release again with everything
    /// found. When a provider must wait, the next one is still asked; if tracks stay unmatched, the release keeps
    /// what it has and carries the first deferral (its job goes back to the queue).
    private func searchUnmatchedTracks(of matched: inout PreparedRelease, rejected: [Int: Set<String>]) throws {
        guard !searches.isEmpty, !matched.unmatchedTrackIndices.isEmpty else { return }
        var found: [CandidateVideo] = []
        var deferral: SearchDeferral?
        for search in searches where !matched.unmatchedTrackIndices.isEmpty {
            do {
                let more = try search.candidates(for: matched.release, tracks: matched.unmatchedTrackIndices)
                matched.searchedTracks += more.searched
                matched.searchAPISeconds += more.apiSeconds
                if !more.videos.isEmpty {
                    found += more.videos
                    matched.match(configuration: configuration, rejected: rejected, searched: found)
                }
            } catch let postponed as SearchDeferral {
                if deferral == nil { deferral = postponed }
            }
        }
        // A provider that had to wait is no reason to come back when the others matched every track.
        matched.searchDeferral = matched.unmatchedTrackIndices.isEmpty ? nil : deferral
    }

    /// Between batches: applies pending cache repairs once Redis is back (`MatchCacheWriter.repairPending(on:)`).
    @discardableResult
    public func repairPendingCache() -> Int { cache?.repairPending(on: connection) ?? 0 }

    // MARK: Loading

    /// Why one job could not be done; only that job fails (recorded in its queue row), the batch goes on.
    struct JobFailure: Error {
        var message: String
        var permanent: Bool
    }

    /// Records a failed attempt in the job's queue row (`error_message`, retried later or `failed`) and the report.
    private func record(_ failure: JobFailure, of job: QueueJob, into report: inout WorkerReport) throws {
        switch try queue.fail(job, worker: id, message: failure.message, permanent: failure.permanent) {
        case .failed: report.failed += 1; report.failures.append("\(job.discogsID): \(failure.message)")
        case .retryLater: report.retried += 1; report.failures.append("\(job.discogsID): \(failure.message) (will retry)")
        case .notHeld: report.lost += 1
        }
    }

    private func loadRelease(_ job: QueueJob, storedBody: String?) throws -> DiscogsRelease {
        if let storedBody {
            do {
                return try DiscogsDecoding.decode(DiscogsRelease.self, from: Data(storedBody.utf8))
            } catch {
                throw JobFailure(message: "the stored body of release \(job.discogsID) is unreadable: \(error)", permanent: true)
            }
        }
        guard let bodySource else {
            throw JobFailure(message: "release \(job.discogsID) has no tracklist in the database and no Discogs client is configured",
                             permanent: false)
        }
        let data: Data
        do {
            data = try bodySource.releaseBody(id: job.discogsID)
        } catch let error as DiscogsClientError {
            throw JobFailure(message: "cannot fetch release \(job.discogsID) from Discogs: \(error)", permanent: error.isPermanent)
        } catch {
            throw JobFailure(message: "cannot fetch release \(job.discogsID): \(error)", permanent: false)
        }
        let body: ReleaseBody
        do {
            body = try ReleaseBody(data: data, source: "/releases/\(job.discogsID)")
        } catch {
            throw JobFailure(message: "Discogs' body for release \(job.discogsID) is unusable: \(error)", permanent: true)
        }
        do {
            _ = try ReleaseCatalog(connection: connection).upsertRelease(body, store: job.store)
        } catch {
            guard let refusal = StorageRules.refusal(error) else { throw error }
            throw JobFailure(message: "Discogs' body for release \(job.discogsID) cannot be stored: \(refusal)", permanent: true)
        }
        return body.release
    }

    // MARK: Writing

    /// Writes the batch in one transaction. When Postgres refuses a release's values, the batch is written again
    /// release by release, so only the refused release's jobs fail (permanently, with the reason in the queue row)
    /// and every other release is committed.
    private func write(_ prepared: [PreparedRelease], into report: inout WorkerReport) throws {
        do {
            try writeTogether(prepared, into: &report)
        } catch {
            guard let refusal = StorageRules.refusal(error) else { throw error }
            if prepared.count > 1 {
                for release in prepared { try write([release], into: &report) }
                return
            }
            let release = prepared[0]
            let failure = JobFailure(message: "the matches of release \(release.release.id) cannot be stored: \(refusal)",
                                     permanent: true)
            for job in release.jobs { try record(failure, of: job, into: &report) }
        }
    }

    private func writeTogether(_ prepared: [PreparedRelease], into report: inout WorkerReport) throws {
        let jobIDs = prepared.flatMap { $0.jobs.map(\.id) }
        var attempt = 0
        while true {
            attempt += 1
            do {
                let outcome = try connection.transaction { db -> (held: Set<Int64>, written: [TrackMatch], created: [String: Int]) in
                    // A batch lost in a server crash is matched again after its lease; not waiting for each WAL
                    // flush is what lets small batches keep up.
                    try db.query("SET LOCAL synchronous_commit = off")
                    let held = try queue.lockHeld(jobIDs, worker: id, on: db)
                    let kept = prepared.filter { $0.jobs.contains { held.contains($0.id) } }
                    guard !kept.isEmpty else { return (held, [], [:]) }
                    let storeByRelease = Dictionary(kept.map { ($0.release.id, $0.jobs[0].store) }, uniquingKeysWith: { a, _ in a })
                    let (written, created) = try MatchedReleaseWriter.write(kept, storeByRelease: storeByRelease, on: db) {
                        try queue.complete(kept.filter { $0.searchDeferral == nil }.flatMap { $0.jobs.map(\.id) }
                            .filter { held.contains($0) }, worker: id, on: db)
                        for release in kept {
                            guard let deferral = release.searchDeferral else { continue }
                            try queue.postpone(release.jobs.map(\.id).filter { held.contains($0) }, worker: id,
                                               message: deferral.message, seconds: deferral.seconds, on: db)
                        }
                    }
                    return (held, written, created)
                }
                for release in prepared {
                    let heldJobs = release.jobs.filter { outcome.held.contains($0.id) }
                    report.lost += release.jobs.count - heldJobs.count
                    guard !heldJobs.isEmpty else { continue }
                    report.searchedTracks += release.searchedTracks
                    report.searchAPISeconds += release.searchAPISeconds
                    if let deferral = release.searchDeferral {
                        report.searchPostponed += heldJobs.count
                        report.failures.append("\(release.release.id): \(deferral.message)")
                    } else {
                        report.completed += heldJobs.count
                        report.completedReleases.append(release.release.id)
                    }
                    report.tracks += release.tracks
                    report.candidates += release.candidateRows.count
                    report.autoApproved += release.autoApproved
                    report.pending += release.pending
                    report.unmatched += release.unmatched
                }
                report.matchesCreated += outcome.created.values.reduce(0, +)
                if let cache {
                    report.cacheFailures += cache.write(outcome.written, repairs: connection).count
                }
                return
            } catch let error as PostgresError where error.kind == .serializationFailure && attempt < 3 {
                continue  // a deadlock with another writer: the transaction rolled back, so try again
            }
        }
    }
}

