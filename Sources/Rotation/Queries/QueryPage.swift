import Foundation

/// One page of a keyset-paginated list: pass `nextCursor` as `after` for the next page (nil: last page).
/// A cursor names the last row's sort key, so every page costs the same however deep it is.
public struct QueryPage<Item: Codable & Sendable>: Codable, Sendable {
    public var items: [Item]
    public var nextCursor: String?
}

/// Opaque cursors: the sort-key fields of the last row, base64url-encoded so they survive a shell.
enum QueryCursor {
    static func encode(_ fields: [String]) -> String {
        Data(fields.joined(separator: "\u{1F}").utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String, fields count: Int) throws -> [String] {
        var text = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8) else {
            throw QueryError.badCursor
        }
        let fields = decoded.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == count else { throw QueryError.badCursor }
        return fields
    }
}

/// A query's input was refused.
public enum QueryError: Error, Sendable, CustomStringConvertible {
    case badCursor
    case invalidFilter(String)

    public var description: String {
        switch self {
        case .badCursor: "the cursor is not one this list produced"
        case .invalidFilter(let reason): reason
        }
    }
}

/// A JSON value kept whole (the matcher's score evidence), so `--json` output shows it as JSON.
public indirect enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    static func parse(_ text: String?) -> JSONValue {
        guard let text, let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return .null }
        return value
    }
}
