import Foundation
import Postgres
import Matching

/// The value of a `match:{release}:{track}` key, in the exact form the web app writes and reads:
/// `{"platform","match_url","confidence","approved","verified_by"?,"verified_at"}` with `verified_at` as
/// ISO-8601 UTC with milliseconds and `verified_by` absent when none. `json` (what Rotation writes to Redis)
/// always carries the confidence in [0, 1]; encoded for display it adds `"confidence_scale": "percent"` when the
/// value (or the row it was made from) came in on the 0-100 scale.
public struct CachedMatch: Codable, Sendable, Equatable {
    public var platform: String
    public var matchURL: String
    /// As the cache value (or the row it was made from) stored it; read it as `confidence`.
    public var storedConfidence: StoredConfidence
    public var approved: Bool
    public var verifiedBy: String?
    public var verifiedAt: Date?

    /// `confidence` as stored (a value above 1 is read as a percentage).
    public init(platform: String, matchURL: String, confidence: Double, approved: Bool, verifiedBy: String?, verifiedAt: Date?) {
        self.platform = platform
        self.matchURL = matchURL
        self.storedConfidence = StoredConfidence(stored: confidence)
        self.approved = approved
        self.verifiedBy = verifiedBy
        self.verifiedAt = verifiedAt
    }

    /// In [0, 1], whatever scale the value was stored on.
    public var confidence: Double { storedConfidence.value }

    /// The scale the value's confidence was stored on.
    public var confidenceScale: ConfidenceScale { storedConfidence.scale }

    enum CodingKeys: String, CodingKey {
        case platform, confidence, approved
        case confidenceScale = "confidence_scale"
        case matchURL = "match_url", verifiedBy = "verified_by", verifiedAt = "verified_at"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(platform, forKey: .platform)
        try container.encode(matchURL, forKey: .matchURL)
        try container.encode(confidence, forKey: .confidence)
        if confidenceScale == .percent, encoder.userInfo[Self.cacheForm] as? Bool != true {
            try container.encode(confidenceScale, forKey: .confidenceScale)
        }
        try container.encode(approved, forKey: .approved)
        try container.encodeIfPresent(verifiedBy, forKey: .verifiedBy)
        try container.encode(CacheTimestamp.format(verifiedAt ?? Date()), forKey: .verifiedAt)
    }

    public init(from decoder: Decoder) throws {
        self = try CachedMatchDecoder.decodeStrictly(from: decoder)
    }

    /// Set in an encoder's `userInfo`: encode exactly the contract's fields, as written to Redis.
    private static let cacheForm = CodingUserInfoKey(rawValue: "rotation.cache.form")!

    /// The JSON text written to Redis: the contract's fields only, the confidence in [0, 1].
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.userInfo[Self.cacheForm] = true
        // Encoding plain strings, numbers and booleans cannot fail.
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Whether this value says the same as `other` about the match (confidences compared as read, in [0, 1], at
    /// REAL precision: 87 and 0.87 agree; timestamps at milliseconds).
    public func agrees(with other: CachedMatch) -> Bool {
        platform == other.platform && matchURL == other.matchURL && approved == other.approved
            && verifiedBy == other.verifiedBy && abs(confidence - other.confidence) < 1e-6
    }
}

/// `2024-01-01T00:00:00.000Z`: the timestamp format of cache values.
public enum CacheTimestamp {
    /// Milliseconds, cut (not rounded).
    public static func format(_ date: Date) -> String {
        PostgresTimestamp.iso8601(date, fractionDigits: 3, rounding: .down)
    }

    /// Parses ISO-8601 with or without fractional seconds, `Z` or an offset.
    public static func parse(_ text: String) -> Date? {
        PostgresTimestamp.parse(text)
    }
}
