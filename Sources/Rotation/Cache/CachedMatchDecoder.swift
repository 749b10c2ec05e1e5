import Foundation
import Matching

/// What reading one cache value gave.
public enum CacheReadOutcome: Sendable, Equatable {
    /// The key does not exist.
    case missing
    case value(CachedMatch)
    /// The key exists but its value is unusable (garbage, truncated, oversized, a field missing or of the wrong
    /// kind): treated as a miss, and reported.
    case invalid(reason: String)
}

/// Reads cache values tolerantly, as DESIGN section 2 asks: the web app writes these keys too, so a number as a
/// string or a boolean as 0/1 is accepted, a confidence above 1 is read as a percentage (87 -> 0.87, marked), and
/// anything unusable is a reported miss, never a crash.
public enum CachedMatchDecoder {
    /// Values above this size are refused unread: a real value is a few hundred bytes.
    public static let maximumBytes = 64 * 1024

    public static func decode(_ bytes: [UInt8]?) -> CacheReadOutcome {
        guard let bytes else { return .missing }
        guard bytes.count <= maximumBytes else { return .invalid(reason: "oversized value (\(bytes.count) bytes)") }
        guard !bytes.isEmpty else { return .invalid(reason: "empty value") }
        do {
            let fields = try JSONDecoder().decode([String: LooseJSONValue].self, from: Data(bytes))
            return try interpret(fields)
        } catch let error as CacheValueError {
            return .invalid(reason: error.reason)
        } catch {
            return .invalid(reason: "not a JSON object")
        }
    }

    static func decodeStrictly(from decoder: Decoder) throws -> CachedMatch {
        let fields = try decoder.singleValueContainer().decode([String: LooseJSONValue].self)
        guard case .value(let value) = try interpret(fields) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid cached match"))
        }
        return value
    }

    private static func interpret(_ fields: [String: LooseJSONValue]) throws -> CacheReadOutcome {
        guard let platform = fields["platform"]?.text, !platform.isEmpty else { throw CacheValueError("platform missing") }
        guard let url = fields["match_url"]?.text, !url.isEmpty else { throw CacheValueError("match_url missing") }
        guard let number = fields["confidence"]?.number else { throw CacheValueError("confidence missing or not a number") }
        // Above 1 is the web app's 0-100 scale (StoredConfidence). Our own display form (`"confidence_scale":
        // "percent"` beside a value in [0, 1]) is read back on that scale, so a displayed value decodes as it was.
        let confidence = StoredConfidence(
            shown: number, scale: fields["confidence_scale"]?.text.flatMap(ConfidenceScale.init(rawValue:))).stored
        guard StoredConfidence(stored: confidence).isOnAScale else {
            throw CacheValueError("confidence \(number) outside [0, 1] and 0-100")
        }
        guard let approved = fields["approved"]?.boolean else { throw CacheValueError("approved missing or not a boolean") }
        let verifiedBy = fields["verified_by"]?.text
        let verifiedAt = fields["verified_at"]?.text.flatMap(CacheTimestamp.parse)
        return .value(CachedMatch(platform: platform, matchURL: url, confidence: confidence, approved: approved,
                                  verifiedBy: verifiedBy, verifiedAt: verifiedAt))
    }
}

private struct CacheValueError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// A JSON value read without insisting on its type; nested values are skipped.
enum LooseJSONValue: Decodable {
    case bool(Bool)
    case number(Double)
    case string(String)
    case null
    case other

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else { self = .other }
    }

    var text: String? {
        switch self {
        case .string(let value): value
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        default: nil
        }
    }

    var number: Double? {
        switch self {
        case .number(let value): value
        case .string(let value): Double(value.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    var boolean: Bool? {
        switch self {
        case .bool(let value): value
        case .number(let value) where value == 0 || value == 1: value == 1
        case .string(let value):
            switch value.lowercased() {
            case "true", "1": true
            case "false", "0": false
            default: nil
            }
        default: nil
        }
    }
}
