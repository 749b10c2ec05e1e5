import Foundation

/// A Swift value that can be sent as a query parameter, in Postgres' text format.
public protocol PostgresEncodable: Sendable {
    /// The parameter's type OID; 0 lets the server infer it from the statement (used for text).
    static var postgresType: UInt32 { get }
    /// The text form, or nil for SQL NULL.
    var postgresText: String? { get }
}

/// A Swift value that can be read from a column in Postgres' text format.
public protocol PostgresDecodable: Sendable {
    init(postgresText text: String, type: UInt32) throws
    /// The value for SQL NULL; only optionals have one.
    static func postgresNull(column: String) throws -> Self
}

extension PostgresDecodable {
    public static func postgresNull(column: String) throws -> Self {
        throw PostgresError(.decoding, message: "column \(column) is NULL, expected \(Self.self)")
    }
}

/// Well-known type OIDs.
public enum PostgresType {
    public static let unknown: UInt32 = 0
    public static let bool: UInt32 = 16
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let float4: UInt32 = 700
    public static let float8: UInt32 = 701
    public static let numeric: UInt32 = 1700
    public static let timestamp: UInt32 = 1114
    public static let timestamptz: UInt32 = 1184
    public static let json: UInt32 = 114
    public static let jsonb: UInt32 = 3802
    public static let boolArray: UInt32 = 1000
    public static let int4Array: UInt32 = 1007
    public static let textArray: UInt32 = 1009
    public static let int8Array: UInt32 = 1016
    public static let float4Array: UInt32 = 1021
    public static let float8Array: UInt32 = 1022
    public static let timestamptzArray: UInt32 = 1185
}

func decodingError<T>(_ text: String, _ type: T.Type) -> PostgresError {
    let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
    return PostgresError(.decoding, message: "cannot read \(T.self) from '\(shown)'")
}

extension String: PostgresEncodable, PostgresDecodable {
    public static var postgresType: UInt32 { PostgresType.unknown }
    public var postgresText: String? { self }
    public init(postgresText text: String, type: UInt32) throws { self = text }
}

extension Int: PostgresEncodable, PostgresDecodable {
    public static var postgresType: UInt32 { PostgresType.int8 }
    public var postgresText: String? { String(self) }
    public init(postgresText text: String, type: UInt32) throws {
        guard let value = Int(text) else { throw decodingError(text, Int.self) }
        self = value
    }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public static var postgresType: UInt32 { PostgresType.int8 }
    public var postgresText: String? { String(self) }
    public init(postgresText text: String, type: UInt32) throws {
        guard let value = Int64(text) else { throw decodingError(text, Int64.self) }
        self = value
    }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public static var postgresType: UInt32 { PostgresType.int4 }
    public var postgresText: String? { String(self) }
    public init(postgresText text: String, type: UInt32) throws {
        guard let value = Int32(text) else { throw decodingError(text, Int32.self) }
        self = value
    }
}

extension Double: PostgresEncodable, PostgresDecodable {
    public static var postgresType: UInt32 { PostgresType.float8 }
    public var postgresText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return String(self)
    }
    public init(postgresText text: String, type: UInt32) throws {
        switch text {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(text) else { throw decodingError(text, Double.self) }
            self = value
        }
    }
}

extension Float: PostgresEncodable, PostgresDecodable {
    public static var postgresType: UInt32 { PostgresType.float4 }
    public var postgresText: String? { Double(self).postgresText }
    public init(postgresText text: String, type: UInt32) throws {
        self = Float(try Double(postgresText: text, type: type))
    }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public static var postgresType: UInt32 { PostgresType.bool }
    public var postgresText: String? { self ? "t" : "f" }
    public init(postgresText text: String, type: UInt32) throws {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw decodingError(text, Bool.self)
        }
    }
}

extension Date: PostgresEncodable, PostgresDecodable {
    public static var postgresType: UInt32 { PostgresType.timestamptz }
    public var postgresText: String? { PostgresTimestamp.format(self) }
    public init(postgresText text: String, type: UInt32) throws {
        guard let date = PostgresTimestamp.parse(text) else { throw decodingError(text, Date.self) }
        self = date
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresType: UInt32 { Wrapped.postgresType }
    public var postgresText: String? { self?.postgresText }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText text: String, type: UInt32) throws {
        self = try Wrapped(postgresText: text, type: type)
    }
    public static func postgresNull(column: String) throws -> Self { nil }
}

/// A JSON document sent as `jsonb` and read back as its text.
public struct PostgresJSON: PostgresEncodable, PostgresDecodable, Equatable {
    public var text: String
    public init(_ text: String) { self.text = text }

    /// Encodes a value with sorted keys, so equal values give equal text.
    public init<T: Encodable>(encoding value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    public static var postgresType: UInt32 { PostgresType.jsonb }
    public var postgresText: String? { text }
    public init(postgresText text: String, type: UInt32) throws { self.text = text }
}

/// Reads and writes `timestamptz` text. Sessions run with `TimeZone=UTC` and `DateStyle=ISO`, but offsets other
/// than +00 are still understood.
public enum PostgresTimestamp {
    /// `2024-01-01T00:00:00.123456Z`: microseconds, rounded to the nearest.
    public static func format(_ date: Date) -> String {
        iso8601(date, fractionDigits: 6, rounding: .toNearestOrAwayFromZero)
    }

    /// ISO-8601 in UTC with `fractionDigits` (1 to 9) digits of the second, cut to them by `rounding`; the
    /// cache's `2024-01-01T00:00:00.000Z` is `fractionDigits: 3, rounding: .down`.
    public static func iso8601(_ date: Date, fractionDigits: Int, rounding: FloatingPointRoundingRule) -> String {
        let digits = min(max(fractionDigits, 1), 9)
        var unit: Int64 = 1
        for _ in 0..<digits { unit *= 10 }
        let scaled = (date.timeIntervalSince1970 * Double(unit)).rounded(rounding)
        var seconds = Int64((scaled / Double(unit)).rounded(.down))
        var fraction = Int64(scaled) - seconds * unit
        if fraction < 0 { fraction += unit; seconds -= 1 }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%0\(digits)lldZ",
                      Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), fraction)
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]]` (a `T` separator too).
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for b in bytes[from..<(from + count)] {
                guard b >= 48 && b <= 57 else { return nil }
                value = value * 10 + Int(b - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < bytes.count {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                guard let hours = number(index + 1, 2) else { return nil }
                offset = hours * 3600
                var next = index + 3
                if next < bytes.count && bytes[next] == UInt8(ascii: ":") { next += 1 }
                if let minutes = number(next, 2) { offset += minutes * 60 }
                offset *= sign
            } else if bytes[index] != UInt8(ascii: "Z") {
                return nil
            }
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        return Date(timeIntervalSince1970: Double(seconds - offset) + fraction)
    }
}
