import Foundation

/// JSON for a terminal or a pipe that may end in one: every `--json` output is encoded here.
///
/// `JSONEncoder` escapes only U+0000-001F, so DEL, C1 controls and bidi controls inside strings would reach the
/// terminal raw. This encodes with `JSONEncoder` (so every `Codable` type, key order, dates and formatting stay as
/// they were) and then writes each scalar for which `TerminalText.isControlOrBidi` holds as a `\uXXXX` escape.
/// Rewriting the finished text is sound because outside strings JSON has only ASCII punctuation, digits, letters
/// and whitespace, none of which is in that set; inside a string `\uXXXX` decodes to the very same scalar, so a
/// script reading the output gets the data unchanged.
public enum TerminalJSON {
    /// Pretty-printed (unless `compact`), sorted keys, slashes unescaped, dates in ISO 8601.
    public static func encode<T: Encodable>(_ value: T, compact: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = compact ? [.sortedKeys, .withoutEscapingSlashes]
            : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return escapingTerminalControls(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// `json` (valid JSON text) with DEL, C1 and bidi controls written as `\uXXXX` escapes.
    public static func escapingTerminalControls(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: TerminalText.isControlOrBidi) else { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            guard TerminalText.isControlOrBidi(scalar), scalar != "\n" else {  // newlines: the pretty layout
                out.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16, uppercase: false)
            out.append(contentsOf: ("\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex).unicodeScalars)
        }
        return String(out)
    }
}
