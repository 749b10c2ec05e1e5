import Foundation
import LocalServers
import Postgres
import Redis
import Rotation
import XCTest

/// A fresh migrated database, a Redis connection and the service over them. Release ids are random per test, so
/// tests sharing one Redis never touch each other's `match:*` keys.
struct ServiceHarness {
    let url: String
    let db: PostgresConnection
    /// One server or a cluster, as `TestEnvironment.redisURL()` names it (ROTATION_TEST_REDIS=cluster).
    let redis: DetectingRedisClient
    let service: MatchService
    let actions: ReviewActions

    static func make(
        databaseURL: String? = nil, redisURL: String? = nil, readOnly: Bool = false,
        computer: (any TrackMatchComputing)? = nil
    ) throws -> ServiceHarness {
        let (url, db): (String, PostgresConnection)
        if let databaseURL {
            (url, db) = (databaseURL, try PostgresConnection(url: databaseURL))
        } else {
            (url, db) = try TestDatabase.fresh()
        }
        let redis = try DetectingRedisClient(url: try redisURL ?? TestEnvironment.redisURL(),
                                             connectTimeout: .milliseconds(500), commandTimeout: .seconds(2))
        let serviceDB = try PostgresConnection(PostgresConfiguration(url, readOnly: readOnly))
        let service = MatchService(database: serviceDB, redis: redis, cacheTTL: 3600, readOnly: readOnly, computer: computer)
        return ServiceHarness(url: url, db: db, redis: redis, service: service, actions: ReviewActions(service: service))
    }

    /// A row inserted with plain SQL, as the web app would.
    @discardableResult
    func insertMatch(_ key: TrackKey, url: String = "https://www.youtube.com/watch?v=abc", confidence: Double = 0.65,
                     approved: Bool = false) throws -> TrackMatch {
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
            VALUES ($1, $2, $6, $3, $4::real, $5)
            """, key.releaseID, key.trackIndex, url, confidence, approved, url.contains("soundcloud") ? "soundcloud" : "youtube")
        return try XCTUnwrap(service.row(key))
    }

    func insertRelease(_ releaseID: Int64, store: String, tracks: Int, title: String = "Title", headings: Int = 0,
                       createdAt: String = "2024-01-01T00:00:00Z") throws {
        var entries: [String] = []
        for h in 0..<headings { entries.append(#"{"type_":"heading","title":"Side \#(h)","position":""}"#) }
        for t in 0..<tracks { entries.append(#"{"type_":"track","title":"Track \#(t)","position":"A\#(t)","duration":"3:00"}"#) }
        try db.query("""
            INSERT INTO releases (discogs_id, store_username, title, artist, tracklist, created_at)
            VALUES ($1, $2, $3, 'Artist', $4::jsonb, $5::timestamptz)
            """, releaseID, store, title, "[" + entries.joined(separator: ",") + "]", createdAt)
    }

    func reviews(_ key: TrackKey) throws -> [PostgresRow] {
        try db.query("""
            SELECT id, reviewer, action, row_before, row_after, cache_before, cache_after, undoes FROM match_reviews
            WHERE release_id = $1 AND track_index = $2 ORDER BY id
            """, key.releaseID, key.trackIndex).rows
    }

    func cached(_ key: TrackKey) throws -> CachedMatch? {
        if case .value(let value) = try service.cachedValue(key) { return value }
        return nil
    }
}

func randomKey(track: Int = 0) -> TrackKey {
    TrackKey(releaseID: Int64.random(in: 1_000_000_000...9_000_000_000), trackIndex: track)
}

/// A reader as strict as the web app's: exactly these fields, of these JSON types, and the timestamp format.
enum StrictWebAppReader {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func check(_ text: String) throws {
        let object = try JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))
        let required: Set = ["platform", "match_url", "confidence", "approved", "verified_at"]
        let allowed = required.union(["verified_by"])
        guard required.isSubset(of: Set(object.keys)), Set(object.keys).isSubset(of: allowed) else {
            throw Failure(description: "fields \(object.keys.sorted())")
        }
        guard case .string = object["platform"], case .string = object["match_url"],
              case .number(let confidence) = object["confidence"], (0...1).contains(confidence),
              case .bool = object["approved"], case .string(let at) = object["verified_at"]
        else { throw Failure(description: "types in \(text)") }
        if let by = object["verified_by"], case .string = by {} else if object["verified_by"] != nil {
            throw Failure(description: "verified_by not a string")
        }
        guard at.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil else {
            throw Failure(description: "verified_at \(at)")
        }
    }
}

/// A compute tier that proposes a fixed match.
struct FixedComputer: TrackMatchComputing {
    var proposal: ComputedMatch?
    func computeMatch(for key: TrackKey) throws -> ComputedMatch? { proposal }
}
