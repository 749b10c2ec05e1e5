import Foundation

/// Parses Discogs durations: "4:05" -> 245, "1:02:03" -> 3723, "" or malformed -> nil.
public enum TrackDuration {
    public static func seconds(from text: String) -> Int? {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return asciiSeconds(Array(text.utf8)) }
        let trimmed = TextNormalizer.trimmingWhitespace(text)
        guard !trimmed.isEmpty else { return nil }
        // Some submitters write "4.05"; accept it as minutes.seconds.
        let separator: Character = trimmed.contains(":") ? ":" : "."
        let parts = trimmed.split(separator: separator, omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count) else { return nil }
        var values: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 4, part.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(part)
            else { return nil }
            values.append(value)
        }
        // Minutes may exceed 59 ("63:20"), seconds may not; in h:mm:ss the minutes may not either.
        guard values[values.count - 1] < 60 else { return nil }
        if values.count == 3 {
            guard values[1] < 60 else { return nil }
            return values[0] * 3600 + values[1] * 60 + values[2]
        }
        guard separator == ":" || parts[1].count == 2 else { return nil }
        return values[0] * 60 + values[1]
    }

    /// `seconds(from:)` of ASCII text, on its bytes: the same rules, where a character is a byte (a "\r\n" pair is
    /// one character there, but neither byte is a digit, so the part holding it is refused either way).
    private static func asciiSeconds(_ bytes: [UInt8]) -> Int? {
        // Whitespace as `CharacterSet.whitespaces` has it in ASCII: space and tab.
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) })
        else { return nil }
        let trimmed = bytes[first...last]
        let separator = trimmed.contains(UInt8(ascii: ":")) ? UInt8(ascii: ":") : UInt8(ascii: ".")
        let parts = trimmed.split(separator: separator, omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count) else { return nil }
        var values: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 4, part.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            else { return nil }
            values.append(part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) })
        }
        guard values[values.count - 1] < 60 else { return nil }
        if values.count == 3 {
            guard values[1] < 60 else { return nil }
            return values[0] * 3600 + values[1] * 60 + values[2]
        }
        guard separator == UInt8(ascii: ":") || parts[1].count == 2 else { return nil }
        return values[0] * 60 + values[1]
    }

    /// "4:05" style text for a number of seconds ("1:02:03" past an hour).
    public static func format(_ seconds: Int) -> String {
        let h = seconds / 3600, m = (seconds % 3600) / 60, s = seconds % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
    }
}
