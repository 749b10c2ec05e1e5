import Foundation

/// One candidate video, pre-digested.
struct VideoProfile: Sendable {
    var candidate: CandidateVideo
    var tokens: [String]
    var tokenSet: Set<String>
    var compact: String
    var versionWords: Set<String>
    var albumPhrases: [String]
    var discNumbered: Bool
    var descriptionCompact: String
    var timestampCount: Int
    /// The title's parts (split at " - ", "|", "/" and brackets), tokenised.
    var segments: [[String]]
    /// Guests the title credits after "feat."/"ft." in its part ("Faze Action feat. Zeke Manyika - Kariba"):
    /// tracklists often leave them out.
    var guestTokens: Set<String> = []
    /// The uploader's own numbering at the start of the title or of a part ("A1 - ", "B2.", "Side A:", "03."),
    /// left out of everything else: it follows the upload's order, not necessarily this release's.
    var numbering: [String] = []
    /// Who published it, as the description and the channel say.
    var uploader: UploaderIdentity

    /// `titleWords`: words of the release's track titles, never taken for numbering ("Casey Hogan - G4").
    init(_ candidate: CandidateVideo, titleWords: Set<String> = []) {
        self.candidate = candidate
        uploader = UploaderIdentity(candidate)
        let (title, numbering) = Self.separatingNumbering(candidate.title, keeping: titleWords)
        self.numbering = numbering
        tokens = TextNormalizer.tokens(title)
        tokenSet = Set(tokens)
        compact = tokens.joined()
        versionWords = TitleAnalysis.versionWords(in: tokens)
        let spaced = " " + tokens.joined(separator: " ") + " "
        albumPhrases = zip(Self.albumWordsInOrder, Self.spacedAlbumWords).filter { TokenMatch.contains(spaced, $1) }.map(\.0)
        discNumbered = Self.namesDisc(tokens)
        var parts: [[String]] = []
        for segment in TitleAnalysis.segments(of: title) {
            // Cut at the scalars, as `components(separatedBy: CharacterSet)` does, without bridging.
            for piece in segment.text.unicodeScalars.split(omittingEmptySubsequences: false, whereSeparator: Self.isPartSeparator) {
                let pieceTokens = TextNormalizer.tokens(String(piece))
                if !pieceTokens.isEmpty { parts.append(pieceTokens) }
            }
        }
        segments = parts
        for part in parts {
            if let feat = part.firstIndex(where: { Vocabulary.featuring.contains($0) && $0 != "with" }) {
                guestTokens.formUnion(part[(feat + 1)...])
            }
        }
        // Descriptions can be long and hostile: only the start is read.
        // A text of 4000 bytes or fewer has 4000 characters or fewer: no need to count its graphemes.
        let fullDescription = candidate.description ?? ""
        let description = fullDescription.utf8.count <= 4000 ? fullDescription : String(fullDescription.prefix(4000))
        descriptionCompact = TextNormalizer.compact(description)
        timestampCount = Self.timestamps(in: description)
    }

    /// The separators of a title's parts within a segment: "|", "/", "•", "·".
    private static func isPartSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "|" || scalar == "/" || scalar == "\u{2022}" || scalar == "\u{00B7}"
    }

    /// The whole-album phrases in the order the evidence names them.
    private static let albumWordsInOrder = Vocabulary.albumWords.sorted()
    /// The same phrases with a space on either side, as looked for in the spaced title.
    private static let spacedAlbumWords = albumWordsInOrder.map { " \($0) " }

    /// A side letter with a number ("A1", "b2"), "Side A", or a number of one or two digits closed by "." or ")",
    /// at the start of the title or right after a " - " or "|" separator, with the punctuation after it, and
    /// followed by a word (the title it numbers).
    private static let numberingPattern = try! NSRegularExpression(
        pattern: #"(?i)(?:^|(?<=\s[-–—|:]))\s*"#                             // at the start of the title or a part
            + #"(?:side\s+[a-h]\d{0,2}|[a-h]\d{1,2}|\d{1,2}[.)])(?=[\s.:)\-–]|$)"#  // "Side A", "A1", "03." / "3)"
            + #"\s*[.:)\-–]?\s*(?=[\p{L}\p{N}])"#)                            // its punctuation, then a word

    /// The title without the uploader's numbering, and the numbering removed (trimmed, in order).
    static func separatingNumbering(_ title: String, keeping titleWords: Set<String> = []) -> (String, [String]) {
        guard mayHoldNumbering(title) else { return (title, []) }
        let scalars = Array(title.unicodeScalars)
        guard let found = NumberingScanner(scalars).matches() else {
            return separatingNumberingByPattern(title, keeping: titleWords)
        }
        func text(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[range])) }
        let matches = found.filter { !titleWords.contains(TextNormalizer.tokens(text($0)).joined()) }
        guard !matches.isEmpty else { return (title, []) }
        var out = scalars
        var removed: [String] = []
        for match in matches.reversed() {
            removed.insert(text(match).trimmingCharacters(in: CharacterSet(charactersIn: " .:)-–")), at: 0)
            out.replaceSubrange(match, with: match.lowerBound == 0 ? [] : [" "])
        }
        // A title that is nothing but a number ("1.") keeps it: then it is the title.
        let rest = String(String.UnicodeScalarView(out))
        return TextNormalizer.tokens(rest).isEmpty ? (title, []) : (rest, removed)
    }

    /// `separatingNumbering` by `numberingPattern` itself, for the titles `NumberingScanner` leaves to it.
    static func separatingNumberingByPattern(_ title: String, keeping titleWords: Set<String>) -> (String, [String]) {
        let ns = title as NSString
        let matches = numberingPattern.matches(in: title, range: NSRange(location: 0, length: ns.length)).filter {
            !titleWords.contains(TextNormalizer.tokens(ns.substring(with: $0.range)).joined())
        }
        guard !matches.isEmpty else { return (title, []) }
        var out = ns
        var removed: [String] = []
        for match in matches.reversed() {
            let text = ns.substring(with: match.range)
            removed.insert(text.trimmingCharacters(in: CharacterSet(charactersIn: " .:)-–")), at: 0)
            out = out.replacingCharacters(in: match.range, with: match.range.location == 0 ? "" : " ") as NSString
        }
        // A title that is nothing but a number ("1.") keeps it: then it is the title.
        let rest = out as String
        return TextNormalizer.tokens(rest).isEmpty ? (title, []) : (rest, removed)
    }

    /// Whether `numberingPattern` can match at all: every form it takes holds the word "side", a letter a-h just
    /// before a digit ("A1") or a digit just before "." or ")" ("03."). An ASCII title with none of them is answered
    /// on its bytes, without bridging it to `NSString` and running the pattern; other text (Unicode digits, case
    /// folding) always goes to the pattern.
    static func mayHoldNumbering(_ title: String) -> Bool {
        var previous3: UInt8 = 0, previous2: UInt8 = 0, previous: UInt8 = 0
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        for byte in title.utf8 {
            if byte >= 0x80 { return true }
            if isDigit(byte), previous >= UInt8(ascii: "a"), previous <= UInt8(ascii: "h") { return true }
            if byte == UInt8(ascii: ".") || byte == UInt8(ascii: ")"), isDigit(previous) { return true }
            let lower = byte | 0x20
            if lower == UInt8(ascii: "e"), previous == UInt8(ascii: "d"), previous2 == UInt8(ascii: "i"),
               previous3 == UInt8(ascii: "s") {
                return true
            }
            (previous3, previous2, previous) = (previous2, previous, lower)
        }
        return false
    }

    private static let discWords = ["cd", "disc", "disk"]

    /// "cd1", "cd 2", "disc 1": the upload is a whole disc.
    static func namesDisc(_ tokens: [String]) -> Bool {
        for (i, token) in tokens.enumerated() {
            for prefix in discWords where token.hasPrefix(prefix) {
                let rest = token.dropFirst(prefix.count)
                if !rest.isEmpty, rest.allSatisfy(\.isNumber) { return true }
                if rest.isEmpty, i + 1 < tokens.count, tokens[i + 1].allSatisfy(\.isNumber) { return true }
            }
        }
        return false
    }

    static func timestamps(in text: String) -> Int {
        var count = 0
        // On UTF-8 bytes: digits and ":" are single bytes, and every byte of another character is neither.
        let scalars = Array(text.utf8)
        var i = 0
        func digit(_ k: Int) -> Bool { k < scalars.count && scalars[k] >= UInt8(ascii: "0") && scalars[k] <= UInt8(ascii: "9") }
        while i < scalars.count {
            // d{1,2}:dd not preceded by a digit.
            if digit(i), i == 0 || !digit(i - 1) {
                var j = i
                while digit(j), j - i < 2 { j += 1 }
                if j < scalars.count, scalars[j] == UInt8(ascii: ":"), digit(j + 1), digit(j + 2), !digit(j + 3) {
                    count += 1
                    i = j + 3
                    continue
                }
            }
            i += 1
        }
        return count
    }
}
