/// The line each key and table of a TOML text is first written on: the positions TOMLKit does not give.
///
/// This is no second parser: TOMLKit decides what is TOML, and the lines are read only from text it accepts, so
/// this needs to tell apart just what decides where a statement starts: table headers, key paths (bare, quoted,
/// dotted) and the extent of a value (strings of the four kinds, brackets, comments). Keys inside an inline table
/// are not located: they take the line of their table. The `theme-config` fuzz target checks that every other key
/// TOMLKit finds is located here. Any text may be scanned (it never traps): that is how `assertionTrap` is found.
struct TOMLKeyLines: Sendable {
    /// A step of a path from the document's root: a key, or the position in an array of tables.
    enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    struct Position: Equatable, Sendable {
        let line: Int
        /// Order of first appearance, for keys written on the same line.
        let order: Int
    }

    private var positions: [[Component]: Position] = [:]
    private var headerLines: [[Component]: Int] = [:]

    /// A shape on which TOMLKit's toml++ (3.4.0) stops a debug build with a failed assertion instead of throwing
    /// a parse error: a table header with no key (`[[[`, `[]`, `[=`; fixed upstream after 3.4.0) and `}` where an
    /// array's next value starts (`[}`). `TOMLDocument` reports these itself, before TOMLKit reads the text.
    private(set) var assertionTrap: (line: Int, message: String)?

    func position(of path: [Component]) -> Position? { positions[path] }

    /// The line of `[path]` or `[[path]]`'s element, when the table has a header.
    func headerLine(of path: [Component]) -> Int? { headerLines[path] }

    init(text: String) {
        var scanner = Scanner(bytes: Array(text.utf8))
        scanner.run()
        positions = scanner.positions
        headerLines = scanner.headerLines
        assertionTrap = scanner.assertionTrap
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var positions: [[Component]: Position] = [:]
        var headerLines: [[Component]: Int] = [:]
        /// How many `[[path]]` elements each array of tables has so far.
        var arrayCounts: [[Component]: Int] = [:]
        var assertionTrap: (line: Int, message: String)?

        init(bytes: [UInt8]) {
            self.bytes = bytes
            // A UTF-8 byte order mark, which TOMLKit skips too.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        func byte(at offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

        mutating func run() {
            var table: [Component] = []
            while let byte = current {
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    index += 1
                case UInt8(ascii: "\n"):
                    line += 1
                    index += 1
                case UInt8(ascii: "#"):
                    skipComment()
                case UInt8(ascii: "["):
                    let isArray = self.byte(at: 1) == UInt8(ascii: "[")
                    index += isArray ? 2 : 1
                    guard let keys = keyPath() else {
                        assertionTrap = (line, "expected a key in the table header")
                        return
                    }
                    index += isArray ? 2 : 1  // the closing bracket(s)
                    table = isArray ? appendArrayElement(keys) : resolve(keys)
                    note(table)
                    headerLines[table] = line
                    skipToEndOfLine()
                default:
                    guard let keys = keyPath(), current == UInt8(ascii: "=") else { return }
                    index += 1
                    note(table + keys.map(Component.key))
                    skipValue()
                    if assertionTrap != nil { return }
                }
            }
        }

        /// The path of `[a.b]`: a step through an array of tables goes to its latest element.
        func resolve(_ keys: [String]) -> [Component] {
            var path: [Component] = []
            for key in keys {
                path.append(.key(key))
                if let count = arrayCounts[path] { path.append(.index(count - 1)) }
            }
            return path
        }

        /// `[[a.b]]`: a new element of the array of tables `a.b`.
        mutating func appendArrayElement(_ keys: [String]) -> [Component] {
            var array = resolve(Array(keys.dropLast()))
            array.append(.key(keys.last ?? ""))
            let count = arrayCounts[array, default: 0]
            arrayCounts[array] = count + 1
            note(array)
            return array + [.index(count)]
        }

        /// Records the current line for `path` and each table above it that has none yet.
        mutating func note(_ path: [Component]) {
            for length in 1...max(path.count, 1) where length <= path.count {
                let prefix = Array(path.prefix(length))
                if positions[prefix] == nil { positions[prefix] = Position(line: line, order: positions.count) }
            }
        }

        /// `a`, `a.b`, `"quoted key".'literal'`, with spaces around the dots; nil when no key is here.
        mutating func keyPath() -> [String]? {
            var keys: [String] = []
            while true {
                skipSpaces()
                guard let byte = current else { return nil }
                switch byte {
                case UInt8(ascii: "\""): keys.append(basicString())
                case UInt8(ascii: "'"): keys.append(literalString())
                default:
                    let start = index
                    while let c = current, Self.isBareKeyByte(c) { index += 1 }
                    guard index > start else { return nil }
                    keys.append(String(decoding: bytes[start..<index], as: UTF8.self))
                }
                skipSpaces()
                guard current == UInt8(ascii: ".") else { break }
                index += 1
            }
            // Keys reach Swift from TOMLKit as C strings, so one holding an escaped NUL ends there.
            return keys.map { key in key.firstIndex(of: "\0").map { String(key[..<$0]) } ?? key }
        }

        static func isBareKeyByte(_ c: UInt8) -> Bool {
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }

        /// A quoted key: `"..."` with its escapes decoded, as TOMLKit gives the key.
        mutating func basicString() -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var start = index
            let bytes = self.bytes
            func flush(_ end: Int) {
                scalars.append(contentsOf: String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars)
            }
            while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\n") {
                guard byte == UInt8(ascii: "\\") else { index += 1; continue }
                flush(index)
                index += 1
                guard let escape = current else { start = index; break }
                index += 1
                switch escape {
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "e"): scalars.append("\u{1B}")
                case UInt8(ascii: "u"), UInt8(ascii: "U"), UInt8(ascii: "x"):
                    let digits = escape == UInt8(ascii: "u") ? 4 : escape == UInt8(ascii: "U") ? 8 : 2
                    let end = min(index + digits, bytes.count)
                    let hex = String(decoding: bytes[index..<end], as: UTF8.self)
                    if let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) { scalars.append(scalar) }
                    index = end
                default: scalars.append(Unicode.Scalar(escape))  // \" and \\
                }
                start = index
            }
            flush(index)
            if current == UInt8(ascii: "\"") { index += 1 }
            return String(scalars)
        }

        /// A literal key: `'...'`, no escapes.
        mutating func literalString() -> String {
            index += 1
            let start = index
            while let byte = current, byte != UInt8(ascii: "'"), byte != UInt8(ascii: "\n") { index += 1 }
            let key = String(decoding: bytes[start..<index], as: UTF8.self)
            if current == UInt8(ascii: "'") { index += 1 }
            return key
        }

        /// Past a value, up to the newline that ends its statement: a newline inside brackets or a multi-line
        /// string does not end it.
        mutating func skipValue() {
            var open: [UInt8] = []  // the brackets and braces not closed yet
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "'"): skipString()
                case UInt8(ascii: "["), UInt8(ascii: "{"): open.append(byte); index += 1
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    if byte == UInt8(ascii: "}") && open.last == UInt8(ascii: "[") {
                        assertionTrap = (line, "expected a value or ']' in the array, saw '}'")
                        return
                    }
                    _ = open.popLast()
                    index += 1
                case UInt8(ascii: "#"): skipComment()
                case UInt8(ascii: "\n"):
                    if open.isEmpty { return }
                    line += 1
                    index += 1
                default: index += 1
                }
            }
        }

        /// Past a string of any of the four kinds, counting the newlines of a multi-line one.
        mutating func skipString() {
            guard let quote = current else { return }
            let escapes = quote == UInt8(ascii: "\"")
            if byte(at: 1) == quote && byte(at: 2) == quote {
                index += 3
                while let byte = current {
                    if escapes && byte == UInt8(ascii: "\\") {
                        index += 1
                        if current == UInt8(ascii: "\n") { line += 1 }
                        index += 1
                    } else if byte == quote && self.byte(at: 1) == quote && self.byte(at: 2) == quote {
                        index += 3
                        // Up to two more quotes belong to the string: `"""a""""` is `a"`.
                        var extra = 0
                        while extra < 2 && current == quote { index += 1; extra += 1 }
                        return
                    } else {
                        if byte == UInt8(ascii: "\n") { line += 1 }
                        index += 1
                    }
                }
                return
            }
            index += 1
            while let byte = current, byte != UInt8(ascii: "\n") {
                index += 1
                if byte == quote { return }
                if escapes && byte == UInt8(ascii: "\\") && current != UInt8(ascii: "\n") { index += 1 }
            }
        }

        mutating func skipComment() {
            while let byte = current, byte != UInt8(ascii: "\n") { index += 1 }
        }

        mutating func skipSpaces() {
            while current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") { index += 1 }
        }

        /// After a header: spaces and a comment, then the newline.
        mutating func skipToEndOfLine() {
            while let byte = current, byte != UInt8(ascii: "\n") {
                if byte == UInt8(ascii: "#") { skipComment() } else { index += 1 }
            }
        }
    }
}
