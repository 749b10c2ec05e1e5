import TOMLKit

/// A TOML config file (a theme, the keymap, the user's `config.toml`) parsed by TOMLKit into plain values, every
/// key with the line it is written on, so that a caller can report `file:line: message` for what it finds wrong.
///
/// TOMLKit gives a position only with a syntax error; its values carry none, so the lines of keys come from
/// `TOMLKeyLines`, which also stops the two malformed shapes on which TOMLKit's toml++ fails an assertion (a crash
/// in a debug build) instead of throwing. Tables keep their keys in file order.
public struct TOMLDocument: Sendable {
    public indirect enum Value: Equatable, Sendable {
        case string(String)
        case integer(Int)
        case float(Double)
        case boolean(Bool)
        case array([Value])
        case table(Table)
        /// A TOML date, time or date-time (no config of ours takes one).
        case dateTime

        /// "a string", "an array of strings": for messages such as "fg must be a colour, not a boolean".
        public var typeName: String {
            switch self {
            case .string: return "a string"
            case .integer: return "an integer"
            case .float: return "a number"
            case .boolean: return "a boolean"
            case .table: return "a table"
            case .dateTime: return "a date or time"
            case .array(let items):
                if items.isEmpty { return "an empty array" }
                if let other = items.first(where: { $0.stringValue == nil }) {
                    return "an array holding \(other.typeName)"
                }
                return "an array of strings"
            }
        }

        public var stringValue: String? {
            if case .string(let string) = self { return string }
            return nil
        }

        /// The strings of an array that holds nothing else.
        public var stringsValue: [String]? {
            guard case .array(let items) = self else { return nil }
            let strings = items.compactMap(\.stringValue)
            return strings.count == items.count ? strings : nil
        }
    }

    /// One `key = value` (or a sub-table: `[a.b]` is the entry `b` of the table `a`).
    public struct Entry: Equatable, Sendable {
        public let key: String
        public let value: Value
        /// The line the key is written on (the header's line for a `[table]`).
        public let line: Int
    }

    public struct Table: Equatable, Sendable {
        /// The line of the table's `[header]`, or where the table is first written (a dotted key, an inline table, a
        /// sub-table's header); 0 for the document itself.
        public let line: Int
        /// The keys in the order they are written.
        public let entries: [Entry]

        public subscript(key: String) -> Entry? { entries.first { $0.key == key } }
    }

    /// The text is not TOML; `line` and `column` are TOMLKit's (1-based).
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let line: Int
        public let column: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// The top-level table.
    public let root: Table

    /// Dotted paths of keys outside inline tables that `TOMLKeyLines` did not find (they took their table's line).
    /// Empty unless the locator misreads some TOML; the `theme-config` fuzz target checks it.
    public let unlocatedKeys: [String]

    public init(parsing text: String) throws(ParseError) {
        // TOMLKit hands the text to C++ as a C string: a NUL would silently end the document there.
        if let nul = text.utf8.firstIndex(of: 0) {
            let line = text.utf8[..<nul].count(where: { $0 == UInt8(ascii: "\n") }) + 1
            throw ParseError(line: line, column: 0, message: "NUL character (U+0000) in the file")
        }
        let lines = TOMLKeyLines(text: text)
        if let trap = lines.assertionTrap {
            throw ParseError(line: trap.line, column: 0, message: trap.message)
        }
        let parsed: TOMLTable
        do {
            parsed = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ParseError(line: error.source.begin.line, column: error.source.begin.column,
                             message: TerminalText.sanitize(error.description))
        } catch {
            throw ParseError(line: 0, column: 0, message: TerminalText.sanitize("\(error)"))
        }
        var conversion = Conversion(lines: lines)
        root = conversion.table(parsed, path: [], line: 0, inline: false)
        unlocatedKeys = conversion.unlocatedKeys
    }

    /// TOMLKit's values to ours, with lines.
    private struct Conversion {
        let lines: TOMLKeyLines
        var unlocatedKeys: [String] = []

        init(lines: TOMLKeyLines) { self.lines = lines }

        /// `inline`: inside an inline table or an array value, whose keys are not located one by one.
        mutating func table(_ table: TOMLTable, path: [TOMLKeyLines.Component], line: Int, inline: Bool) -> Table {
            // `keys` and `values` walk the same C++ map in the same order. (TOMLKit's own iterator looks each key up
            // again by C string, and force-unwraps what a key holding an escaped NUL does not find.)
            let keys = table.keys
            let values = table.values
            var located: [(entry: Entry, order: Int)] = []
            for (key, value) in zip(keys, values) {
                let keyPath = path + [.key(key)]
                // A key the text does not show on its own line (inside an inline table) takes its table's line.
                let position = lines.position(of: keyPath)
                if position == nil && !inline { unlocatedKeys.append(Self.describe(keyPath)) }
                let entryLine = position?.line ?? line
                let entry = Entry(key: key, value: self.value(value, path: keyPath, line: entryLine, inline: inline),
                                  line: entryLine)
                located.append((entry, position?.order ?? Int.max))
            }
            located.sort { ($0.entry.line, $0.order, $0.entry.key) < ($1.entry.line, $1.order, $1.entry.key) }
            return Table(line: line, entries: located.map(\.entry))
        }

        mutating func value(_ value: TOMLValue, path: [TOMLKeyLines.Component], line: Int, inline: Bool) -> Value {
            switch value.type {
            case .string: return .string(value.string ?? "")
            case .int: return .integer(value.int ?? 0)
            case .double: return .float(value.double ?? 0)
            case .bool: return .boolean(value.bool ?? false)
            case .date, .time, .dateTime: return .dateTime
            case .table:
                guard let table = value.table else { return .table(Table(line: line, entries: [])) }
                return .table(self.table(table, path: path, line: lines.headerLine(of: path) ?? line,
                                         inline: inline || table.inline))
            case .array:
                guard let array = value.array else { return .array([]) }
                var items: [Value] = []
                for index in 0..<array.count {
                    let elementPath = path + [.index(index)]
                    // An element of an array of tables (`[[name]]`) has a header line of its own; an array value's
                    // elements are written inside its brackets.
                    let header = lines.headerLine(of: elementPath)
                    items.append(self.value(array[index].tomlValue, path: elementPath, line: header ?? line,
                                            inline: inline || header == nil))
                }
                return .array(items)
            }
        }

        static func describe(_ path: [TOMLKeyLines.Component]) -> String {
            path.map { component in
                switch component {
                case .key(let key): return key
                case .index(let index): return "[\(index)]"
                }
            }.joined(separator: ".")
        }
    }
}
