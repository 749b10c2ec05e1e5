import Foundation

/// A Discogs body that could not be decoded, with the JSON path of the offending value
/// (for example `$.listings[3].release.id`) so an importer can say exactly what was wrong.
public struct DiscogsDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSON path (`$.listings[3].release.id`); `$` is the document root.
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// Decoding entry points for Discogs JSON that turn `DecodingError` into a `DiscogsDecodingError`.
public enum DiscogsDecoding {
    /// Decodes `data` after `DiscogsDocumentLimits.check(_:)`: an oversized, deeply nested or non-UTF-8 document is
    /// refused before the decoder sees it.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(DiscogsDecodingError) -> T {
        try DiscogsDocumentLimits.check(data)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw describe(error, data: data)
        } catch {
            throw DiscogsDecodingError(path: "$", message: "\(error)")
        }
    }

    public static func decode<T: Decodable>(_ type: T.Type, contentsOf url: URL) throws(DiscogsDecodingError) -> T {
        let data: Data
        do {
            try DiscogsDocumentLimits.checkSize(of: url)
            data = try Data(contentsOf: url)
        } catch let error as DiscogsDecodingError {
            throw DiscogsDecodingError(path: error.path, message: "\(error.message) (in \(url.lastPathComponent))")
        } catch {
            throw DiscogsDecodingError(path: "$", message: "cannot read \(url.path): \(error.localizedDescription)")
        }
        do {
            return try decode(T.self, from: data)
        } catch {
            throw DiscogsDecodingError(path: error.path, message: "\(error.message) (in \(url.lastPathComponent))")
        }
    }

    /// Renders a coding path as `$.a.b[3].c`.
    public static func pathString(_ codingPath: [any CodingKey]) -> String {
        var result = "$"
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == String(index) {
                result = path(result, index: index)
            } else {
                result = path(result, key: key.stringValue)
            }
        }
        return result
    }

    /// `path` extended by an object key: `$` + `title` -> `$.title`.
    public static func path(_ path: String, key: String) -> String { "\(path).\(key)" }

    /// `path` extended by an array index: `$.tracklist` + 3 -> `$.tracklist[3]`.
    public static func path(_ path: String, index: Int) -> String { "\(path)[\(index)]" }

    /// Turns a `DecodingError` into a message that names the JSON path.
    public static func describe(_ error: DecodingError, data: Data? = nil) -> DiscogsDecodingError {
        switch error {
        case .keyNotFound(let key, let context):
            return DiscogsDecodingError(
                path: pathString(context.codingPath + [key]), message: "required key '\(key.stringValue)' is missing")
        case .valueNotFound(let type, let context):
            return DiscogsDecodingError(
                path: pathString(context.codingPath), message: "expected \(type) but found null")
        case .typeMismatch(let type, let context):
            return DiscogsDecodingError(
                path: pathString(context.codingPath), message: "expected \(type): \(context.debugDescription)")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty, let data {
                // Invalid JSON: the decoder has no path, so find where the document stopped making sense.
                let scan = JSONPathScanner.scan(data)
                let detail = scan.truncated ? "JSON ends early (truncated) at byte \(scan.offset)" :
                    "invalid JSON near byte \(scan.offset)"
                return DiscogsDecodingError(path: scan.path, message: detail)
            }
            return DiscogsDecodingError(path: pathString(context.codingPath), message: context.debugDescription)
        @unknown default:
            return DiscogsDecodingError(path: "$", message: "\(error)")
        }
    }
}

/// A tiny JSON scanner that only tracks where it is (object keys and array indices), used to name the path of a
/// truncated or malformed document, which `JSONDecoder` reports without any path.
enum JSONPathScanner {
    struct Result { var path: String; var offset: Int; var truncated: Bool }

    private enum Frame { case object(key: String?), array(index: Int) }

    static func scan(_ data: Data) -> Result {
        let bytes = [UInt8](data)
        var stack: [Frame] = []
        var i = 0
        var expectingKey = false

        func render() -> String {
            var path = "$"
            for frame in stack {
                switch frame {
                case .object(let key?): path = DiscogsDecoding.path(path, key: key)
                case .object(nil): break
                case .array(let index): path = DiscogsDecoding.path(path, index: index)
                }
            }
            return path
        }

        func readString() -> String? {
            // bytes[i] == '"'
            var out: [UInt8] = []
            i += 1
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\\") { i += 2; continue }
                if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
                out.append(c)
                i += 1
            }
            return nil
        }

        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), UInt8(ascii: ":"):
                i += 1
            case UInt8(ascii: "{"):
                stack.append(.object(key: nil)); expectingKey = true; i += 1
            case UInt8(ascii: "["):
                stack.append(.array(index: 0)); expectingKey = false; i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard !stack.isEmpty else { return Result(path: render(), offset: i, truncated: false) }
                stack.removeLast(); i += 1
                expectingKey = false
            case UInt8(ascii: ","):
                if case .array(let index)? = stack.last {
                    stack[stack.count - 1] = .array(index: index + 1)
                } else if case .object? = stack.last {
                    expectingKey = true
                }
                i += 1
            case UInt8(ascii: "\""):
                let start = i
                guard let string = readString() else { return Result(path: render(), offset: start, truncated: true) }
                if expectingKey, case .object? = stack.last {
                    stack[stack.count - 1] = .object(key: string)
                    expectingKey = false
                }
            default:
                // Literals and numbers: skip to the next structural character.
                if !(c == UInt8(ascii: "-") || (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || c == UInt8(ascii: "+")
                    || c == UInt8(ascii: ".") || c == UInt8(ascii: "E")) {
                    return Result(path: render(), offset: i, truncated: false)
                }
                i += 1
            }
        }
        return Result(path: render(), offset: bytes.count, truncated: !stack.isEmpty)
    }
}

// MARK: - Tolerant field access

extension KeyedDecodingContainer {
    /// A string, or a number rendered as a string; nil when absent, null or another type.
    func lenientString(_ key: Key) -> String? {
        if let value = try? decodeIfPresent(String.self, forKey: key) { return value }
        if let value = try? decodeIfPresent(Int64.self, forKey: key) { return String(value) }
        if let value = try? decodeIfPresent(Double.self, forKey: key) { return String(value) }
        return nil
    }

    /// An integer, or a numeric string / double (truncated toward zero); nil when absent, null or not a number.
    /// A number no `Int` can hold (`1e19`, `"99999999999999999999"`) throws with its path instead of trapping.
    func lenientInt(_ key: Key) throws -> Int? {
        if let value = try? decodeIfPresent(Int.self, forKey: key) { return value }
        if let value = try? decodeIfPresent(Double.self, forKey: key) {
            // Every Double in this half-open range truncates to a representable Int; 2^63 itself does not.
            guard value.isFinite, value >= -0x1p63, value < 0x1p63 else { throw outOfRange("\(value)", key) }
            return Int(value)
        }
        if let value = try? decodeIfPresent(String.self, forKey: key) {
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if let number = Int(trimmed) { return number }
            let digits = trimmed.drop { $0 == "-" || $0 == "+" }
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) { throw outOfRange(trimmed, key) }
        }
        return nil
    }

    private func outOfRange(_ text: String, _ key: Key) -> DecodingError {
        DecodingError.dataCorrupted(.init(
            codingPath: codingPath + [key],
            debugDescription: "the number \(text.prefix(40)) is out of range for an integer"))
    }

    func lenientDouble(_ key: Key) -> Double? {
        if let value = try? decodeIfPresent(Double.self, forKey: key) { return value }
        if let value = try? decodeIfPresent(String.self, forKey: key) {
            return Double(value.trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    func lenientBool(_ key: Key) -> Bool? {
        if let value = try? decodeIfPresent(Bool.self, forKey: key) { return value }
        if let value = try? decodeIfPresent(String.self, forKey: key) { return ["true", "1"].contains(value.lowercased()) }
        return nil
    }

    /// A required integer id (number or numeric string). Missing, null or non-numeric values throw with the path.
    func requiredID(_ key: Key) throws -> Int64 {
        guard contains(key) else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "No value for required key \(key.stringValue)"))
        }
        if try decodeNil(forKey: key) {
            throw DecodingError.valueNotFound(
                Int64.self, .init(codingPath: codingPath + [key], debugDescription: "id is null"))
        }
        if let value = try? decode(Int64.self, forKey: key) { return value }
        if let string = try? decode(String.self, forKey: key), let value = Int64(string) { return value }
        throw DecodingError.typeMismatch(
            Int64.self, .init(codingPath: codingPath + [key], debugDescription: "id is not an integer"))
    }

    /// An array whose elements must decode (errors inside elements keep their path); empty when absent or null.
    func array<T: Decodable>(_ type: T.Type, _ key: Key) throws -> [T] {
        guard contains(key), try !decodeNil(forKey: key) else { return [] }
        return try decode([T].self, forKey: key)
    }

    /// An array of tolerant elements: absent, null or the wrong type gives an empty array.
    func lenientArray<T: Decodable>(_ type: T.Type, _ key: Key) -> [T] {
        (try? decodeIfPresent([T].self, forKey: key)) ?? []
    }
}

/// Coding keys built from any string, so models can read fields by their Discogs names.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) { stringValue = string; intValue = nil }
    init?(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    init?(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}
