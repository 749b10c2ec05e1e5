import Foundation

/// Turns titles and names into comparable tokens: case and diacritics folded, punctuation dropped, apostrophes
/// joined ("Un'Isola" -> "unisola"), "&" read as "and", Roman numerals and number words after "part"/"vol"
/// turned into digits, leading zeros dropped. Control characters and bidi overrides become spaces, so hostile
/// text can only ever produce harmless tokens.
public enum TextNormalizer {
    /// Lowercased, diacritic-free text with punctuation replaced by single spaces.
    public static func fold(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return String(decoding: foldASCII(text), as: UTF8.self) }
        let out = foldBytes(text)
        var result = String(decoding: out, as: UTF8.self)
        if out.last == UInt8(ascii: " "), result.hasSuffix(" ") { result.removeLast() }
        return result
    }

    /// Tokens of `text` after folding, with numbering normalised.
    public static func tokens(_ text: String) -> [String] {
        // The folded text is split on its bytes where each space is a character of its own (always in ASCII text).
        let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        let folded = isASCII ? foldASCII(text) : foldBytes(text)
        var out: [String] = []
        var previous = ""
        func add(_ token: String) {
            // Only a word `normaliseNumber` can change goes through it (see `mayChangeAsNumber`).
            out.append(mayChangeAsNumber(token.utf8.first) ? normaliseNumber(token, after: previous) : token)
            previous = token
        }
        if !isASCII, spaceJoinsACharacter(folded) {
            for piece in fold(text).split(separator: " ") { add(String(piece)) }
            return out
        }
        out.reserveCapacity(folded.count / 4 + 1)
        var start = 0
        for (index, byte) in folded.enumerated() where byte == UInt8(ascii: " ") {
            if index > start { add(String(decoding: folded[start..<index], as: UTF8.self)) }
            start = index + 1
        }
        if folded.count > start { add(String(decoding: folded[start...], as: UTF8.self)) }
        return out
    }

    /// Whether a space of the folded text belongs to a larger character (a grapheme cluster): a mark or a joiner
    /// right after it, or a prepended letter right before it. Splitting at the space's byte would then cut where
    /// splitting at the `Character` " " does not.
    private static func spaceJoinsACharacter(_ folded: [UInt8]) -> Bool {
        var previous: Unicode.Scalar = " "
        var afterSpace = false
        for scalar in String(decoding: folded, as: UTF8.self).unicodeScalars {
            if scalar == " " {
                if isPrepended(previous) { return true }
                afterSpace = true
            } else {
                if afterSpace, !scalar.isASCII, extendsPrevious(scalar) { return true }
                afterSpace = false
            }
            previous = scalar
        }
        return false
    }

    /// Grapheme_Cluster_Break Extend, ZWJ or SpacingMark (marks, joiners, emoji modifiers, Thai and Lao AM), or
    /// any mark: such a scalar joins the character before it.
    private static func extendsPrevious(_ scalar: Unicode.Scalar) -> Bool {
        let category = scalar.properties.generalCategory
        return scalar.properties.isGraphemeExtend || category == .nonspacingMark || category == .spacingMark
            || category == .enclosingMark || scalar.value == 0x200D || (0x1F3FB...0x1F3FF).contains(scalar.value)
            || scalar.value == 0x0E33 || scalar.value == 0x0EB3
    }

    /// Grapheme_Cluster_Break Prepend: such a scalar joins the character after it.
    private static func isPrepended(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0600...0x0605, 0x06DD, 0x070F, 0x0890...0x0891, 0x08E2, 0x0D4E, 0x110BD, 0x110CD, 0x111C2...0x111C3,
             0x1193F, 0x11941, 0x11A3A, 0x11A84...0x11A89, 0x11D46, 0x11F02:
            return true
        default:
            return false
        }
    }

    /// Whether `normaliseNumber` can change a token that starts with the byte `first`: only a word starting with "0" (leading zeros), a Roman numeral
    /// letter, a number word's first letter or the "p" of "pt" can; any other word comes back as it is.
    static func mayChangeAsNumber(_ first: UInt8?) -> Bool {
        switch first {
        case nil, UInt8(ascii: "0"), UInt8(ascii: "o"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "s"),
             UInt8(ascii: "e"), UInt8(ascii: "n"), UInt8(ascii: "i"), UInt8(ascii: "v"), UInt8(ascii: "x"),
             UInt8(ascii: "p"):
            return true
        default:
            return false
        }
    }

    /// The text in Latin letters when it is written in an alphabet or syllabary with one standard romanisation
    /// (Cyrillic, Greek, Japanese kana): "Кофе" -> "Kofe", "そらごと" -> "soragoto". Uploaders write such names
    /// romanised as often as in their own script. Nil for Latin text, and for text with Han characters, whose
    /// reading depends on the language (the transform would give Chinese readings of Japanese words).
    public static func romanised(_ text: String) -> String? {
        var transliterable = false
        for scalar in text.unicodeScalars where !scalar.isASCII && scalar.properties.isAlphabetic {
            switch scalar.value {
            case 0x0370...0x03FF, 0x1F00...0x1FFF, 0x0400...0x052F, 0x3040...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F:
                transliterable = true
            case 0x00C0...0x024F, 0x1E00...0x1EFF:
                continue  // Latin with diacritics: folding handles it
            default:
                return nil
            }
        }
        guard transliterable, let latin = text.applyingTransform(toASCIILatin, reverse: false), latin != text
        else { return nil }
        return latin
    }

    private static let toASCIILatin = StringTransform(rawValue: "Any-Latin; Latin-ASCII")

    /// `text.trimmingCharacters(in: .whitespaces)`, without bridging the usual text that neither starts nor ends
    /// with whitespace (a tab or a space separator, the set's definition).
    static func trimmingWhitespace(_ text: String) -> String {
        func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
        }
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return text }
        if !isWhitespace(first), !isWhitespace(last) { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// The text with every separator removed, for substring comparisons ("Rotor-Type" ~ "Rotortype").
    public static func compact(_ text: String) -> String {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return tokens(text).joined() }
        // ASCII text (most descriptions): the folded words are copied as bytes; only a word `normaliseNumber` can
        // change (one starting with "0", a Roman numeral letter, a number word's first letter or the "p" of "pt")
        // becomes a `String` to go through it.
        let folded = foldASCII(text)
        var out: [UInt8] = []
        out.reserveCapacity(folded.count)
        var previous = 0..<0
        var start = 0
        func word(_ range: Range<Int>) {
            if mayChangeAsNumber(folded[range.lowerBound]) {
                let token = String(decoding: folded[range], as: UTF8.self)
                let before = previous.isEmpty ? "" : String(decoding: folded[previous], as: UTF8.self)
                out.append(contentsOf: normaliseNumber(token, after: before).utf8)
            } else {
                out.append(contentsOf: folded[range])
            }
            previous = range
        }
        for (index, byte) in folded.enumerated() where byte == UInt8(ascii: " ") {
            if index > start { word(start..<index) }
            start = index + 1
        }
        if folded.count > start { word(start..<folded.count) }
        return String(decoding: out, as: UTF8.self)
    }

    static func normaliseNumber(_ token: String, after previous: String) -> String {
        // One pass over the bytes: ASCII characters that are numbers are exactly the digits, and a word of Roman
        // numeral letters is all "i", "v" and "x" bytes.
        var digits = true, romanLetters = true
        for byte in token.utf8 {
            if byte < UInt8(ascii: "0") || byte > UInt8(ascii: "9") { digits = false }
            if byte != UInt8(ascii: "i"), byte != UInt8(ascii: "v"), byte != UInt8(ascii: "x") { romanLetters = false }
        }
        if digits {
            let trimmed = token.drop { $0 == "0" }
            return trimmed.isEmpty ? "0" : String(trimmed)
        }
        // Only a number word ("one" to "twelve", "i") or a word of Roman numeral letters depends on the word
        // before: the other words skip the lookup of `previous`.
        if romanLetters || mayBeNumberWord(token) {
            // The word before is looked up only for a word it can change.
            if let number = numberWords[token], countingWords.contains(previous) { return String(number) }
            if romanLetters, let roman = romanValue(token), token.utf8.count >= 2 || countingWords.contains(previous) {
                return String(roman)
            }
        }
        if token == "pt" { return "part" }
        return token
    }

    /// Whether `token` can be a key of `numberWords`: six bytes at most, starting with one of their first letters.
    private static func mayBeNumberWord(_ token: String) -> Bool {
        guard token.utf8.count <= 6, let first = token.utf8.first else { return false }
        return "otfseni".utf8.contains(first)
    }

    static func romanValue(_ token: String) -> Int? {
        guard !token.isEmpty, token.count <= 6, token.allSatisfy({ "ivx".contains($0) }) else { return nil }
        let values: [Character: Int] = ["i": 1, "v": 5, "x": 10]
        var total = 0
        let chars = Array(token)
        for (i, c) in chars.enumerated() {
            let value = values[c]!
            if i + 1 < chars.count, value < values[chars[i + 1]]! { total -= value } else { total += value }
        }
        guard total > 0, total <= 39, toRoman(total) == token else { return nil }
        return total
    }

    private static func toRoman(_ number: Int) -> String {
        let table: [(Int, String)] = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
        var n = number, out = ""
        for (value, symbol) in table { while n >= value { out += symbol; n -= value } }
        return out
    }

    static let apostrophes: Set<Unicode.Scalar> = ["'", "\u{2019}", "\u{2018}", "`", "\u{00B4}", "\u{02BC}"]
    static let replacements: [Unicode.Scalar: String] = [
        "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "ı": "i", "þ": "th", "×": " x ",
    ]
    private static let countingWords: Set<String> = [
        "part", "pt", "vol", "volume", "no", "nr", "chapter", "movement", "book", "act", "op", "opus", "side", "cd",
        "disc", "disk", "episode",
    ]
    private static let numberWords: [String: Int] = [
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "eleven": 11, "twelve": 12, "i": 1,
    ]
}

/// Word lists the matcher reasons with. Kept in one place so reviewers can see why a word counts.
enum Vocabulary {
    /// Words that name a version of a recording; a video that carries one the track does not is another version.
    static let strongVersionWords: Set<String> = [
        "live", "remix", "rmx", "dub", "instrumental", "inst", "acapella", "cappella", "capella", "cover", "karaoke",
        "demo", "acoustic", "unplugged", "reprise", "rework", "bootleg", "vip", "remixed", "covers", "tribute",
        "rehearsal", "megamix", "mashup", "nightcore", "slowed", "reverb", "sped", "8d", "piano", "orchestral",
    ]
    static let weakVersionWords: Set<String> = [
        "mix", "edit", "extended", "radio", "club", "version", "vocal", "instrumentals", "alternate", "alt",
        "take", "session", "sessions", "dubstep", "rerecorded",
    ]
    /// Version words that name a remix of the recording (by whoever the title credits), not another performance.
    static let remixWords: Set<String> = ["remix", "rmx", "remixed", "mix", "rework", "edit", "version"]
    /// Words that mark the default version ("Original Mix", "Album Version", "Studio Version"): not a different
    /// version.
    static let defaultVersionWords: Set<String> = ["original", "album", "single", "lp", "main", "studio"]

    /// Upload decoration that says nothing about which recording it is.
    static let noiseWords: Set<String> = [
        "official", "video", "audio", "music", "musicvideo", "hq", "hd", "4k", "1080p", "720p", "lyrics", "lyric",
        "vinyl", "rpm", "45", "33", "78", "7", "10", "12", "inch", "inches", "maxi", "single", "lp", "ep", "records",
        "record", "recordings", "remaster", "remastered", "remasterd", "digital", "stereo", "mono", "clip",
        "visualizer", "visualiser", "topic", "rip", "vinylrip", "flac", "mp3", "quality", "high", "sound", "soundtrack",
        "ost", "feat", "ft", "featuring", "with", "by", "from", "the", "and", "original", "version", "full", "length",
        "upload", "uploaded", "premiere", "exclusive", "new", "track", "tracks", "song", "band", "vs", "x", "pres",
        "presents", "s", "label", "release", "bonus", "side", "a", "b", "aa",
    ]

    /// An uploader's tag that names no recording: a catalogue number ("DCRPS069", "SK032") or a speed ("45rpm").
    static func isUploadTag(_ token: String) -> Bool {
        // Either form is ASCII letters and digits only, where a character is a byte.
        let bytes = token.utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        let letters = bytes.prefix(while: isLetter).count
        let digits = bytes.dropFirst(letters)
        guard !digits.isEmpty, digits.allSatisfy(isDigit) else {
            let number = bytes.prefix(while: isDigit).count
            return number > 0 && bytes.dropFirst(number).elementsEqual("rpm".utf8)
        }
        return (2...6).contains(letters) && (2...5).contains(digits.count)
    }

    /// Words that say the upload is a whole album, mix or disc rather than one track.
    static let albumWords: Set<String> = [
        "full album", "full lp", "full ep", "complete album", "whole album", "full mix", "mixed by", "dj mix",
        "continuous mix", "album stream", "full cd", "full record", "entire album", "full length album", "full",
        "compilation", "megamix", "mixtape", "full set",
    ]

    /// Short words that carry little identity; they weigh less in coverage and in unexplained text.
    static let stopWords: Set<String> = [
        "the", "a", "an", "of", "and", "in", "on", "at", "to", "for", "de", "la", "le", "les", "el", "los", "di",
        "del", "da", "il", "lo", "der", "die", "das", "und", "et", "y", "e", "i", "you", "me", "my", "up", "is", "it",
        "be", "your", "we", "so", "no", "do", "or", "with", "from", "by", "un", "une", "des", "du", "mi", "tu",
    ]

    static let featuring: Set<String> = ["feat", "ft", "featuring", "with"]
}
