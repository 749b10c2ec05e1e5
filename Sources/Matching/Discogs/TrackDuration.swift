import Foundation

/// Parses Discogs durations: "4:05" -> 245, "1:02:03" -> 3723, "" or malformed -> nil.
public enum TrackDuration {
    public static func seconds(from text: String) -> Int? {
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

    /// "4:05" style text for a number of seconds ("1:02:03" past an hour).
    public static func format(_ seconds: Int) -> String {
        let h = seconds / 3600, m = (seconds % 3600) / 60, s = seconds % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
    }
}
