import Foundation

/// A Discogs body that could not be decoded, with the JSON path of the offending value
/// (for example `listings[3].release.id`) so an importer can say exactly what was wrong.
public struct DiscogsDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSON path in dotted/indexed form; `$` is the document root.
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
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(DiscogsDecodingError) -> T {
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
            data = try Data(contentsOf: url)
        } catch {
            throw DiscogsDecodingError(path: "$", message: "cannot read \(url.path): \(error.localizedDescription)")
        }
        do {
            return try decode(T.self, from: data)
        } catch {
            throw DiscogsDecodingError(path: error.path, message: "\(error.message) (in \(url.lastPathComponent))")
        }
    }

    /// Renders a coding path as `a.b[3].c`.
    public static func pathString(_ codingPath: [any CodingKey]) -> String {
        var result = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == String(index) {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result.isEmpty ? "$" : result
    }

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
            var path = ""
            for frame in stack {
                switch frame {
                case .object(let key?): path += path.isEmpty ? key : ".\(key)"
                case .object(nil): break
                case .array(let index): path += "[\(index)]"
                }
            }
            return path.isEmpty ? "$" : path
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

    /// An integer, or a numeric string / whole double; nil when absent, null or unusable.
    func lenientInt(_ key: Key) -> Int? {
        if let value = try? decodeIfPresent(Int.self, forKey: key) { return value }
        if let value = try? decodeIfPresent(Double.self, forKey: key), value.isFinite { return Int(value) }
        if let value = try? decodeIfPresent(String.self, forKey: key) {
            return Int(value.trimmingCharacters(in: .whitespaces))
        }
        return nil
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
