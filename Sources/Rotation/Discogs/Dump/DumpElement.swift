/// One XML element of a dump's `<release>`, as the SAX reader built it: name, attributes, text and children. Text
/// is kept as the UTF-8 bytes libxml2 delivered (control characters restored, see `DumpControlCharacters`) and
/// decoded once when the converter reads it.
final class DumpElement {
    let name: String
    var attributes: [(name: String, value: [UInt8])] = []
    var textBytes: [UInt8] = []
    var children: [DumpElement] = []

    init(name: String) { self.name = name }

    /// The element's text.
    var text: String { DumpControlCharacters.decode(textBytes) }

    /// An attribute's value. libxml2 hands attribute values over with their character and entity references as
    /// written (it expands them only when told to substitute entities, which would also load external ones), so
    /// they are expanded here.
    func attribute(_ name: String) -> String? {
        guard let value = attributes.first(where: { $0.name == name })?.value else { return nil }
        let text = DumpControlCharacters.decode(value)
        return value.contains(UInt8(ascii: "&")) ? Self.expandReferences(text) : text
    }

    /// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#38;` and `&#x26;` replaced by their characters; anything else
    /// (an undeclared entity) left as written.
    static func expandReferences(_ text: String) -> String {
        var result = ""
        var rest = text[...]
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            let afterAmpersand = rest.index(after: ampersand)
            guard let semicolon = rest[afterAmpersand...].prefix(12).firstIndex(of: ";") else {
                result += "&"
                rest = rest[afterAmpersand...]
                continue
            }
            let name = rest[afterAmpersand..<semicolon]
            let named: [Substring: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
            var replacement = named[name]
            if replacement == nil, name.hasPrefix("#") {
                let digits = name.dropFirst()
                let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                replacement = value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            }
            if let replacement {
                result += replacement
                rest = rest[rest.index(after: semicolon)...]
            } else {
                result += "&"
                rest = rest[afterAmpersand...]
            }
        }
        return result + rest
    }

    /// The first child named `name`.
    func child(_ name: String) -> DumpElement? { children.first { $0.name == name } }

    /// The children named `name`.
    func children(_ name: String) -> [DumpElement] { children.filter { $0.name == name } }

    /// The text of the first child named `name`, nil when there is no such child.
    func childText(_ name: String) -> String? { child(name)?.text }
}

/// XML 1.0 cannot hold most C0 control characters, yet Discogs' dumps have contained them (the tools that read the
/// dumps strip them first). Rather than stop a whole import, or change the data, the reader hands the parser each
/// such byte as a private-use character (U+10FF00 plus its value) and the converter turns it back, so a title is
/// stored exactly as Discogs has it (and is sanitized, like every other text, on its way to a terminal).
enum DumpControlCharacters {
    /// The first scalar of the private-use block that stands for the controls (U+10FF00 + the control's value).
    static let base: UInt32 = 0x10FF00

    /// Whether XML 1.0 refuses this byte as a character (C0 controls other than tab, line feed and carriage return).
    @inline(__always)
    static func isRefused(_ byte: UInt8) -> Bool { byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D }

    /// The four UTF-8 bytes of the stand-in of `control`.
    static func standIn(for control: UInt8) -> [UInt8] {
        let scalar = base + UInt32(control)
        return [0xF0 | UInt8(scalar >> 18), 0x80 | UInt8((scalar >> 12) & 0x3F),
                0x80 | UInt8((scalar >> 6) & 0x3F), 0x80 | UInt8(scalar & 0x3F)]
    }

    /// Text from UTF-8 bytes, with stand-ins turned back into their controls.
    static func decode(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        // Every stand-in starts with 0xF4 (the lead byte of plane 16): nothing to do without one.
        guard bytes.contains(0xF4) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value >= base, scalar.value < base + 0x20, let control = Unicode.Scalar(scalar.value - base) {
                scalars.append(control)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
