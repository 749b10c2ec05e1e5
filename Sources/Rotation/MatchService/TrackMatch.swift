import Foundation
import Postgres
import Matching

/// One `track_matches` row, in the web app's shape. Encodes with the table's column names. Two forms: as shown
/// (`confidence` in [0, 1], plus `"confidence_scale": "percent"` for a row stored on the 0-100 scale), and, with
/// `RowJSON.encoder`, as stored: what `to_jsonb(row)` gives and what the decision log keeps as `row_before` /
/// `row_after`, the confidence untouched.
public struct TrackMatch: Codable, Sendable, Equatable {
    public var id: Int64
    public var releaseID: Int64
    public var trackIndex: Int
    public var platform: String
    public var matchURL: String
    /// The column as stored; read it as `confidence`.
    public var storedConfidence: StoredConfidence
    public var approved: Bool
    public var verifiedBy: String?
    public var verifiedAt: Date?
    public var createdAt: Date?
    /// The optimistic-concurrency guard: a review action names the `updatedAt` its reviewer saw.
    public var updatedAt: Date?

    /// `confidence` is the column's value as stored (a value above 1 is read as a percentage).
    public init(
        id: Int64 = 0, releaseID: Int64, trackIndex: Int, platform: String, matchURL: String, confidence: Double,
        approved: Bool, verifiedBy: String? = nil, verifiedAt: Date? = nil, createdAt: Date? = nil,
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.releaseID = releaseID
        self.trackIndex = trackIndex
        self.platform = platform
        self.matchURL = matchURL
        storedConfidence = StoredConfidence(stored: confidence)
        self.approved = approved
        self.verifiedBy = verifiedBy
        self.verifiedAt = verifiedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// In [0, 1], whatever scale the row was stored on.
    public var confidence: Double { storedConfidence.value }

    /// The scale the row's confidence was stored on.
    public var confidenceScale: ConfidenceScale { storedConfidence.scale }

    enum CodingKeys: String, CodingKey {
        case id, platform, confidence, approved
        case confidenceScale = "confidence_scale"
        case releaseID = "release_id", trackIndex = "track_index", matchURL = "match_url"
        case verifiedBy = "verified_by", verifiedAt = "verified_at", createdAt = "created_at", updatedAt = "updated_at"
    }

    // Timestamps are written as Postgres prints them (microseconds), whatever the encoder's date strategy, so that
    // an `updated_at` taken from `--json` output still matches as a guard.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func date(_ key: CodingKeys) throws -> Date? {
            guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let date = PostgresTimestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "bad timestamp \(text)")
            }
            return date
        }
        // The stored form has the column as is; the shown form says when the value came in on the 0-100 scale.
        let confidence = StoredConfidence(
            shown: try c.decode(Double.self, forKey: .confidence),
            scale: try c.decodeIfPresent(ConfidenceScale.self, forKey: .confidenceScale)).stored
        self.init(
            id: try c.decode(Int64.self, forKey: .id), releaseID: try c.decode(Int64.self, forKey: .releaseID),
            trackIndex: try c.decode(Int.self, forKey: .trackIndex), platform: try c.decode(String.self, forKey: .platform),
            matchURL: try c.decode(String.self, forKey: .matchURL), confidence: confidence,
            approved: try c.decode(Bool.self, forKey: .approved),
            verifiedBy: try c.decodeIfPresent(String.self, forKey: .verifiedBy), verifiedAt: try date(.verifiedAt),
            createdAt: try date(.createdAt), updatedAt: try date(.updatedAt))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(releaseID, forKey: .releaseID)
        try c.encode(trackIndex, forKey: .trackIndex)
        try c.encode(platform, forKey: .platform)
        try c.encode(matchURL, forKey: .matchURL)
        if encoder.userInfo[RowJSON.storedForm] as? Bool == true {
            try c.encode(storedConfidence.stored, forKey: .confidence)
        } else {
            try c.encode(confidence, forKey: .confidence)
            if confidenceScale == .percent { try c.encode(confidenceScale, forKey: .confidenceScale) }
        }
        try c.encode(approved, forKey: .approved)
        try c.encode(verifiedBy, forKey: .verifiedBy)
        try c.encode(verifiedAt.map(PostgresTimestamp.format), forKey: .verifiedAt)
        try c.encode(createdAt.map(PostgresTimestamp.format), forKey: .createdAt)
        try c.encode(updatedAt.map(PostgresTimestamp.format), forKey: .updatedAt)
    }

    public var key: TrackKey { TrackKey(releaseID: releaseID, trackIndex: trackIndex) }

    /// Pending review: stored but not approved.
    public var isPending: Bool { !approved }

    /// The columns every query of the service selects, in this order.
    static let columns = "id, release_id, track_index, platform, match_url, confidence, approved, verified_by, verified_at, created_at, updated_at"

    /// Reads a row selected with `columns` (an optional table alias prefix is not needed: names are unqualified).
    /// The confidence is kept as stored and read through `StoredConfidence`.
    init(row: PostgresRow) throws {
        self.init(
            id: try row.decode("id", as: Int64.self),
            releaseID: try row.decode("release_id", as: Int64.self),
            trackIndex: try row.decode("track_index", as: Int.self),
            platform: try row.decode("platform", as: String.self),
            matchURL: try row.decode("match_url", as: String.self),
            confidence: try row.decode("confidence", as: Double.self),
            approved: try row.decode("approved", as: Bool.self),
            verifiedBy: try row.decode("verified_by", as: String?.self),
            verifiedAt: try row.decode("verified_at", as: Date?.self),
            createdAt: try row.decode("created_at", as: Date?.self),
            updatedAt: try row.decode("updated_at", as: Date?.self))
    }

    /// Decodes the JSON of `to_jsonb(track_matches_row)`; nil for SQL NULL.
    static func fromJSON(_ json: PostgresJSON?) throws -> TrackMatch? {
        guard let json, json.text != "null" else { return nil }
        return try RowJSON.decoder.decode(TrackMatch.self, from: Data(json.text.utf8))
    }

    /// The value this row should have in the cache. It remembers the row's scale for display; its `json`, what is
    /// written to Redis, carries the confidence in [0, 1] whatever the row stores.
    public var cachedValue: CachedMatch {
        CachedMatch(platform: platform, matchURL: matchURL, confidence: storedConfidence.stored, approved: approved,
                    verifiedBy: verifiedBy, verifiedAt: verifiedAt ?? updatedAt ?? createdAt ?? Date())
    }
}

/// JSON coders for rows as Postgres renders them (`2024-01-01T00:00:00.123456+00:00`).
enum RowJSON {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = PostgresTimestamp.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad timestamp \(text)"))
            }
            return date
        }
        return decoder
    }()

    /// A row as JSONB text in the same form `to_jsonb(row)` gives.
    static func json(_ match: TrackMatch) throws -> PostgresJSON {
        PostgresJSON(String(decoding: try encoder.encode(match), as: UTF8.self))
    }

    /// Set in an encoder's `userInfo`: encode rows as stored (the confidence untouched, no display fields).
    static let storedForm = CodingUserInfoKey(rawValue: "rotation.row.storedForm")!

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.userInfo[storedForm] = true
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(PostgresTimestamp.format(date))
        }
        return encoder
    }()
}
