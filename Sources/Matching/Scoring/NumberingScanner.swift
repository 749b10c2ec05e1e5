/// `VideoProfile.numberingPattern` as a scan of a title's scalars, with the regular expression's semantics: a
/// numbering at the start of the title or after whitespace and a separator ("-", "–", "—", "|", ":"), its
/// alternatives tried in the pattern's order and its quantifiers greedy first, matches left to right without
/// overlap. `\s` is White_Space, `\d` a decimal digit, `\p{L}`/`\p{N}` letters and numbers. The pattern is
/// case-insensitive: a title holding a character that folds to an ASCII letter ("ſ", "K", "İ", ligatures) is left
/// to the pattern (nil), as are the two controls where ICU's and Unicode's whitespace could be told apart.
struct NumberingScanner {
    let scalars: [Unicode.Scalar]

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    /// The ranges (in scalars) the pattern matches, or nil when the pattern must decide.
    func matches() -> [Range<Int>]? {
        for scalar in scalars where !scalar.isASCII || scalar.value == 0x0B {
            switch scalar.value {
            case 0x0B, 0x85, 0xDF, 0x130, 0x131, 0x17F, 0x1E9E, 0x212A, 0x212B, 0xFB00...0xFB06: return nil
            default: continue
            }
        }
        var found: [Range<Int>] = []
        var start = 0
        while start < scalars.count {
            if let end = match(at: start) {
                found.append(start..<end)
                start = end
            } else {
                start += 1
            }
        }
        return found
    }

    /// The end of a match starting at `start`, if one does.
    private func match(at start: Int) -> Int? {
        // (?:^|(?<=\s[-–—|:]))
        guard start == 0 || (start >= 2 && isSpace(start - 2) && isOneOf(start - 1, "-\u{2013}\u{2014}|:")) else { return nil }
        let body = skipSpaces(from: start)
        // side\s+[a-h]\d{0,2}
        if isWord("side", at: body), body + 4 < scalars.count, isSpace(body + 4) {
            let letter = skipSpaces(from: body + 4)
            if isSideLetter(letter) {
                for digits in stride(from: digitRun(from: letter + 1, upTo: 2), through: 0, by: -1) {
                    if let end = ending(at: letter + 1 + digits) { return end }
                }
            }
        }
        // [a-h]\d{1,2}
        if isSideLetter(body) {
            for digits in stride(from: digitRun(from: body + 1, upTo: 2), through: 1, by: -1) {
                if let end = ending(at: body + 1 + digits) { return end }
            }
        }
        // \d{1,2}[.)]
        for digits in stride(from: digitRun(from: body, upTo: 2), through: 1, by: -1)
        where isOneOf(body + digits, ".)") {
            if let end = ending(at: body + digits + 1) { return end }
        }
        return nil
    }

    /// After the numbering at `index`: (?=[\s.:)\-–]|$)\s*[.:)\-–]?\s*(?=[\p{L}\p{N}]); the end of the match.
    private func ending(at index: Int) -> Int? {
        guard index == scalars.count || isSpace(index) || isOneOf(index, ".:)-\u{2013}") else { return nil }
        var end = skipSpaces(from: index)
        if isOneOf(end, ".:)-\u{2013}") { end = skipSpaces(from: end + 1) }
        guard end < scalars.count else { return nil }
        switch scalars[end].properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return end
        default:
            return nil
        }
    }

    private func isSpace(_ index: Int) -> Bool {
        guard index < scalars.count else { return false }
        let scalar = scalars[index]
        if scalar.isASCII { return scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.value == 0x0C }
        switch scalar.properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    private func skipSpaces(from index: Int) -> Int {
        var index = index
        while isSpace(index) { index += 1 }
        return index
    }

    private func isOneOf(_ index: Int, _ set: String) -> Bool {
        index < scalars.count && set.unicodeScalars.contains(scalars[index])
    }

    private func isSideLetter(_ index: Int) -> Bool {
        guard index < scalars.count, scalars[index].isASCII else { return false }
        let lower = UInt8(scalars[index].value) | 0x20
        return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "h")
    }

    private func isWord(_ word: String, at index: Int) -> Bool {
        var i = index
        for letter in word.unicodeScalars {
            guard i < scalars.count, scalars[i].isASCII, UInt8(scalars[i].value) | 0x20 == UInt8(letter.value) else { return false }
            i += 1
        }
        return true
    }

    /// How many decimal digits (of any script) follow from `index`, at most `limit`.
    private func digitRun(from index: Int, upTo limit: Int) -> Int {
        var count = 0
        while count < limit, index + count < scalars.count,
              scalars[index + count].properties.generalCategory == .decimalNumber {
            count += 1
        }
        return count
    }
}
