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
    /// Search for tracks the release's Discogs videos leave unmatched; nil unless `configuration.search` is set.
    let search: WorkerSearch?
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
        self.search = configuration.search.map {
            WorkerSearch(provider: YouTubeSearchProvider(configuration: $0, connection: connection))
        }
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

    /// Searches for the tracks the Discogs videos left unmatched (jobs come in queue priority order) and matches the
    /// release again with what was found; when search must wait, the release keeps its Discogs matches and
    /// carries the deferral (its job goes back to the queue).
    private func searchUnmatchedTracks(of matched: inout PreparedRelease, rejected: [Int: Set<String>]) throws {
        guard let search, !matched.unmatchedTrackIndices.isEmpty else { return }
        do {
            let found = try search.candidates(for: matched.release, tracks: matched.unmatchedTrackIndices)
            if !found.videos.isEmpty { matched.match(configuration: configuration, rejected: rejected, searched: found.videos) }
            matched.searchedTracks = found.searched
            matched.searchAPISeconds = found.apiSeconds
        } catch let deferral as SearchDeferral {
            matched.searchDeferral = deferral
        }
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
                    let releaseIDs = kept.map(\.release.id).sorted()
                    // Writers of the same release (queued for two stores, or by the web app) take turns.
                    try db.query("""
                        SELECT pg_advisory_xact_lock(ids.rid) FROM (SELECT unnest($1::bigint[]) AS rid ORDER BY 1) ids
                        """, releaseIDs)
                    try db.query("DELETE FROM match_candidates WHERE release_id = ANY($1::bigint[])", releaseIDs)
                    // COPY is the cheapest way in for ~10 candidates per track; this transaction holds the releases'
                    // locks and deleted their old candidates, so there is nothing to conflict with.
                    if kept.contains(where: { !$0.candidateRows.isEmpty }) {
                        try db.copyIn("""
                            COPY match_candidates (release_id, track_index, platform, match_url, title, confidence, evidence)
                            FROM STDIN
                            """) { send in
                            for release in kept {
                                var lines = CopyLine(capacity: 512 * release.candidateRows.count)
                                for row in release.candidateRows { row.appendCopyLine(to: &lines) }
                                try send(lines.text)
                            }
                        }
                    }
                    let matchRows = kept.flatMap(\.matchRows).sorted { ($0.release_id, $0.track_index) < ($1.release_id, $1.track_index) }
                    // Uncontended writes first: the match insert below takes locks other workers wait for (the
                    // per-store counters of the review-count triggers, the store's sync log row) until commit.
                    let releasesWithMatches = Array(Set(matchRows.map(\.release_id)))
                    try db.query("""
                        UPDATE releases r SET has_audio_matches = m.has_matches
                        FROM (SELECT ids.rid, ids.rid = ANY($2::bigint[])
                                       OR EXISTS (SELECT 1 FROM track_matches t WHERE t.release_id = ids.rid) AS has_matches
                              FROM unnest($1::bigint[]) AS ids(rid)) m
                        WHERE r.discogs_id = m.rid AND r.has_audio_matches IS DISTINCT FROM m.has_matches
                        """, releaseIDs, releasesWithMatches)
                    try queue.complete(kept.filter { $0.searchDeferral == nil }.flatMap { $0.jobs.map(\.id) }
                        .filter { held.contains($0) }, worker: id, on: db)
                    for release in kept {
                        guard let deferral = release.searchDeferral else { continue }
                        try queue.postpone(release.jobs.map(\.id).filter { held.contains($0) }, worker: id,
                                           message: deferral.message, seconds: deferral.seconds, on: db)
                    }
                    var written: [TrackMatch] = []
                    var created: [String: Int] = [:]
                    let storeByRelease = Dictionary(kept.map { ($0.release.id, $0.jobs[0].store) }, uniquingKeysWith: { a, _ in a })
                    if !matchRows.isEmpty {
                        // Only rows the matcher owns are written (MatcherOwnership): a track without a row, or one whose
                        // row is still as the matcher left it. A decision by anyone else moved updated_at and is kept.
                        let result = try db.query("""
                            WITH written AS (
                              INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved,
                                                         verified_by, verified_at, updated_at)
                              SELECT release_id, track_index, platform, match_url, confidence, approved, verified_by, NOW(), NOW()
                              FROM jsonb_to_recordset($1::jsonb) AS x(release_id BIGINT, track_index INTEGER, platform TEXT,
                                   match_url TEXT, confidence REAL, approved BOOLEAN, verified_by TEXT)
                              ORDER BY release_id, track_index
                              ON CONFLICT (release_id, track_index) DO UPDATE SET
                                platform = EXCLUDED.platform, match_url = EXCLUDED.match_url, confidence = EXCLUDED.confidence,
                                approved = EXCLUDED.approved, verified_by = EXCLUDED.verified_by,
                                verified_at = EXCLUDED.verified_at, updated_at = NOW()
                              WHERE \(MatcherOwnership.ownedCondition(table: "track_matches"))
                                AND (track_matches.platform, track_matches.match_url, track_matches.confidence,
                                     track_matches.approved, track_matches.verified_by)
                                    IS DISTINCT FROM (EXCLUDED.platform, EXCLUDED.match_url, EXCLUDED.confidence,
                                     EXCLUDED.approved, EXCLUDED.verified_by)
                              RETURNING \(TrackMatch.columns), (xmax = 0) AS inserted
                            ), \(MatcherOwnership.recordWritten(from: "written"))
                            SELECT * FROM written
                            """, PostgresJSON("[" + matchRows.map(\.json).joined(separator: ",") + "]"))
                        for row in result.rows {
                            let match = try TrackMatch(row: row)
                            written.append(match)
                            if try row.decode("inserted", as: Bool.self), let store = storeByRelease[match.releaseID] {
                                created[store, default: 0] += 1
                            }
                        }
                    }
                    for (store, count) in created.sorted(by: { $0.key < $1.key }) {
                        try StoreSyncRun(store: store, source: .worker, audioMatchesCreated: count).record(on: db)
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

