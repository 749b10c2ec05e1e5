import Console
import Terminal

/// Theme files and the `[keys]` section are written by people: whatever the text, the loader returns a theme or
/// throws a `ThemeError` with a line, and the keymap is applied with problems reported, never a crash. In a file
/// TOMLKit accepts, every key outside an inline table has its line (what `TOMLKeyLines` finds).
enum ConfigFileChecks {
    static func check(_ input: [UInt8], _ violations: inout FuzzViolations) {
        let text = String(decoding: input, as: UTF8.self)
        // Line 0 means the whole file; a line number past the last line points nowhere.
        let lines = 0...(text.unicodeScalars.count(where: { $0 == "\n" }) + 1)
        if let document = try? TOMLDocument(parsing: text) {
            violations.expect(document.unlocatedKeys.isEmpty, "every key of a TOML file has its line",
                              "not located: \(escaped(document.unlocatedKeys.joined(separator: ", ")))")
        }
        do {
            _ = try ThemeLoader.load(text: text, file: "fuzz.toml")
        } catch {
            violations.expect(lines.contains(error.line), "theme errors name a line of the file",
                              "line \(error.line) of \(lines.upperBound): \(escaped(error.message))")
        }
        let (_, problems) = KeymapOverrides.apply(configText: text)
        for problem in problems {
            violations.expect(lines.contains(problem.line), "keymap problems name a line of the file",
                              "line \(problem.line) of \(lines.upperBound): \(escaped(problem.message))")
        }
    }
}
