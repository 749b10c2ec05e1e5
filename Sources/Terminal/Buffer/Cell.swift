/// How a cell is drawn: a theme role plus optional extra attributes (for example underline on a search match).
/// The backend resolves the role through the current `Theme`, so switching theme needs no re-render of views.
public struct CellStyle: Hashable, Sendable {
    public var role: ThemeRole
    public var emphasis: TextAttributes

    public init(_ role: ThemeRole, emphasis: TextAttributes = []) {
        self.role = role
        self.emphasis = emphasis
    }

    public static let text = CellStyle(.text)
}

/// One screen cell. A wide grapheme occupies two cells: a lead cell with `width == 2` and a continuation cell
/// (`width == 0`) to its right that carries only the style.
///
/// The grapheme is stored inline as up to 15 bytes of UTF-8, so cells copy and compare like integers (the diff
/// of a 200x60 frame touches 12,000 of them). What is stored is what a terminal can draw in one cell: the base
/// character and up to four combining marks. Joiners and variation selectors are left out, so an emoji ZWJ
/// sequence keeps its first emoji, the same on every terminal and in the memory terminal.
public struct Cell: Hashable, Sendable {
    /// UTF-8 bytes 0-7 and 8-14 of the grapheme; the top byte of `high` is the byte count.
    private var low: UInt64
    private var high: UInt64
    /// 1 or 2 for a lead cell, 0 for the continuation of a wide character.
    public var width: UInt8
    public var style: CellStyle

    public init(_ character: Character = " ", width: UInt8 = 1, style: CellStyle = .text) {
        (low, high) = Self.pack(character)
        self.width = width
        self.style = style
    }

    /// A cell holding one ASCII byte (no checks: callers pass printable ASCII).
    @inline(__always)
    init(asciiByte: UInt8, style: CellStyle) {
        low = UInt64(asciiByte)
        high = 1 << 56
        width = 1
        self.style = style
    }

    public static let blank = Cell()

    public var isContinuation: Bool { width == 0 }

    static func continuation(style: CellStyle) -> Cell { Cell(" ", width: 0, style: style) }

    /// The grapheme as stored.
    public var character: Character {
        let count = Int(high >> 56)
        if count == 1 { return Character(Unicode.Scalar(UInt8(truncatingIfNeeded: low))) }
        return withUTF8 { Character(String(decoding: $0, as: UTF8.self)) }
    }

    /// Calls `body` with the stored UTF-8 bytes.
    public func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let count = Int(high >> 56)
        return withUnsafeBytes(of: (low.littleEndian, high.littleEndian)) { raw in
            body(UnsafeBufferPointer(start: raw.bindMemory(to: UInt8.self).baseAddress, count: count))
        }
    }

    /// The scalars to draw: the base and its marks.
    public var scalars: [Unicode.Scalar] {
        withUTF8 { Array(String(decoding: $0, as: UTF8.self).unicodeScalars) }
    }

    private static func pack(_ character: Character) -> (UInt64, UInt64) {
        var low: UInt64 = 0, high: UInt64 = 0
        var count = 0
        var marks = 0
        for scalar in character.unicodeScalars {
            if count > 0 {
                let value = scalar.value
                if value == 0x200D || (0xFE00...0xFE0F).contains(value) || (0xE0000...0xE007F).contains(value) { break }
                guard marks < 4, DisplayWidth.of(scalar: scalar) == 0 else { break }
                marks += 1
            }
            let length = UTF8.width(scalar)
            guard count + length <= 15 else { break }
            for byte in UTF8.encode(scalar)! {
                if count < 8 { low |= UInt64(byte) << (8 * count) } else { high |= UInt64(byte) << (8 * (count - 8)) }
                count += 1
            }
        }
        high |= UInt64(count) << 56
        return (low, high)
    }
}
