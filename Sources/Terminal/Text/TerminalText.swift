/// Makes external text (from Postgres, Redis, Discogs) safe and measurable before it reaches the screen.
///
/// - Escape sequences (CSI, OSC, DCS, SOS, PM, APC, and short ESC sequences, in their 7-bit and C1 forms) are
///   removed whole; one that never ends is neutralised: its introducer becomes the placeholder, the rest shows as text.
/// - Other C0 controls, DEL, C1 controls and bidi overrides/isolates/marks become `placeholder`.
/// - Tabs, newlines and line/paragraph separators become spaces; invisible format characters are dropped (soft
///   hyphen, zero-width space, BOM, tag characters outside an emoji tag sequence); unassigned code points become
///   `placeholder`.
/// - Invisible fillers that are not format characters (Hangul fillers U+115F, U+1160, U+3164, U+FFA0 and the
///   blank Braille pattern U+2800) become `invisibleMark`, so a name made of them does not look empty.
/// - Widths come from `DisplayWidth` (CJK and emoji 2, combining marks 0; see there).
///
/// Invariant (fuzzed): the output holds no ESC, C0, DEL, C1 or bidi control, and `DisplayWidth.of` of it is the
/// number of columns `cells(_:maxWidth:)` fills.
public enum TerminalText {
    /// Shown where something unsafe was: U+FFFD REPLACEMENT CHARACTER (one column).
    public static let placeholder: Unicode.Scalar = "\u{FFFD}"
    /// Shown where an invisible filler was: U+2423 OPEN BOX (one column).
    public static let invisibleMark: Unicode.Scalar = "\u{2423}"
    public static let ellipsis: Character = "…"

    public enum Alignment: Sendable { case left, right, center }

    /// The sanitized text (single line, no control characters).
    public static func sanitize(_ text: String) -> String {
        if isPlainASCII(text) { return text }
        let scalars = Array(text.unicodeScalars)
        return sanitizeScalars(scalars[...]).text
    }

    /// Decodes bytes as UTF-8 (invalid bytes become U+FFFD) and sanitizes the result.
    public static func sanitize<Bytes: Collection>(bytes: Bytes) -> String where Bytes.Element == UInt8 {
        sanitize(String(decoding: bytes, as: UTF8.self))
    }

    /// Display width of `text` after sanitizing.
    public static func width(_ text: String) -> Int {
        DisplayWidth.of(sanitize(text))
    }

    /// Sanitized text cut to at most `maxWidth` columns. When it is cut, the last column is `ellipsis`; a wide
    /// character never gets split. Work is proportional to `maxWidth`, not to the length of `text`.
    public static func truncate(_ text: String, toWidth maxWidth: Int) -> String {
        guard maxWidth > 0 else { return "" }
        if isPlainASCII(text, prefix: maxWidth + 1) {
            return text.utf8.count <= maxWidth ? text : String(text.prefix(maxWidth - 1)) + String(ellipsis)
        }
        var result = ""
        for (character, _) in cells(text, maxWidth: maxWidth) { result.append(character) }
        return result
    }

    /// Sanitized text fitted to exactly `width` columns: cut with an ellipsis or padded with spaces.
    public static func fit(_ text: String, toWidth width: Int, alignment: Alignment = .left) -> String {
        pad(truncate(text, toWidth: width), toWidth: width, alignment: alignment)
    }

    /// Pads already-sanitized text with spaces to `width` columns (text wider than `width` is returned unchanged).
    public static func pad(_ text: String, toWidth width: Int, alignment: Alignment = .left) -> String {
        let missing = width - DisplayWidth.of(text)
        guard missing > 0 else { return text }
        switch alignment {
        case .left: return text + String(repeating: " ", count: missing)
        case .right: return String(repeating: " ", count: missing) + text
        case .center:
            let left = missing / 2
            return String(repeating: " ", count: left) + text + String(repeating: " ", count: missing - left)
        }
    }

    /// Graphemes of sanitized text with their widths, cut with an ellipsis to `maxWidth` columns: what a cell
    /// buffer writes. Zero-width graphemes (orphan combining marks) are left out. One pass over the text.
    public static func cells(_ text: String, maxWidth: Int) -> [(character: Character, width: Int)] {
        guard maxWidth > 0 else { return [] }
        var result: [(character: Character, width: Int)] = []
        if isPlainASCII(text, prefix: maxWidth + 1) {
            let count = text.utf8.count
            let kept = count <= maxWidth ? count : maxWidth - 1
            result.reserveCapacity(min(count, maxWidth))
            for byte in text.utf8.prefix(kept) { result.append((Character(Unicode.Scalar(byte)), 1)) }
            if count > maxWidth { result.append((ellipsis, 1)) }
            return result
        }
        let (safe, complete) = sanitizedPrefix(text, coveringWidth: maxWidth)
        var total = 0
        var cut = !complete
        for character in safe {
            let width = DisplayWidth.clusterWidthFast(character)
            if width == 0 { continue }
            if total + width > maxWidth { cut = true; break }
            result.append((character, width))
            total += width
        }
        if cut {
            while total + 1 > maxWidth, let last = result.popLast() { total -= last.width }
            result.append((ellipsis, 1))
        }
        return result
    }

    /// True for the scalars no terminal may receive raw: C0 controls (ESC among them), DEL, C1 controls, and the
    /// bidi controls (embeddings, overrides, isolates, LRM/RLM/ALM). The sanitizer replaces them; the JSON output
    /// escapes them (`TerminalJSON`).
    @inline(__always)
    public static func isControlOrBidi(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || isBidiControl(v)
    }

    @inline(__always)
    static func isBidiControl(_ v: UInt32) -> Bool {
        v == 0x061C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// Characters that draw nothing yet are neither controls nor format characters (so the general category does
    /// not catch them): the Hangul fillers and the blank Braille pattern.
    @inline(__always)
    static func isInvisibleFiller(_ v: UInt32) -> Bool {
        v == 0x115F || v == 0x1160 || v == 0x3164 || v == 0xFFA0 || v == 0x2800
    }

    /// An emoji tag sequence (a subdivision flag such as England's): U+1F3F4, tag characters U+E0020-E007E, and
    /// U+E007F CANCEL TAG. Returns the index after it, or nil when `start` does not begin one.
    static func emojiTagSequenceEnd(_ input: ArraySlice<Unicode.Scalar>, from start: Int) -> Int? {
        guard input[start].value == 0x1F3F4 else { return nil }
        var j = start + 1
        while j < input.endIndex && (0xE0020...0xE007E).contains(input[j].value) { j += 1 }
        guard j > start + 1, j < input.endIndex, input[j].value == 0xE007F else { return nil }
        return j + 1
    }

    // MARK: - Internals

    @inline(__always)
    static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// Printable ASCII in the first `prefix` bytes: enough to cut `text` to `prefix - 1` columns without looking
    /// at the rest (what lies beyond the cut is never shown).
    @inline(__always)
    static func isPlainASCII(_ text: String, prefix: Int) -> Bool {
        text.utf8.prefix(prefix).allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// Sanitizes a growing prefix until it is certainly wider than `width` (or the input ends), so a 10k-character
    /// title costs about as much as a short one. `complete` is false when input was left out.
    static func sanitizedPrefix(_ text: String, coveringWidth width: Int) -> (text: String, complete: Bool) {
        if isPlainASCII(text) { return (text, true) }
        let scalars = text.unicodeScalars
        var take = 2 * width + 16
        while true {
            let end = scalars.index(scalars.startIndex, offsetBy: take, limitedBy: scalars.endIndex) ?? scalars.endIndex
            let complete = end == scalars.endIndex
            if complete && !needsSanitizing(scalars) { return (anchoringLeadingMark(text), true) }
            let result = sanitizeScalars(Array(scalars[..<end])[...])
            if complete { return (result.text, true) }
            if !result.endedInsideSequence && DisplayWidth.of(result.text) > width { return (result.text, false) }
            take *= 4
        }
    }

    /// True when some scalar would be replaced or removed (most titles need nothing; they skip the rebuild).
    static func needsSanitizing(_ scalars: String.UnicodeScalarView) -> Bool {
        for scalar in scalars {
            switch scalar.value {
            case 0x20..<0x7F, 0xA0..<0xAD, 0xAE..<0x0378, 0x4E00...0x9FFF, 0xAC00...0xD7A3: continue
            case 0x00...0x1F, 0x7F...0x9F, 0xAD, 0x2028, 0x2029, 0xE0000...0xE007F:
                return true
            case 0x200C, 0x200D, 0xFE00...0xFE0F: continue
            default:
                if isBidiControl(scalar.value) || isInvisibleFiller(scalar.value) { return true }
                switch scalar.properties.generalCategory {
                case .format, .unassigned, .surrogate: return true
                default: continue
                }
            }
        }
        return false
    }

    /// The state machine over scalars. `endedInsideSequence` is true when the input stopped in an escape sequence
    /// (then the sequence is neutralised rather than removed).
    static func sanitizeScalars(_ input: ArraySlice<Unicode.Scalar>) -> (text: String, endedInsideSequence: Bool) {
        var out = String.UnicodeScalarView()
        var i = input.startIndex
        let end = input.endIndex
        var unterminated = false

        /// Skips a control string (OSC, DCS, SOS, PM, APC body) starting at `j`; returns the index after its
        /// terminator (BEL, ST as ESC \ or C1 0x9C, or an ESC that starts something else), or nil if it never ends.
        func skipControlString(from start: Int) -> Int? {
            var j = start
            while j < end {
                switch input[j].value {
                case 0x07, 0x9C: return j + 1
                case 0x1B:
                    if j + 1 < end && input[j + 1] == "\\" { return j + 2 }
                    return j  // an ESC cancels the string; it is then handled on its own
                case 0x18, 0x1A: return j + 1  // CAN and SUB abort a sequence
                default: j += 1
                }
            }
            return nil
        }

        /// Skips CSI parameters and intermediates to the final byte; nil if the input ends first.
        func skipCSI(from start: Int) -> Int? {
            var j = start
            while j < end {
                let v = input[j].value
                if (0x40...0x7E).contains(v) { return j + 1 }
                if !(0x20...0x3F).contains(v) { return j }  // malformed: the sequence stops here
                j += 1
            }
            return nil
        }

        func neutralise(_ from: Int) {
            // The introducer becomes visible; what follows is shown as text (controls in it still replaced).
            out.append(placeholder)
            unterminated = true
            i = from
        }

        while i < end {
            let scalar = input[i]
            let v = scalar.value
            if v >= 0x20 && v < 0x7F { out.append(scalar); i += 1; continue }
            switch v {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029:
                out.append(" "); i += 1
            case 0x1B:
                guard i + 1 < end else { out.append(placeholder); i += 1; unterminated = true; continue }
                let next = input[i + 1].value
                switch next {
                case 0x5B:  // [
                    if let after = skipCSI(from: i + 2) { i = after } else { neutralise(i + 1) }
                case 0x5D, 0x50, 0x58, 0x5E, 0x5F:  // ] P X ^ _
                    if let after = skipControlString(from: i + 2) { i = after } else { neutralise(i + 1) }
                case 0x20...0x2F:  // nF: intermediates then a final byte
                    var j = i + 1
                    while j < end && (0x20...0x2F).contains(input[j].value) { j += 1 }
                    if j < end && (0x30...0x7E).contains(input[j].value) { i = j + 1 } else if j >= end {
                        neutralise(i + 1)
                    } else { i = j }
                case 0x30...0x7E:  // Fp, Fe, Fs: ESC 7, ESC c, ...
                    i += 2
                default:
                    out.append(placeholder); i += 1
                }
            case 0x9B:  // C1 CSI
                if let after = skipCSI(from: i + 1) { i = after } else { neutralise(i + 1) }
            case 0x9D, 0x90, 0x98, 0x9E, 0x9F:  // C1 OSC, DCS, SOS, PM, APC
                if let after = skipControlString(from: i + 1) { i = after } else { neutralise(i + 1) }
            case 0x00...0x1F, 0x7F, 0x80...0x9F:
                out.append(placeholder); i += 1
            case 0x200C, 0x200D, 0xFE00...0xFE0F:
                out.append(scalar); i += 1  // joiners and variation selectors: parts of graphemes
            case 0xA0..<0xAD, 0xAE..<0x0378, 0x4E00...0x9FFF, 0xAC00...0xD7A3:
                out.append(scalar); i += 1  // common assigned, visible ranges: skip the property lookup
            case 0x1F3F4:
                let after = emojiTagSequenceEnd(input, from: i) ?? i + 1
                out.append(contentsOf: input[i..<after]); i = after
            default:
                if isBidiControl(v) { out.append(placeholder); i += 1; continue }
                if isInvisibleFiller(v) { out.append(invisibleMark); i += 1; continue }
                // Tag characters outside an emoji tag sequence are format characters: dropped here.
                switch scalar.properties.generalCategory {
                case .format: break  // soft hyphen, zero-width space, BOM, invisible operators: dropped
                case .unassigned, .surrogate: out.append(placeholder)
                default: out.append(scalar)
                }
                i += 1
            }
        }
        return (anchoringLeadingMark(String(out)), unterminated)
    }

    /// Shown under a combining mark that starts the text: U+25CC DOTTED CIRCLE, as type specimens show lone marks.
    public static let markBase: Unicode.Scalar = "\u{25CC}"

    /// Text that starts with a combining mark that takes columns on its own (U+302E, measured 2) gets `markBase` in
    /// front. Otherwise the mark joins whatever is put before the text (padding, a label) into one grapheme, and the
    /// text's measured width changes with its neighbour: `pad` and `fit` would come out short. A zero-width orphan
    /// mark (U+0301) changes no width wherever it lands, and takes no cell; it is left as it is.
    static func anchoringLeadingMark(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, first.value >= 0x300,
              DisplayWidth.scalarWidth(first) > 0 else { return text }
        var probe = String.UnicodeScalarView()
        probe.append("a")
        probe.append(first)
        guard String(probe).count == 1 else { return text }
        return String(Character(markBase)) + text
    }
}
