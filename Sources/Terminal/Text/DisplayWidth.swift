/// Column widths of graphemes as a current UTF-8 terminal draws them, from `WidthTable` (generated from the Unicode
/// tables of the `wcwidth` package by `generate-width-table.py`; see its header for the Unicode version). The C
/// library's `wcwidth` is not used: glibc's tables lag Unicode by years, and its answer depends on the locale.
///
/// A grapheme cluster is measured as one unit:
/// - its first scalar decides (a base with combining marks, an emoji with skin-tone modifiers or ZWJ parts, a
///   Hangul syllable spelt as conjoining jamo, a regional-indicator pair: all as wide as their first scalar);
/// - VS16 (U+FE0F) right after a narrow emoji-capable scalar makes the cluster 2 wide (`❤️`, `1️⃣`);
/// - a cluster that starts with a zero-width scalar (an orphan combining mark) takes no column;
/// - no cluster is wider than 2.
/// Controls count 0 here: callers measure sanitized text.
public enum DisplayWidth {
    /// The Unicode version of the width table.
    public static let unicodeVersion = WidthTable.unicodeVersion

    /// Width of one grapheme: 0, 1 or 2.
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        let first = scalars.first!
        if first.value < 0x7F && scalars.count == 1 { return first.value >= 0x20 ? 1 : 0 }
        return clusterWidth(scalars)
    }

    /// Total width of a string; callers pass sanitized text (controls count 0 here).
    public static func of(_ text: String) -> Int {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        var total = 0
        for character in text { total += clusterWidthFast(character) }
        return total
    }

    /// Width of a scalar on its own: -1 for C0 and C1 controls and DEL, else 0, 1 or 2.
    public static func of(scalar: Unicode.Scalar) -> Int {
        scalarWidth(scalar)
    }

    // MARK: - Internals

    @inline(__always)
    static func clusterWidthFast(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        let first = scalars.first!
        if first.value < 0x7F && first.value >= 0x20 && scalars.count == 1 { return 1 }
        return clusterWidth(scalars)
    }

    static func clusterWidth(_ scalars: Character.UnicodeScalarView) -> Int {
        var iterator = scalars.makeIterator()
        let first = iterator.next()!
        let width = scalarWidth(first)
        if width <= 0 { return 0 }
        if width == 1, let second = iterator.next(), second.value == 0xFE0F,
           inTable(WidthTable.emojiWithVS16, first.value) {
            return 2
        }
        return width
    }

    @inline(__always)
    static func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x7F { return value >= 0x20 ? 1 : -1 }
        if value < 0xA0 { return -1 }
        if value < 0x300 { return 1 }  // Latin-1 and Latin Extended: no marks, nothing wide
        // Most blocks of 256 code points have one width throughout (CJK, box drawing, most scripts).
        switch WidthTable.blockKinds.withUTF8Buffer({ $0[Int(value >> 8)] }) {
        case UInt8(ascii: "1"): return 1
        case UInt8(ascii: "2"): return 2
        case UInt8(ascii: "0"): return 0
        default: break
        }
        if inTable(WidthTable.zeroWidth, value) { return 0 }
        if value >= 0x1100 && inTable(WidthTable.wide, value) { return 2 }
        return 1
    }

    /// Binary search in a flat table of inclusive `start, end` pairs.
    @inline(__always)
    static func inTable(_ table: [UInt32], _ value: UInt32) -> Bool {
        table.withUnsafeBufferPointer { pairs in
            let count = pairs.count / 2
            if count == 0 || value < pairs[0] || value > pairs[2 * count - 1] { return false }
            var low = 0, high = count - 1
            while low <= high {
                let middle = (low + high) / 2
                if value < pairs[2 * middle] { high = middle - 1 }
                else if value > pairs[2 * middle + 1] { low = middle + 1 }
                else { return true }
            }
            return false
        }
    }
}
