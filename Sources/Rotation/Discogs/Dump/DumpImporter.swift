import Crypto
import Foundation
import Matching
import Postgres

/// A release of the dump that could not be stored, and why (the JSON path in the converted body, then the reason).
public struct DumpImportFailure: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The release's id, nil when its `<release>` had no numeric id.
    public var releaseID: Int64?
    public var reason: String

    public init(releaseID: Int64?, reason: String) { self.releaseID = releaseID; self.reason = reason }

    enum CodingKeys: String, CodingKey { case releaseID = "release_id", reason }

    public var description: String { "release \(releaseID.map(String.init) ?? "without an id"): \(reason)" }
}

/// Where an import stands, for the progress bar: the file read so far and the releases handled (totals over the
/// runs of one import, a resumed one included).
public struct DumpImportProgress: Sendable {
    public enum Phase: Sendable { case skipping, reading }
    public var phase: Phase
    public var fileSize: Int64
    public var fileBytesRead: Int64
    public var releasesSeen: Int64
    public var releasesKept: Int64
    public var releasesFailed: Int64
}

/// What `rotation import dump` did. Counts are totals over the runs of this import (a resumed one included).
public struct DumpImportReport: Sendable, Codable, Equatable {
    public var file: String
    public var keepAll: Bool
    /// Releases a store lists or the queue holds that had no stored body when this run started (nil with `--all`).
    public var wantedReleases: Int?
    /// Releases an earlier run had already handled when this one resumed (nil when it started from the beginning).
    public var resumedAfterReleases: Int64?
    public var releasesSeen: Int64 = 0
    /// Bodies stored by this import.
    public var releasesKept: Int64 = 0
    /// Kept releases whose body was stored already (from the API or an earlier dump): left as they were.
    public var releasesAlreadyStored: Int64 = 0
    public var releasesFailed: Int64 = 0
    /// The failures recorded (the first 1,000 of the import).
    public var failures: [DumpImportFailure] = []
    public var completed = false
    /// Stopped by a signal between batches: running the command again resumes.
    public var stopped = false

    enum CodingKeys: String, CodingKey {
        case file, keepAll = "keep_all", wantedReleases = "wanted_releases", resumedAfterReleases = "resumed_after_releases"
        case releasesSeen = "releases_seen", releasesKept = "releases_kept", releasesAlreadyStored = "releases_already_stored"
        case releasesFailed = "releases_failed", failures, completed, stopped
    }
}

/// The import stopped on an unreadable file (malformed XML, corrupt or truncated gzip): what was committed before
/// it stays, and the report says how far it got.
public struct DumpImportError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var report: DumpImportReport
    public var description: String { reason }
}

/// Imports a Discogs monthly releases dump (`discogs_YYYYMMDD_releases.xml.gz`, or the uncompressed `.xml`) into
/// the release catalogue, `discogs_release_bodies`, streaming: zlib inflates and libxml2's SAX parser reads in
/// fixed buffers, so memory does not grow with the file. Each kept `<release>` is converted to the API's body
/// (`DumpReleaseConverter`) and checked like every imported body (as `ReleaseBody` does: `DiscogsDocumentLimits`,
/// decoding, a non-empty tracklist, `StorageRules`); one that fails is counted and reported with its id and
/// reason, and the import goes on.
///
/// Kept: by default the releases some store lists (`releases`) or the queue holds (`processing_queue`) and that
/// have no stored body yet; with `keepAll` every release. A body already stored is never replaced (an API body is
/// fresher than a monthly dump). Bodies are written in batches, each in one transaction with the import's row of
/// `discogs_dump_imports` (the offset just after the batch's last release), so an interrupted import resumes after
/// its last committed batch: the file is inflated up to there without being parsed.
public struct DumpImporter {
    public let connection: PostgresConnection
    public var keepAll = false
    /// Start from the beginning even when an unfinished import of this file is recorded.
    public var restart = false
    /// Bodies per transaction.
    public var batchSize = 500

    /// How many failures the import's row keeps for the report.
    static let recordedFailures = 1_000

    public init(connection: PostgresConnection) { self.connection = connection }

    /// Imports `path`, calling `progress` after each chunk of the file and `notice` with one-off remarks (resuming,
    /// starting over). Returns the report when the file was read to its end or `stop` was requested; throws a
    /// `DumpImportError` (after committing what was read before the problem) when the file is unreadable.
    public func run(path: String, stop: StopSignal = StopSignal(), notice: (String) -> Void = { _ in },
                    progress: (DumpImportProgress) -> Void = { _ in }) throws -> DumpImportReport {
        let file: DumpFileReader
        do {
            file = try DumpFileReader(path: path)
        } catch let error as DumpReadError {
            throw DumpImportError(reason: error.message, report: emptyReport(path))
        }
        let fingerprint = try Self.fingerprint(path: path, size: file.fileSize)
        let (initial, resumeOffset) = try begin(path: path, fingerprint: fingerprint, notice: notice)
        var report = initial

        let wanted: [Int64]?
        if keepAll {
            wanted = nil
        } else {
            wanted = try connection.query("""
                SELECT ids.discogs_id FROM (SELECT discogs_id FROM releases UNION SELECT discogs_id FROM processing_queue) ids
                WHERE NOT EXISTS (SELECT 1 FROM discogs_release_bodies b WHERE b.discogs_id = ids.discogs_id)
                ORDER BY 1
                """).column("discogs_id", as: Int64.self)
            report.wantedReleases = wanted?.count
        }

        var startOffset: Int64 = 0
        if resumeOffset > 0 {
            progress(DumpImportProgress(phase: .skipping, fileSize: file.fileSize, fileBytesRead: 0,
                                        releasesSeen: report.releasesSeen, releasesKept: report.releasesKept,
                                        releasesFailed: report.releasesFailed))
            do {
                let tail = try file.skip(to: resumeOffset)
                guard String(decoding: tail, as: UTF8.self).hasSuffix("</release>") else {
                    throw DumpReadError("the file does not end a release where the last run stopped (byte \(resumeOffset))")
                }
            } catch let error as DumpReadError {
                throw DumpImportError(reason: "cannot resume: \(error.message); run again with --restart", report: report)
            }
            startOffset = resumeOffset
        }

        let xml = DumpXMLReader(startOffset: startOffset) { id in
            guard let wanted else { return true }
            return Self.contains(wanted, id)
        }
        var batch = Batch()
        var seenAtLastCommit = report.releasesSeen
        let seenBefore = report.releasesSeen
        func seen() -> Int64 { seenBefore + xml.releasesSeen }
        func commit() throws {
            try write(&batch, report: &report, releasesSeen: seen(), resumeOffset: xml.lastReleaseEnd,
                      compressedOffset: file.fileBytesRead, lastReleaseID: xml.lastReleaseID, fingerprint: fingerprint)
            seenAtLastCommit = seen()
        }
        func showProgress() {
            progress(DumpImportProgress(
                phase: .reading, fileSize: file.fileSize, fileBytesRead: file.fileBytesRead, releasesSeen: seen(),
                releasesKept: report.releasesKept + Int64(batch.bodies.count),
                releasesFailed: report.releasesFailed + Int64(batch.failures.count)))
        }

        do {
            while let chunk = try file.next() {
                try xml.feed(chunk)
                batch.add(xml.takeEvents())
                if batch.count >= batchSize || seen() - seenAtLastCommit >= 20_000 { try commit() }
                showProgress()
                if stop.isStopRequested {
                    try commit()
                    report.stopped = true
                    return report
                }
            }
            try xml.finish()
            batch.add(xml.takeEvents())
        } catch let error as DumpReadError {
            // The releases read before the problem are stored.
            batch.add(xml.takeEvents())
            try commit()
            throw DumpImportError(reason: error.message, report: report)
        } catch let error as DumpXMLError {
            batch.add(xml.takeEvents())
            try commit()
            throw DumpImportError(reason: error.description, report: report)
        }
        try commit()
        try connection.query("UPDATE discogs_dump_imports SET completed_at = NOW(), updated_at = NOW() WHERE fingerprint = $1",
                             fingerprint)
        report.completed = true
        showProgress()
        return report
    }

    // MARK: Starting and resuming

    private func emptyReport(_ path: String) -> DumpImportReport { DumpImportReport(file: path, keepAll: keepAll) }

    /// Picks up the unfinished import of this file (same fingerprint, same `keepAll`), or records a new one. Returns
    /// the totals so far and where the last committed batch ended (0 for a new import).
    private func begin(path: String, fingerprint: String, notice: (String) -> Void) throws -> (DumpImportReport, Int64) {
        var report = emptyReport(path)
        let existing = try connection.query("""
            SELECT keep_all, resume_offset, releases_seen, releases_kept, releases_already_stored, releases_failed,
                   failures::text AS failures, completed_at IS NOT NULL AS completed
            FROM discogs_dump_imports WHERE fingerprint = $1
            """, fingerprint).first
        if let existing, !restart, try !existing.decode("completed", as: Bool.self),
           try existing.decode("keep_all", as: Bool.self) == keepAll {
            report.releasesSeen = try existing.decode("releases_seen")
            report.releasesKept = try existing.decode("releases_kept")
            report.releasesAlreadyStored = try existing.decode("releases_already_stored")
            report.releasesFailed = try existing.decode("releases_failed")
            report.failures = try JSONDecoder().decode([DumpImportFailure].self, from: Data(try existing.decode("failures", as: String.self).utf8))
            report.resumedAfterReleases = report.releasesSeen
            let offset: Int64 = try existing.decode("resume_offset")
            notice("resuming the import of \(URL(fileURLWithPath: path).lastPathComponent) after \(report.releasesSeen) releases "
                   + "(\(report.releasesKept) stored, \(report.releasesFailed) failed)")
            return (report, offset)
        }
        if let existing, !restart {
            if try existing.decode("completed", as: Bool.self) {
                notice("this file was imported completely before: reading it again for releases listed since (stored bodies are kept)")
            } else {
                notice("an unfinished import of this file was made \(keepAll ? "without" : "with") --all: starting over")
            }
        }
        try connection.query("""
            INSERT INTO discogs_dump_imports (fingerprint, file_name, keep_all) VALUES ($1, $2, $3)
            ON CONFLICT (fingerprint) DO UPDATE SET file_name = EXCLUDED.file_name, keep_all = EXCLUDED.keep_all,
              resume_offset = 0, compressed_offset = 0, releases_seen = 0, releases_kept = 0, releases_already_stored = 0,
              releases_failed = 0, last_release_id = NULL, failures = '[]', started_at = NOW(), updated_at = NOW(),
              completed_at = NULL
            """, fingerprint, URL(fileURLWithPath: path).lastPathComponent, keepAll)
        return (report, 0)
    }

    /// The file's identity across runs: its size and the SHA-256 of its first MiB (a dump's name may be reused by a
    /// re-download, its bytes not).
    static func fingerprint(path: String, size: Int64) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DumpImportError(reason: "cannot open \(path)", report: DumpImportReport(file: path, keepAll: false))
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 1 << 20)) ?? Data()
        let digest = SHA256.hash(data: head).map { String(format: "%02x", $0) }.joined()
        return "\(size):\(digest)"
    }

    static func contains(_ sorted: [Int64], _ id: Int64) -> Bool {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low < sorted.count && sorted[low] == id
    }

    // MARK: Writing

    /// Releases read since the last commit: bodies to store, and failures.
    struct Batch {
        var bodies: [(id: Int64, json: String)] = []
        var failures: [DumpImportFailure] = []
        var count: Int { bodies.count + failures.count }

        /// Converts and checks each finished release; a release that fails becomes a failure, never an error.
        mutating func add(_ events: [DumpReleaseEvent]) {
            for event in events {
                switch event.outcome {
                case .failed(let reason):
                    failures.append(DumpImportFailure(releaseID: event.id, reason: reason))
                case .element(let element):
                    guard let id = event.id else { continue }
                    // The checks of `ReleaseBody` (an imported API body), in its order, on the converted body:
                    // the document's limits and decoding, a tracklist to match, then `StorageRules`. ReleaseBody
                    // itself would also re-encode four arrays for `releases`, which the dump does not write.
                    let object = DumpReleaseConverter.body(of: element, id: id)
                    let json = DumpReleaseConverter.jsonText(object)
                    do {
                        let release = try DiscogsDecoding.decode(DiscogsRelease.self, from: Data(json.utf8))
                        guard !release.tracklist.isEmpty else {
                            failures.append(DumpImportFailure(
                                releaseID: id, reason: "$.tracklist: the release has an empty tracklist: nothing to match"))
                            continue
                        }
                        try StorageRules.checkRelease(release, document: object)
                        bodies.append((id, json))
                    } catch let error as DiscogsDecodingError {
                        failures.append(DumpImportFailure(releaseID: id, reason: "\(error.path): \(error.message)"))
                    } catch let problem as StorageProblem {
                        failures.append(DumpImportFailure(releaseID: id, reason: "\(problem.path): \(problem.reason)"))
                    } catch {
                        failures.append(DumpImportFailure(releaseID: id, reason: "\(error)"))
                    }
                }
            }
        }
    }

    /// Stores the batch's bodies (never replacing one) and moves the import's row to `resumeOffset`, in one
    /// transaction. When Postgres refuses a body's values, each body is written alone (a savepoint each) and only
    /// the refused ones become failures.
    private func write(_ batch: inout Batch, report: inout DumpImportReport, releasesSeen: Int64, resumeOffset: Int64,
                       compressedOffset: Int64, lastReleaseID: Int64?, fingerprint: String) throws {
        var failures = batch.failures
        let (stored, already) = try connection.transaction { db -> (Int64, Int64) in
            var stored: Int64 = 0
            do {
                stored = try db.transaction { try insert(batch.bodies, on: $0) }
            } catch where batch.bodies.count > 1 && StorageRules.refusal(error) != nil {
                for body in batch.bodies {
                    do {
                        stored += try db.transaction { try insert([body], on: $0) }
                    } catch {
                        guard let refusal = StorageRules.refusal(error) else { throw error }
                        failures.append(DumpImportFailure(releaseID: body.id, reason: refusal))
                    }
                }
            } catch {
                guard let refusal = StorageRules.refusal(error), let body = batch.bodies.first else { throw error }
                failures.append(DumpImportFailure(releaseID: body.id, reason: refusal))
            }
            let attempted = Int64(batch.bodies.count - (failures.count - batch.failures.count))
            let room = max(0, Self.recordedFailures - report.failures.count)
            try db.query("""
                UPDATE discogs_dump_imports SET resume_offset = $2, compressed_offset = $3, releases_seen = $4,
                  releases_kept = releases_kept + $5, releases_already_stored = releases_already_stored + $6,
                  releases_failed = releases_failed + $7, last_release_id = COALESCE($8, last_release_id),
                  failures = failures || $9::jsonb, updated_at = NOW()
                WHERE fingerprint = $1
                """, fingerprint, resumeOffset, compressedOffset, releasesSeen, stored, attempted - stored,
                Int64(failures.count), lastReleaseID, try PostgresJSON(encoding: Array(failures.prefix(room))))
            return (stored, attempted - stored)
        }
        report.releasesSeen = releasesSeen
        report.releasesKept += stored
        report.releasesAlreadyStored += already
        report.releasesFailed += Int64(failures.count)
        report.failures += failures.prefix(max(0, Self.recordedFailures - report.failures.count))
        batch = Batch()
    }

    /// Inserts bodies that are not stored yet; returns how many were.
    private func insert(_ bodies: [(id: Int64, json: String)], on db: PostgresConnection) throws -> Int64 {
        guard !bodies.isEmpty else { return 0 }
        var array = "["
        for (index, body) in bodies.enumerated() {
            if index > 0 { array += "," }
            array += "{\"id\":\(body.id),\"body\":\(body.json)}"
        }
        array += "]"
        return Int64(try db.query("""
            INSERT INTO discogs_release_bodies (discogs_id, body)
            SELECT (e->>'id')::bigint, e->'body' FROM jsonb_array_elements($1::jsonb) e
            ON CONFLICT (discogs_id) DO NOTHING
            """, PostgresJSON(array)).affectedRows)
    }
}
