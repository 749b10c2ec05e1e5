#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Column widths of graphemes as a UTF-8 terminal shows them: glibc's `wcwidth` evaluated under a private
/// `C.UTF-8` locale, so the answer does not depend on `LANG` or on whether `setlocale` was called. When no UTF-8
/// locale exists, a small built-in table (East Asian wide ranges, emoji presentation, marks) stands in.
public enum DisplayWidth {
    /// Width of one grapheme: 0 (combining marks, zero-width characters on their own), 1 or 2.
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        let first = scalars.first!
        if first.value < 0x7F && scalars.count == 1 { return first.value >= 0x20 ? 1 : 0 }
        return withUTF8Locale { clusterWidth(scalars) }
    }

    /// Total width of a string; callers pass sanitized text (controls count 0 here).
    public static func of(_ text: String) -> Int {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        return withUTF8Locale {
            var total = 0
            for character in text { total += clusterWidthFast(character) }
            return total
        }
    }

    /// Width of a scalar on its own (-1 for one the locale calls unprintable).
    public static func of(scalar: Unicode.Scalar) -> Int {
        withUTF8Locale { scalarWidth(scalar) }
    }

    // MARK: - Inside a locale scope

    /// Runs `body` with the private UTF-8 locale installed on this thread (a thread-local switch; cheap).
    @inline(__always)
    static func withUTF8Locale<T>(_ body: () -> T) -> T {
        guard let locale = utf8Locale else { return body() }
        let previous = uselocale(locale)
        defer { uselocale(previous) }
        return body()
    }

    @inline(__always)
    static func clusterWidthFast(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        let first = scalars.first!
        if first.value < 0x7F && first.value >= 0x20 && scalars.count == 1 { return 1 }
        return clusterWidth(scalars)
    }

    /// The first scalar decides the width (a base with marks, an emoji with modifiers or ZWJ parts); a grapheme
    /// that starts with a zero-width scalar (an orphan combining mark) takes no column.
    static func clusterWidth(_ scalars: Character.UnicodeScalarView) -> Int {
        let width = scalarWidth(scalars.first!)
        return width < 0 ? 1 : width
    }

    static func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
        if scalar.value < 0x7F { return scalar.value >= 0x20 ? 1 : 0 }
        if utf8Locale != nil, let wcwidth = cWcwidth { return Int(wcwidth(wchar_t(bitPattern: scalar.value))) }
        return tableWidth(scalar)
    }

    /// Fallback when the C library has no UTF-8 locale.
    static func tableWidth(_ scalar: Unicode.Scalar) -> Int {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        case .control: return -1
        default: break
        }
        if properties.isEmojiPresentation { return 2 }
        let wideRanges: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x20000...0x2FFFD, 0x30000...0x3FFFD,
        ]
        return wideRanges.contains { $0.contains(scalar.value) } ? 2 : 1
    }
}

/// A process-wide UTF-8 `LC_CTYPE` locale object, created once. It is never mutated after creation, and glibc
/// allows a `locale_t` to be installed on several threads at once, so sharing it is safe.
nonisolated(unsafe) let utf8Locale: locale_t? = {
    for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] {
        if let locale = newlocale(1 << LC_CTYPE, name, nil) { return locale }
    }
    return nil
}()

/// glibc's `wcwidth`. Swift's Glibc module hides it (it is declared only under `_XOPEN_SOURCE`), so it is looked up
/// once by name; nil would fall back to the built-in table.
let cWcwidth: (@convention(c) (wchar_t) -> Int32)? = {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "wcwidth") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (wchar_t) -> Int32).self)
}()
