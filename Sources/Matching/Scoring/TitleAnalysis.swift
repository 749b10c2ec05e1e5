import Foundation

/// A tracklist title split into what identifies the song and what names its version:
/// "Alphawave (Plasticman Acid House Mix)" -> core [alphawave], version words [mix], qualifiers [plasticman, acid,
/// house]; "Anjua (Sneaky 3)" -> core [anjua], optional [sneaky, 3]; "Song (Feat. MC X)" -> featured [mc, x].
struct TitleAnalysis: Sendable {
    var core: [String] = []
    var optional: [String] = []
    var versionWords: Set<String> = []
    var qualifiers: [String] = []
    var featured: [String] = []

    var allTokens: Set<String> { Set(core + optional + qualifiers + featured).union(versionWords) }

    init(_ title: String) {
        for segment in Self.segments(of: title) {
            var tokens = TextNormalizer.tokens(segment.text)
            if let feat = tokens.firstIndex(where: { Vocabulary.featuring.contains($0) && $0 != "with" }) {
                featured += tokens[(feat + 1)...]
                tokens = Array(tokens[..<feat])
            }
            let versions = Self.versionWords(in: tokens)
            if segment.bracketed || (segment.afterDash && !versions.isEmpty) {
                if !versions.isEmpty || tokens.contains(where: Vocabulary.defaultVersionWords.contains) && tokens.contains("mix") {
                    versionWords.formUnion(versions)
                    qualifiers += tokens.filter {
                        !Vocabulary.strongVersionWords.contains($0) && !Vocabulary.weakVersionWords.contains($0)
                            && !Vocabulary.defaultVersionWords.contains($0)
                    }
                } else {
                    optional += tokens
                }
            } else {
                core += tokens
            }
        }
        if core.isEmpty {
            // A title that is all brackets ("(Untitled)"): everything identifies it.
            core = optional + qualifiers
            optional = []
        }
    }

    /// Version words of a token list, ignoring a default-version phrase ("original mix", "album version") and a
    /// "version" that only upload decoration qualifies ("2010 Remastered Version", "Original 12 inch Version").
    static func versionWords(in tokens: [String]) -> Set<String> {
        var out: Set<String> = []
        for (i, token) in tokens.enumerated()
        where Vocabulary.strongVersionWords.contains(token) || Vocabulary.weakVersionWords.contains(token) {
            let previous = i > 0 ? tokens[i - 1] : ""
            if Vocabulary.defaultVersionWords.contains(previous), !Vocabulary.strongVersionWords.contains(token) {
                continue
            }
            if token == "version", i > 0, Vocabulary.noiseWords.contains(previous) || previous.allSatisfy(\.isNumber) {
                continue
            }
            out.insert(token)
        }
        return out
    }

    struct Segment { var text: String; var bracketed: Bool; var afterDash: Bool }

    /// Whether `text` is only whitespace as `CharacterSet.whitespaces` defines it (tab and the space separators),
    /// checked on scalars without bridging to Foundation.
    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
    }

    /// Splits "Title (A) [B] - C" into "Title", "(A)", "[B]" and "- C".
    static func segments(of title: String) -> [Segment] {
        if title.utf8.allSatisfy({ $0 < 0x80 }) { return asciiSegments(of: title) }
        var out: [Segment] = []
        var current = ""
        var depth = 0
        var afterDash = false
        func flush(bracketed: Bool) {
            if !isBlank(current) {
                out.append(Segment(text: current, bracketed: bracketed, afterDash: afterDash && !bracketed))
            }
            current = ""
        }
        let chars = Array(title)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "(" || c == "[" || c == "{" {
                if depth == 0 { flush(bracketed: false) }
                depth += 1
            } else if c == ")" || c == "]" || c == "}" {
                if depth > 0 {
                    depth -= 1
                    if depth == 0 { flush(bracketed: true) }
                }
            } else if depth == 0, c == "-" || c == "–" || c == "—", i > 0, chars[i - 1] == " ",
                      i + 1 < chars.count, chars[i + 1] == " " {
                flush(bracketed: false)
                afterDash = true
            } else {
                current.append(c)
            }
            i += 1
        }
        flush(bracketed: depth > 0)
        return out
    }

    /// `segments(of:)` of ASCII text, on its bytes: the same rules, where a character is a byte (a "\r\n" pair is
    /// one character there, but neither byte is a bracket, a dash or a space, so the cuts fall alike).
    private static func asciiSegments(of title: String) -> [Segment] {
        var out: [Segment] = []
        var current: [UInt8] = []
        var depth = 0
        var afterDash = false
        func flush(bracketed: Bool) {
            let text = String(decoding: current, as: UTF8.self)
            if !isBlank(text) {
                out.append(Segment(text: text, bracketed: bracketed, afterDash: afterDash && !bracketed))
            }
            current.removeAll(keepingCapacity: true)
        }
        let bytes = Array(title.utf8)
        for (i, c) in bytes.enumerated() {
            switch c {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                if depth == 0 { flush(bracketed: false) }
                depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                if depth > 0 {
                    depth -= 1
                    if depth == 0 { flush(bracketed: true) }
                }
            case UInt8(ascii: "-") where depth == 0 && i > 0 && bytes[i - 1] == UInt8(ascii: " ")
                && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: " "):
                flush(bracketed: false)
                afterDash = true
            default:
                current.append(c)
            }
        }
        flush(bracketed: depth > 0)
        return out
    }
}

/// Approximate token equality: exact, a plural "s", or a small edit distance for longer Latin words
/// ("Uniliani" ~ "Umiliani", "Peiro" ~ "Piero").
enum TokenMatch {
    static func similar(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        let an = a.utf8.count, bn = b.utf8.count
        guard an >= 4, bn >= 4, abs(an - bn) <= 2 else { return false }
        if an == bn + 1, a.utf8.last == UInt8(ascii: "s"), a.hasPrefix(b) { return true }
        if bn == an + 1, b.utf8.last == UInt8(ascii: "s"), b.hasPrefix(a) { return true }
        let shorter = min(an, bn)
        guard shorter >= 5, a.utf8.allSatisfy({ $0 < 128 }), b.utf8.allSatisfy({ $0 < 128 }) else { return false }
        let allowed = shorter >= 8 ? 2 : 1
        return distance(Array(a.utf8), Array(b.utf8), limit: allowed) <= allowed
    }

    /// Whether `needle` occurs in `haystack`, comparing UTF-8 bytes (both come from the same normaliser).
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        let n = needle.utf8.count, h = haystack.utf8.count
        guard n > 0 else { return true }
        guard n <= h else { return false }
        return haystack.utf8.withContiguousStorageIfAvailable { hay in
            needle.utf8.withContiguousStorageIfAvailable { nee in
                let first = nee[0]
                var i = 0
                while i <= h - n {
                    if hay[i] == first {
                        var j = 1
                        while j < n, hay[i + j] == nee[j] { j += 1 }
                        if j == n { return true }
                    }
                    i += 1
                }
                return false
            } ?? haystack.contains(needle)
        } ?? haystack.contains(needle)
    }

    /// Optimal-string-alignment distance (transpositions count as one edit), cut off above `limit`. Only the band
    /// |i - j| <= limit is computed (cells outside it exceed the limit anyway), so two long words cost
    /// O(length x limit), not O(length^2): a 64 KiB "word" in a hostile title cannot stall the matcher.
    static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        let n = a.count, m = b.count
        let over = limit + 1
        if abs(n - m) > limit { return over }
        if n == 0 || m == 0 { return max(n, m) }
        // Three rows in one scratch buffer (on the stack for words of ordinary length): no allocation per pair.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (m + 1)) { rows in
            var previous2 = rows.baseAddress!, previous = previous2 + (m + 1), current = previous + (m + 1)
            for j in 0...m {
                previous2[j] = over
                previous[j] = min(j, over)
                current[j] = over
            }
            for i in 1...n {
                let low = max(1, i - limit), high = min(m, i + limit)
                current[low - 1] = low == 1 ? min(i, over) : over
                if high < m { current[high + 1] = over }
                var rowMin = low == 1 ? current[0] : over
                for j in low...high {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { value = min(value, previous2[j - 2] + 1) }
                    current[j] = min(value, over)
                    rowMin = min(rowMin, current[j])
                }
                if rowMin > limit { return over }
                (previous2, previous, current) = (previous, current, previous2)
            }
            return previous[m]
        }
    }
}
