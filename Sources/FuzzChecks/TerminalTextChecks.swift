import Terminal

/// What DESIGN section 7 promises about text that reaches the terminal, for any input:
/// - the sanitized text holds no ESC, no other C0 control, no DEL, no C1 control and no bidi control;
/// - sanitizing it again changes nothing;
/// - `width` equals the sum of the widths of the cells `cells` draws for it, and every cell is as wide as the
///   measure says its character is;
/// - cut text (`cells`, `truncate`) stays within the width asked for and stays sanitized;
/// - `fit` gives exactly the width asked for, `pad` at least that width.
enum TerminalTextChecks {
    static func check(_ input: [UInt8], _ violations: inout FuzzViolations) {
        let text = String(decoding: input, as: UTF8.self)
        let safe = TerminalText.sanitize(text)
        expectNoControls(safe, "sanitize", input: text, &violations)
        let twice = TerminalText.sanitize(safe)
        violations.expect(twice == safe, "sanitizing twice changes nothing",
                          "\(escaped(text)) -> \(escaped(safe)) -> \(escaped(twice))")

        let width = TerminalText.width(text)
        let drawn = TerminalText.cells(text, maxWidth: max(width, 1))
        let drawnWidth = drawn.reduce(0) { $0 + $1.width }
        violations.expect(drawnWidth == width, "measured width equals the cells drawn",
                          "width \(width), cells \(drawnWidth) for \(escaped(text))")
        for cell in drawn {
            let measured = DisplayWidth.of(cell.character)
            violations.expect(cell.width == measured, "a cell is as wide as its character",
                              "cell \(escaped(String(cell.character))) drawn \(cell.width), measured \(measured)")
        }

        for limit in Set([0, 1, 2, width / 2, width - 1, width, width + 1]) where limit >= 0 {
            let cut = TerminalText.cells(text, maxWidth: limit)
            let cutWidth = cut.reduce(0) { $0 + $1.width }
            violations.expect(cutWidth <= limit, "cells stay within maxWidth",
                              "\(cutWidth) columns for maxWidth \(limit): \(escaped(text))")
            expectNoControls(String(cut.map(\.character)), "cells", input: text, &violations)

            let truncated = TerminalText.truncate(text, toWidth: limit)
            let truncatedWidth = DisplayWidth.of(truncated)
            violations.expect(truncatedWidth <= limit, "truncate stays within the width",
                              "\(truncatedWidth) columns for \(limit): \(escaped(text))")
            expectNoControls(truncated, "truncate", input: text, &violations)

            for alignment in [TerminalText.Alignment.left, .right, .center] {
                let fitted = TerminalText.fit(text, toWidth: limit, alignment: alignment)
                let fittedWidth = DisplayWidth.of(fitted)
                violations.expect(fittedWidth == limit, "fit gives exactly the width",
                                  "\(fittedWidth) columns for \(limit) (\(alignment)): \(escaped(text))")
                let padded = TerminalText.pad(safe, toWidth: limit, alignment: alignment)
                let paddedWidth = DisplayWidth.of(padded)
                violations.expect(paddedWidth == max(limit, DisplayWidth.of(safe)), "pad gives the width",
                                  "\(paddedWidth) columns for \(limit) (\(alignment)): \(escaped(text))")
            }
        }
    }

    /// Scalars that must never reach the terminal: they move the cursor, change its state or reorder text.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F, 0x80...0x9F: true  // C0 (ESC included), DEL, C1
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true  // bidi embeddings, isolates, marks
        default: false
        }
    }

    private static func expectNoControls(
        _ output: String, _ function: String, input: String, _ violations: inout FuzzViolations
    ) {
        guard let bad = output.unicodeScalars.first(where: isForbidden) else { return }
        violations.expect(false, "\(function) removes controls",
                          "U+\(String(bad.value, radix: 16, uppercase: true)) survives in \(escaped(output)) from \(escaped(input))")
    }
}
