import Foundation

/// COPY text-format escaping and hand-built JSON strings, on UTF-8 bytes: the worker and the seeder write
/// millions of these, and going through `Character` costs more than the rest of the work.
enum CopyText {
    /// Escapes backslash, tab, newline and carriage return for `COPY ... FROM STDIN` text format.
    static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        var out = CopyLine()
        out.appendField(text)
        return out.text
    }

    /// A JSON string literal (quotes, backslashes and control characters escaped).
    static func jsonString(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return "\"" + text + "\"" }
        var out = CopyLine()
        out.appendJSONString(text, forCopy: false)
        return out.text
    }
}

/// Builds one line of COPY text format as bytes: fields are escaped as they are appended, and JSON written into a
/// field has its own escapes doubled for COPY in the same pass.
struct CopyLine {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func appendRaw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func appendRaw(_ byte: UInt8) { bytes.append(byte) }

    /// Text as a COPY field: backslash, tab, newline and carriage return escaped.
    mutating func appendField(_ text: String) {
        for byte in text.utf8 {
            switch byte {
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            default: bytes.append(byte)
            }
        }
    }

    mutating func separator() { bytes.append(0x09) }

    mutating func endLine() { bytes.append(0x0A) }

    /// A JSON string literal; `forCopy` doubles its backslashes so it can sit inside a COPY field.
    mutating func appendJSONString(_ text: String, forCopy: Bool) {
        let backslash: [UInt8] = forCopy ? [0x5C, 0x5C] : [0x5C]
        bytes.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: bytes.append(contentsOf: backslash); bytes.append(0x22)
            case 0x5C: bytes.append(contentsOf: backslash); bytes.append(contentsOf: backslash)
            case 0x0A: bytes.append(contentsOf: backslash); bytes.append(UInt8(ascii: "n"))
            case 0x09: bytes.append(contentsOf: backslash); bytes.append(UInt8(ascii: "t"))
            case 0x0D: bytes.append(contentsOf: backslash); bytes.append(UInt8(ascii: "r"))
            case 0..<0x20:
                bytes.append(contentsOf: backslash)
                bytes.append(contentsOf: Array("u00".utf8))
                bytes.append(Self.hex[Int(byte >> 4)]); bytes.append(Self.hex[Int(byte & 15)])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }

    /// A JSON number (never NaN or infinity, which JSON cannot hold).
    mutating func appendNumber(_ value: Double) {
        appendRaw(value.isFinite ? value.description : "0")
    }

    private static let hex = Array("0123456789abcdef".utf8)
}
