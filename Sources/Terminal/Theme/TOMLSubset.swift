/// A parser for the small part of TOML that theme files use: `# comments`, `[dotted.table]` headers,
/// `key = value` with basic or literal strings, integers, floats, booleans and (possibly multi-line) arrays of
/// strings. Every value remembers its line so callers can report `file:line: message`.
public struct TOMLSubset: Sendable {
    public enum Value: Equatable, Sendable {
        case string(String)
        case integer(Int)
        case float(Double)
        case boolean(Bool)
        case strings([String])

        public var typeName: String {
            switch self {
            case .string: return "a string"
            case .integer: return "an integer"
            case .float: return "a number"
            case .boolean: return "a boolean"
            case .strings: return "an array of strings"
            }
        }
    }

    public struct Entry: Equatable, Sendable {
        public let key: String
        public let value: Value
        public let line: Int
    }

    public struct Table: Equatable, Sendable {
        /// Dotted name as written, "" for the top level.
        public let name: String
        public let line: Int
        public internal(set) var entries: [Entry]
    }

    public struct ParseError: Error, Equatable, Sendable {
        public let line: Int
        public let message: String
    }

    /// Tables in file order; the first is the top level (name "").
    public private(set) var tables: [Table]

    public init(parsing text: String) throws(ParseError) {
        tables = [Table(name: "", line: 0, entries: [])]
        var seenTables: Set<String> = [""]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        var index = 0
        while index < lines.count {
            let lineNumber = index + 1
            var line = Substring(lines[index])
            index += 1
            line = line.drop(while: { $0 == " " || $0 == "\t" })
            if line.isEmpty || line.first == "#" { continue }

            if line.first == "[" {
                guard let close = line.firstIndex(of: "]") else {
                    throw ParseError(line: lineNumber, message: "unclosed table header")
                }
                let rest = line[line.index(after: close)...].drop(while: { $0 == " " || $0 == "\t" })
                guard rest.isEmpty || rest.first == "#" else {
                    throw ParseError(line: lineNumber, message: "unexpected text after table header")
                }
                let name = line[line.index(after: line.startIndex)..<close].trimmingSpaces()
                let parts = name.split(separator: ".", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
                guard !name.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isBareKeyCharacter) }) else {
                    throw ParseError(line: lineNumber, message: "invalid table name \"\(name)\"")
                }
                let dotted = parts.joined(separator: ".")
                guard seenTables.insert(dotted).inserted else {
                    throw ParseError(line: lineNumber, message: "table [\(dotted)] defined twice")
                }
                tables.append(Table(name: dotted, line: lineNumber, entries: []))
                continue
            }

            guard let equals = line.firstIndex(of: "=") else {
                throw ParseError(line: lineNumber, message: "expected key = value")
            }
            let key = line[..<equals].trimmingSpaces()
            guard !key.isEmpty, key.allSatisfy(Self.isBareKeyCharacter) else {
                throw ParseError(line: lineNumber, message: "invalid key \"\(key)\"")
            }
            var valueText = String(line[line.index(after: equals)...])
            // Arrays may continue over several lines until the bracket closes.
            if valueText.trimmingSpaces().hasPrefix("[") {
                while !Self.arrayIsClosed(valueText) && index < lines.count {
                    valueText += "\n" + lines[index]
                    index += 1
                }
            }
            var scanner = Scanner(text: valueText, line: lineNumber)
            let value = try scanner.value()
            try scanner.expectEnd()
            guard !tables[tables.count - 1].entries.contains(where: { $0.key == key }) else {
                throw ParseError(line: lineNumber, message: "key \"\(key)\" defined twice")
            }
            tables[tables.count - 1].entries.append(Entry(key: key, value: value, line: lineNumber))
        }
    }

    static func isBareKeyCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-")
    }

    /// True when the brackets of an array value balance (ignoring brackets inside strings and comments).
    static func arrayIsClosed(_ text: String) -> Bool {
        var depth = 0
        var quote: Character? = nil
        var escaped = false
        var inComment = false
        for c in text {
            if inComment { if c == "\n" { inComment = false }; continue }
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" && q == "\"" { escaped = true } else if c == q { quote = nil }
                continue
            }
            switch c {
            case "\"", "'": quote = c
            case "#": inComment = true
            case "[": depth += 1
            case "]": depth -= 1; if depth == 0 { return true }
            default: break
            }
        }
        return false
    }

    /// Reads one value from text; tracks the line for multi-line arrays.
    struct Scanner {
        let characters: [Character]
        var position = 0
        var line: Int

        init(text: String, line: Int) {
            characters = Array(text)
            self.line = line
        }

        mutating func skipBlank(newlines: Bool) {
            while position < characters.count {
                let c = characters[position]
                if c == " " || c == "\t" { position += 1 }
                else if newlines && c == "\n" { line += 1; position += 1 }
                else if newlines && c == "#" {
                    while position < characters.count && characters[position] != "\n" { position += 1 }
                } else { break }
            }
        }

        mutating func expectEnd() throws(ParseError) {
            skipBlank(newlines: false)
            if position < characters.count && characters[position] != "#" {
                throw ParseError(line: line, message: "unexpected text after value")
            }
        }

        mutating func value() throws(ParseError) -> Value {
            skipBlank(newlines: false)
            guard position < characters.count else { throw ParseError(line: line, message: "missing value") }
            switch characters[position] {
            case "\"", "'": return .string(try string())
            case "[":
                position += 1
                var items: [String] = []
                while true {
                    skipBlank(newlines: true)
                    guard position < characters.count else { throw ParseError(line: line, message: "unclosed array") }
                    if characters[position] == "]" { position += 1; return .strings(items) }
                    guard characters[position] == "\"" || characters[position] == "'" else {
                        throw ParseError(line: line, message: "arrays may only hold strings")
                    }
                    items.append(try string())
                    skipBlank(newlines: true)
                    if position < characters.count && characters[position] == "," { position += 1 }
                    else if position < characters.count && characters[position] != "]" {
                        throw ParseError(line: line, message: "expected , or ] in array")
                    }
                }
            default:
                var end = position
                while end < characters.count && !" \t#\n".contains(characters[end]) { end += 1 }
                let word = String(characters[position..<end])
                position = end
                if word == "true" { return .boolean(true) }
                if word == "false" { return .boolean(false) }
                let digits = word.filter { $0 != "_" }
                if let integer = Int(digits) { return .integer(integer) }
                if let number = Double(digits), number.isFinite { return .float(number) }
                throw ParseError(line: line, message: "invalid value \"\(TerminalText.sanitize(word))\"")
            }
        }

        mutating func string() throws(ParseError) -> String {
            let quote = characters[position]
            position += 1
            var result = ""
            while position < characters.count {
                let c = characters[position]
                position += 1
                if c == quote { return result }
                if c == "\n" { break }
                if c == "\\" && quote == "\"" {
                    guard position < characters.count else { break }
                    let escape = characters[position]
                    position += 1
                    switch escape {
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    case "\"": result.append("\"")
                    case "\\": result.append("\\")
                    case "u", "U":
                        let count = escape == "u" ? 4 : 8
                        guard position + count <= characters.count,
                              let code = UInt32(String(characters[position..<(position + count)]), radix: 16),
                              let scalar = Unicode.Scalar(code) else {
                            throw ParseError(line: line, message: "invalid unicode escape")
                        }
                        result.unicodeScalars.append(scalar)
                        position += count
                    default: throw ParseError(line: line, message: "invalid escape \\\(escape)")
                    }
                } else {
                    result.append(c)
                }
            }
            throw ParseError(line: line, message: "unterminated string")
        }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
