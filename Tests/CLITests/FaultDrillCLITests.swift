import Foundation
import Postgres
import Redis
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Fault drills with real processes (issue 9, item 8): the built `rotation` binary is killed, starved of Redis and
/// raced against itself, and the data is checked by counting. Each drill prints one `DRILL` line with its figures
/// (the README's table of drills quotes them). Nothing is timed: waits poll for a state, with a generous deadline.
final class FaultDrillCLITests: CLITestCase {
    // MARK: Drill 1: a worker SIGKILLed mid-batch

    /// A worker is killed while its batch is matched but not written (it waits for a release's advisory lock, which
    /// the test holds, inside its write transaction). Its jobs come back after the lease; a second worker finishes
    /// them and the rest; the matches equal those of an undisturbed run of the same data, with no duplicate and
    /// none lost.
    func testDrillWorkerKilledMidBatchLosesAndDuplicatesNothing() throws {
        let seed = ["seed", "--stores", "2", "--releases", "0", "--tracks", "4", "--queued", "24", "--seed", "7"]
        try ok(seed)
        let queued = try db.query("SELECT discogs_id FROM processing_queue WHERE status = 'queued' ORDER BY discogs_id")
            .column("discogs_id", as: Int64.self)
        XCTAssertEqual(queued.count, 24)

        // The reference: the same data matched by a worker nobody disturbs, in a database of its own.
        let referenceURL = try freshDatabase(template: Self.templateName)
        let referenceEnvironment: [String: String?] = ["DATABASE_URL": referenceURL, "REDIS_URL": nil]
        try ok(seed, environment: referenceEnvironment)
        try ok(["worker", "--once", "--concurrency", "1", "--batch", "8"], environment: referenceEnvironment)
        let reference = try PostgresConnection(url: referenceURL)
        defer { reference.close() }
        let expected = try matchSet(reference, releases: queued)
        XCTAssertFalse(expected.isEmpty, "the reference run matched nothing")

        // The test holds the advisory lock of a release in the middle of the claim order: the batch that contains it
        // blocks in its write transaction, after claiming and matching (the batches before it are written).
        let claimOrder = try db.query("""
            SELECT discogs_id FROM processing_queue WHERE status = 'queued' ORDER BY priority DESC, queued_at, id
            """).column("discogs_id", as: Int64.self)
        let holder = try PostgresConnection(url: databaseURL)
        defer { holder.close() }
        try holder.query("SELECT pg_advisory_lock($1::bigint)", claimOrder[claimOrder.count / 2])
        let worker = try launchRotation(["worker", "--concurrency", "1", "--batch", "8", "--lease", "5"])
        try waitUntil("the worker waits inside its write transaction") {
            try count("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'
                """) == 1
        }
        let inHand = try db.query("""
            SELECT id FROM processing_queue WHERE status = 'processing' AND leased_by IS NOT NULL AND discogs_id = ANY($1::bigint[])
            """, queued).column("id", as: Int64.self)
        let writtenBefore = try count("SELECT count(*) FROM processing_queue WHERE status = 'completed' AND discogs_id = ANY($1::bigint[])", queued)
        XCTAssertGreaterThan(inHand.count, 0, "the killed worker held no jobs")

        kill(worker.processIdentifier, SIGKILL)
        worker.waitUntilExit()
        XCTAssertEqual(worker.terminationReason, .uncaughtSignal)
        try holder.query("SELECT pg_advisory_unlock_all()")
        // The killed worker's claims stay until their lease runs out; then any worker takes them back.
        try waitUntil("the killed worker's leases expire") {
            try count("SELECT count(*) FROM processing_queue WHERE status = 'processing' AND lease_expires_at > now()") == 0
        }
        try ok(["worker", "--once", "--concurrency", "1", "--batch", "8", "--lease", "5"])

        XCTAssertEqual(try count("""
            SELECT count(*) FROM processing_queue WHERE discogs_id = ANY($1::bigint[]) AND status = 'completed'
            """, queued), queued.count, "every job completed")
        XCTAssertEqual(try count("SELECT count(*) FROM processing_queue WHERE id = ANY($1::bigint[]) AND retry_count = 1", inHand),
                       inHand.count, "the killed worker's attempt is counted once for each job it held")
        let actual = try matchSet(db, releases: queued)
        XCTAssertEqual(actual.subtracting(expected), [], "matches the undisturbed run does not have (duplicates, strays)")
        XCTAssertEqual(expected.subtracting(actual), [], "matches lost")
        XCTAssertEqual(try duplicateCandidates(db, releases: queued), 0)
        XCTAssertEqual(try count("SELECT count(*) FROM match_candidates WHERE release_id = ANY($1::bigint[])", queued),
                       try reference.query("SELECT count(*) FROM match_candidates WHERE release_id = ANY($1::bigint[])", queued)
                           .scalar(Int.self))
        // Each match created is counted once in the stores' sync log: the killed batch counted nothing.
        XCTAssertEqual(try count("SELECT COALESCE(sum(audio_matches_created), 0)::bigint FROM store_sync_runs WHERE source = 'worker'"),
                       actual.count)
        // Every match is a track of its release's tracklist, never a heading.
        XCTAssertEqual(try count("""
            SELECT count(*) FROM track_matches m JOIN discogs_release_bodies b ON b.discogs_id = m.release_id
            WHERE m.release_id = ANY($1::bigint[])
              AND (m.track_index >= jsonb_array_length(b.body->'tracklist')
                   OR b.body->'tracklist'->m.track_index->>'type_' = 'heading')
            """, queued), 0)
        print("DRILL worker-kill: \(queued.count) jobs, \(writtenBefore) written before the kill, \(inHand.count) in the killed batch "
              + "came back after the lease, \(actual.count) matches = \(expected.count) of the undisturbed run, 0 duplicates, 0 lost")
    }

    /// (release, track, url, approved) of the matches of `releases`.
    private func matchSet(_ connection: PostgresConnection, releases: [Int64]) throws -> Set<String> {
        Set(try connection.query("""
            SELECT release_id || '/' || track_index || ' ' || match_url || ' ' || approved AS m FROM track_matches
            WHERE release_id = ANY($1::bigint[])
            """, releases).column("m", as: String.self))
    }

    private func duplicateCandidates(_ connection: PostgresConnection, releases: [Int64]) throws -> Int {
        try connection.query("""
            SELECT count(*) FROM (SELECT 1 FROM match_candidates WHERE release_id = ANY($1::bigint[])
                                  GROUP BY release_id, track_index, match_url HAVING count(*) > 1) d
            """, releases).scalar(Int.self)
    }

    // MARK: Drill 3: keys left stale while Redis was away

    /// A decision taken while Redis is unreachable leaves the cached (pending) value stale. `rotation cache repair`
    /// says so while Redis is still away (exit 1), then repairs it; a worker running between batches repairs the
    /// next one by itself.
    func testDrillStaleKeysAreRepairedOnDemandAndByTheWorker() throws {
        try insertRelease(800, store: "drill-store", tracks: 2)
        try insertMatch(800, 0)
        try insertMatch(800, 1)
        for track in 0..<2 { try cacheAsStored(800, track) }
        let unreachable = "redis://127.0.0.1:\(CLILocations.closedPort())/0"

        let approved = try ok(["matches", "approve", "800", "0", "--json"], environment: ["REDIS_URL": unreachable]).object()
        XCTAssertEqual(approved.string("cache"), "repair_queued", "\(approved)")
        XCTAssertEqual(try staleKeys(), ["match:800:0"], "the cache still says pending, Postgres approved")

        let away = try rotation(["cache", "repair"], environment: ["REDIS_URL": unreachable])
        XCTAssertEqual(away.status, 1, "\(away)")
        XCTAssertTrue(away.stdout.contains("repaired 0 keys; 1 still pending"), "\(away)")
        XCTAssertTrue(away.stdout.contains("1 queued because:"), "\(away)")
        XCTAssertTrue(away.stderr.contains("cache repair stopped"), "\(away)")

        let repaired = try ok(["cache", "repair", "--json"]).object()
        XCTAssertEqual(repaired.int("repaired"), 1, "\(repaired)")
        XCTAssertEqual(repaired.int("pending"), 0, "\(repaired)")
        XCTAssertEqual(try staleKeys(), [])
        XCTAssertEqual(try count("SELECT count(*) FROM cache_repairs"), 0)

        // The worker: no job to do, but it repairs between batches.
        try ok(["matches", "approve", "800", "1"], environment: ["REDIS_URL": unreachable])
        XCTAssertEqual(try staleKeys(), ["match:800:1"])
        try ok(["worker", "--once", "--concurrency", "1"])
        XCTAssertEqual(try staleKeys(), [])
        XCTAssertEqual(try count("SELECT count(*) FROM cache_repairs"), 0)
        print("DRILL stale-keys (CLI): 2 keys left stale with Redis unreachable; `cache repair` reported 1 pending and exit 1 "
              + "while Redis was away, then repaired 1; a `worker --once` with no jobs repaired the other; 0 stale keys")
    }

    /// Caches the track's stored row the way the web app expects it.
    private func cacheAsStored(_ release: Int64, _ track: Int) throws {
        let value = try db.query("""
            SELECT rotation_cache_value(m)::text AS v FROM track_matches m WHERE release_id = $1 AND track_index = $2
            """, release, track).first!.decode("v", as: String.self)
        try redis.set("match:\(release):\(track)", value, expireSeconds: 3600)
    }

    /// The `match:*` keys whose value disagrees with Postgres (a different URL or approval, or no row at all).
    private func staleKeys() throws -> [String] {
        var keys: [String] = []
        try redis.scanAll(match: "match:*") { keys += $0; return true }
        var stale: [String] = []
        for key in keys.sorted() {
            let parts = key.split(separator: ":")
            guard parts.count == 3, let release = Int64(parts[1]), let track = Int(parts[2]),
                  let cached = try cached(release, track) else { stale.append(key); continue }
            let row = try matchRow(release, track)
            let same = try row.map {
                try $0.decode("match_url", as: String.self) == cached.string("match_url")
                    && $0.decode("approved", as: Bool.self) == cached.bool("approved")
            } ?? false
            if !same { stale.append(key) }
        }
        return stale
    }

    // MARK: Drill 4: two processes deciding on the same tracks at once

    /// Two "consoles", each a loop that reads a track's `updated_at` and then runs `rotation matches approve` (one)
    /// or `needs-review` (the other) guarded by it, on the same three tracks at once. Every accepted decision is in
    /// the log, each one built on the state the previous one left (none lost), every refused one is a reported
    /// conflict, and each row ends as its last accepted decision left it.
    func testDrillTwoProcessesDecidingOnTheSameTracksLoseNoUpdate() throws {
        try insertRelease(700, store: "drill-store", tracks: 3)
        for track in 0..<3 { try insertMatch(700, track) }
        let rounds = 12
        let results = DrillResults()
        let group = DispatchGroup()
        let executable = try binary(), runEnvironment = self.environment([:])
        for (reviewer, action) in [("ana", "approve"), ("bo", "needs-review")] {
            group.enter()
            let reader = try PostgresConnection(url: databaseURL)
            Thread.detachNewThread {
                defer { reader.close(); group.leave() }
                for round in 0..<rounds {
                    let track = round % 3
                    do {
                        let seen = try reader.query(
                            "SELECT updated_at FROM track_matches WHERE release_id = 700 AND track_index = $1", track)
                            .first!.decode("updated_at", as: Date.self)
                        let result = try runToEnd(executable, ["matches", action, "700", String(track), "--json", "--reviewer", reviewer,
                                                                "--expect-updated-at", PostgresTimestamp.format(seen)],
                                                  environment: runEnvironment)
                        results.append(result)
                    } catch {
                        results.fail("\(reviewer) round \(round): \(error)")
                    }
                }
            }
        }
        group.wait()
        XCTAssertEqual(results.failures, [])

        var accepted: [Int64] = []
        var conflicts = 0
        for result in results.all {
            switch result.status {
            case 0: accepted.append(Int64(try result.object().int("reviewID") ?? -1))
            case 3:
                conflicts += 1
                XCTAssertNotNil(try result.object().object("conflict"), "a refused decision names the conflict: \(result)")
            default: XCTFail("neither applied nor a conflict: \(result)")
            }
        }
        XCTAssertEqual(accepted.count + conflicts, 2 * rounds)
        // Every accepted decision is in the log, and the log holds nothing else.
        XCTAssertEqual(Set(try db.query("SELECT id FROM match_reviews").column("id", as: Int64.self)), Set(accepted))
        XCTAssertEqual(try count("SELECT count(*) FROM match_reviews"), accepted.count)
        // No lost update: each decision on a track started from the row the previous one left.
        XCTAssertEqual(try count("""
            SELECT count(*) FROM (
              SELECT (row_before->>'updated_at')::timestamptz AS before_at,
                     lag((row_after->>'updated_at')::timestamptz) OVER (PARTITION BY release_id, track_index ORDER BY id) AS previous_at,
                     lag(id) OVER (PARTITION BY release_id, track_index ORDER BY id) AS previous_id
              FROM match_reviews) chain
            WHERE previous_id IS NOT NULL AND before_at IS DISTINCT FROM previous_at
            """), 0, "a decision overwrote a change it had not seen")
        // Each row is what its last accepted decision made it.
        XCTAssertEqual(try count("""
            SELECT count(*) FROM track_matches m
            JOIN LATERAL (SELECT row_after FROM match_reviews r WHERE r.release_id = m.release_id AND r.track_index = m.track_index
                          ORDER BY id DESC LIMIT 1) last ON true
            WHERE m.release_id = 700
              AND ((last.row_after->>'approved')::boolean IS DISTINCT FROM m.approved
                   OR (last.row_after->>'updated_at')::timestamptz IS DISTINCT FROM m.updated_at)
            """), 0, "a row differs from its last accepted decision")
        print("DRILL conflicting-processes: \(2 * rounds) guarded decisions from 2 processes on 3 tracks: \(accepted.count) applied "
              + "and logged, \(conflicts) refused as conflicts, 0 lost updates")
    }

    // MARK: Helpers

    /// Starts `rotation arguments…` without waiting (output discarded).
    private func launchRotation(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.environment = environment([:])
        process.currentDirectoryURL = CLILocations.repositoryRoot
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        addTeardownBlock {
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        }
        return process
    }

    /// Polls `condition` until it holds (a wait for a state, not a timing: the deadline is only a safety net).
    private func waitUntil(_ what: String, deadline seconds: TimeInterval = 60, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("gave up waiting: \(what)")
        throw CLITestError("gave up waiting: \(what)")
    }
}

/// Runs the binary to its end and captures its output (for threads: captures nothing of the test case).
private func runToEnd(_ executable: URL, _ arguments: [String], environment: [String: String]) throws -> CLIResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = environment
    process.currentDirectoryURL = CLILocations.repositoryRoot
    process.standardInput = FileHandle.nullDevice
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Small outputs: standard output to its end first, then standard error.
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CLIResult(arguments: arguments, status: process.terminationStatus,
                     stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}

/// What the two loops of the conflict drill collected.
private final class DrillResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [CLIResult] = []
    private var errors: [String] = []

    func append(_ result: CLIResult) { lock.lock(); results.append(result); lock.unlock() }
    func fail(_ message: String) { lock.lock(); errors.append(message); lock.unlock() }
    var all: [CLIResult] { lock.lock(); defer { lock.unlock() }; return results }
    var failures: [String] { lock.lock(); defer { lock.unlock() }; return errors }
}
