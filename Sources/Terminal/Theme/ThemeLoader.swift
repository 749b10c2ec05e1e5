/// Reads theme files:
///
/// ```toml
/// [theme]
/// name = "default"
/// description = "Dark background"
/// extends = "default"        # optional: start from a built-in theme
///
/// [confidence.low]
/// fg = "red"                 # default, black..white, bright-red, 0-255, "#rrggbb"
/// bg = "default"
/// attrs = ["bold"]           # bold, dim, underline, reverse, italic
/// ```
public enum ThemeLoader {
    /// Parses theme text. `file` is used in error messages; `name` overrides the `[theme] name`.
    public static func load(text: String, file: String, name: String? = nil) throws(ThemeError) -> Theme {
        try load(text: text, file: file, name: name, depth: 0)
    }

    static func load(text: String, file: String, name: String?, depth: Int) throws(ThemeError) -> Theme {
        let document: TOMLSubset
        do {
            document = try TOMLSubset(parsing: text)
        } catch {
            throw ThemeError(file: file, line: error.line, message: error.message)
        }
        var themeName = name
        var summary = ""
        var styles: [ThemeRole: ThemeStyle] = [:]

        func fail(_ line: Int, _ message: String) -> ThemeError {
            ThemeError(file: file, line: line, message: message)
        }

        for table in document.tables {
            switch table.name {
            case "":
                if let entry = table.entries.first {
                    throw fail(entry.line, "\"\(entry.key)\" must be inside a table such as [theme] or [text]")
                }
            case "theme":
                for entry in table.entries {
                    switch (entry.key, entry.value) {
                    case ("name", .string(let value)): themeName = themeName ?? value
                    case ("description", .string(let value)): summary = value
                    case ("extends", .string(let base)):
                        guard depth < 4, let baseText = BuiltinThemes.source(named: base) else {
                            throw fail(entry.line, "unknown built-in theme \"\(TerminalText.sanitize(base))\" to extend")
                        }
                        let parent = try load(text: baseText, file: "themes/\(base).toml", name: base, depth: depth + 1)
                        styles.merge(parent.styles) { mine, _ in mine }
                    case ("name", _), ("description", _), ("extends", _):
                        throw fail(entry.line, "\"\(entry.key)\" must be a string")
                    default:
                        throw fail(entry.line, "unknown key \"\(entry.key)\" in [theme] (expected name, description, extends)")
                    }
                }
            default:
                guard let role = ThemeRole(rawValue: table.name) else {
                    throw fail(table.line, "unknown role \"\(table.name)\"")
                }
                styles[role] = try style(from: table, fail: fail)
            }
        }
        return Theme(name: themeName ?? file, summary: summary, styles: styles)
    }

    static func style(from table: TOMLSubset.Table, fail: (Int, String) -> ThemeError) throws(ThemeError) -> ThemeStyle {
        var style = ThemeStyle()
        for entry in table.entries {
            switch entry.key {
            case "fg", "bg":
                let colour: ThemeColor
                switch entry.value {
                case .string(let name):
                    guard let parsed = ThemeColor(name: name) else {
                        throw fail(entry.line, "unknown colour \"\(TerminalText.sanitize(name))\"")
                    }
                    colour = parsed
                case .integer(let index):
                    guard (0...255).contains(index) else {
                        throw fail(entry.line, "colour index \(index) is outside 0-255")
                    }
                    colour = .indexed(UInt8(index))
                default:
                    throw fail(entry.line, "\(entry.key) must be a colour name or a number 0-255, not \(entry.value.typeName)")
                }
                if entry.key == "fg" { style.foreground = colour } else { style.background = colour }
            case "attrs":
                guard case .strings(let names) = entry.value else {
                    throw fail(entry.line, "attrs must be an array of strings like [\"bold\"]")
                }
                for attributeName in names {
                    guard let attribute = TextAttributes(name: attributeName) else {
                        throw fail(entry.line, "unknown attribute \"\(TerminalText.sanitize(attributeName))\" " +
                                   "(expected bold, dim, underline, reverse, italic)")
                    }
                    style.attributes.insert(attribute)
                }
            default:
                throw fail(entry.line, "unknown key \"\(entry.key)\" in [\(table.name)] (expected fg, bg, attrs)")
            }
        }
        return style
    }
}
