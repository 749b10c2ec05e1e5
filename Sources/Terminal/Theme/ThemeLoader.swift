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
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: text)
        } catch {
            throw ThemeError(file: file, line: error.line, message: error.message)
        }
        var themeName = name
        var summary = ""
        var styles: [ThemeRole: ThemeStyle] = [:]

        func fail(_ line: Int, _ message: String) -> ThemeError {
            ThemeError(file: file, line: line, message: message)
        }

        for entry in document.root.entries {
            guard case .table(let table) = entry.value else {
                throw fail(entry.line,
                           "\"\(TerminalText.sanitize(entry.key))\" must be inside a table such as [theme] or [text]")
            }
            guard entry.key == "theme" else {
                try loadRole(named: entry.key, from: table, into: &styles, fail: fail)
                continue
            }
            for setting in table.entries {
                switch (setting.key, setting.value) {
                case ("name", .string(let value)): themeName = themeName ?? value
                case ("description", .string(let value)): summary = value
                case ("extends", .string(let base)):
                    guard depth < 4, let baseText = BuiltinThemes.source(named: base) else {
                        throw fail(setting.line, "unknown built-in theme \"\(TerminalText.sanitize(base))\" to extend")
                    }
                    let parent = try load(text: baseText, file: "themes/\(base).toml", name: base, depth: depth + 1)
                    styles.merge(parent.styles) { mine, _ in mine }
                case ("name", _), ("description", _), ("extends", _):
                    throw fail(setting.line, "\"\(setting.key)\" must be a string")
                default:
                    throw fail(setting.line, "unknown key \"\(TerminalText.sanitize(setting.key))\" in [theme] " +
                               "(expected name, description, extends)")
                }
            }
        }
        return Theme(name: themeName ?? file, summary: summary, styles: styles)
    }

    /// Keys to a style.
    private static let styleKeys: Set<String> = ["fg", "bg", "attrs"]

    /// `[confidence.low]` is the table `low` inside `confidence`: a table whose dotted name is a role holds that
    /// role's style, and one that holds only sub-tables (`confidence`) just groups them.
    static func loadRole(named name: String, from table: TOMLDocument.Table, into styles: inout [ThemeRole: ThemeStyle],
                         fail: (Int, String) -> ThemeError) throws(ThemeError) {
        var settings: [TOMLDocument.Entry] = []
        var subtables: [(name: String, table: TOMLDocument.Table)] = []
        for entry in table.entries {
            if case .table(let subtable) = entry.value, !styleKeys.contains(entry.key) {
                subtables.append((name + "." + entry.key, subtable))
            } else {
                settings.append(entry)
            }
        }
        if let role = ThemeRole(rawValue: name) {
            styles[role] = try style(from: settings, tableName: name, fail: fail)
        } else if !settings.isEmpty || subtables.isEmpty {
            throw fail(table.line, "unknown role \"\(TerminalText.sanitize(name))\"")
        }
        for subtable in subtables {
            try loadRole(named: subtable.name, from: subtable.table, into: &styles, fail: fail)
        }
    }

    static func style(from settings: [TOMLDocument.Entry], tableName: String,
                      fail: (Int, String) -> ThemeError) throws(ThemeError) -> ThemeStyle {
        var style = ThemeStyle()
        for entry in settings {
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
                guard let names = entry.value.stringsValue else {
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
                throw fail(entry.line, "unknown key \"\(TerminalText.sanitize(entry.key))\" in " +
                           "[\(TerminalText.sanitize(tableName))] (expected fg, bg, attrs)")
            }
        }
        return style
    }
}
