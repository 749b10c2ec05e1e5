import Foundation
import Synchronization

/// The folding behind `TextNormalizer.fold` and `tokens`: ASCII text byte by byte; other text scalar by scalar, each
/// non-ASCII scalar's fold measured once per process; text that NFKC could change the long way, through Foundation.
extension TextNormalizer {
    /// `fold` of text that is not all ASCII, as UTF-8 bytes (a space at the end is left for `fold` to judge).
    static func foldBytes(_ text: String) -> [UInt8] {
        foldWithoutNormalising(text) ?? foldNormalising(text)
    }

    /// `foldBytes` the long way: the whole text through NFKC, then each non-ASCII scalar folded by Foundation.
    static func foldNormalising(_ text: String) -> [UInt8] {
        // The result is built as UTF-8 bytes: appending to a `String.UnicodeScalarView` costs far more per scalar.
        var out = FoldBuffer(capacity: text.utf8.count + 8)
        // Decorative letters (mathematical Fraktur or bold, circled, fullwidth, ligatures) are compatibility forms of
        // plain ones: NFKC turns "𝔏𝔬𝔯𝔡" into "Lord". Plain ASCII text needs none of it.
        let text = text.precomposedStringWithCompatibilityMapping
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                out.appendText(ascii: scalar)
                continue
            }
            // Non-ASCII: fold case, width and diacritics, then map the letters folding leaves alone.
            for f in foldedScalars(scalar) { out.append(f) }
        }
        return out.bytes
    }

    /// The fold of one non-ASCII scalar: case, width and diacritics folded, then the letters folding leaves alone
    /// mapped (`replacements`).
    private static func foldedScalars(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        let folding = String(scalar).folding(
            options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil).lowercased()
        var folded: [Unicode.Scalar] = []
        for f in folding.unicodeScalars {
            if let replacement = replacements[f] { folded.append(contentsOf: replacement.unicodeScalars) } else { folded.append(f) }
        }
        return folded
    }

    /// The folded text as it is built: letters and digits kept (ASCII letters lowercased), apostrophes dropped,
    /// anything else one space (never two in a row, none at the start).
    private struct FoldBuffer {
        var bytes: [UInt8] = []
        var lastWasSpace = true

        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        /// An ASCII scalar of the text: "&" reads as " and ".
        mutating func appendText(ascii scalar: Unicode.Scalar) {
            if scalar == "&" {
                for s in " and ".unicodeScalars { append(s) }
            } else {
                append(scalar)
            }
        }

        mutating func append(_ scalar: Unicode.Scalar) {
            if scalar.isASCII {
                let v = UInt8(scalar.value)
                if (v >= 97 && v <= 122) || (v >= 48 && v <= 57) {
                    bytes.append(v); lastWasSpace = false
                } else if v >= 65 && v <= 90 {
                    bytes.append(v + 32); lastWasSpace = false
                } else if v == 39 || v == 96 {
                    return  // apostrophes join ("Un'Isola" -> "unisola")
                } else if !lastWasSpace {
                    bytes.append(UInt8(ascii: " ")); lastWasSpace = true
                }
                return
            }
            if TextNormalizer.apostrophes.contains(scalar) { return }
            let keep = scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
                || CharacterSet.nonBaseCharacters.contains(scalar)
            if keep {
                bytes.append(contentsOf: UTF8.encode(scalar)!); lastWasSpace = false
            } else if !lastWasSpace {
                bytes.append(UInt8(ascii: " ")); lastWasSpace = true
            }
        }
    }

    /// What `foldBytes` makes of one non-ASCII scalar, measured once per process (`scalarFolds`).
    private struct ScalarFold: Sendable {
        /// NFKC leaves the scalar as it is, and it can never compose with a neighbour (no mark, no Hangul jamo): a
        /// text of such scalars (and ASCII) is its own NFKC form.
        var isNormalised: Bool
        /// The scalars `append` receives for it: case, width and diacritics folded, then `replacements`.
        var folded: [Unicode.Scalar]
    }

    /// Every non-ASCII scalar folded so far. The fold of a scalar depends on nothing else, so the first text that
    /// holds it pays Foundation's NFKC and folding once; later texts look it up.
    private static let scalarFolds = Mutex<[UInt32: ScalarFold]>([:])

    private static func measureFold(_ scalar: Unicode.Scalar) -> ScalarFold {
        let category = scalar.properties.generalCategory
        let isMark = category == .nonspacingMark || category == .spacingMark || category == .enclosingMark
        let isJamo = (0x1100...0x11FF).contains(scalar.value) || (0xA960...0xA97F).contains(scalar.value)
            || (0xD7B0...0xD7FF).contains(scalar.value)
        let unchanged = Array(String(scalar).precomposedStringWithCompatibilityMapping.unicodeScalars) == [scalar]
        return ScalarFold(isNormalised: unchanged && !isMark && !isJamo, folded: foldedScalars(scalar))
    }

    /// `foldBytes` of a text that is already in NFKC form, scalar by scalar from `scalarFolds`, without
    /// Foundation; nil when some scalar could change under NFKC (then the text goes the long way).
    static func foldWithoutNormalising(_ text: String) -> [UInt8]? {
        scalarFolds.withLock { folds -> [UInt8]? in
            var out = FoldBuffer(capacity: text.utf8.count + 8)
            for scalar in text.unicodeScalars {
                if scalar.isASCII {
                    out.appendText(ascii: scalar)
                    continue
                }
                let fold: ScalarFold
                if let known = folds[scalar.value] {
                    fold = known
                } else {
                    fold = measureFold(scalar)
                    folds[scalar.value] = fold
                }
                guard fold.isNormalised else { return nil }
                for f in fold.folded { out.append(f) }
            }
            return out.bytes
        }
    }

    /// `fold` of ASCII text, byte for byte the same rules without building Unicode scalars: letters lowercased,
    /// digits kept, apostrophes joined, "&" read as "and", anything else one space, no space at either end.
    static func foldASCII(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        var lastWasSpace = true
        func append(_ byte: UInt8) {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.append(byte); lastWasSpace = false
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                out.append(byte + 32); lastWasSpace = false
            case 39, 96:
                return  // apostrophes join ("Un'Isola" -> "unisola")
            default:
                if !lastWasSpace { out.append(UInt8(ascii: " ")); lastWasSpace = true }
            }
        }
        for byte in text.utf8 {
            if byte == UInt8(ascii: "&") {
                for b in " and ".utf8 { append(b) }
            } else {
                append(byte)
            }
        }
        if out.last == UInt8(ascii: " ") { out.removeLast() }
        return out
    }
}
