/// A key name in a config file that could not be parsed.
public struct KeyNameError: Error, Equatable, Sendable, CustomStringConvertible {
    public let name: String
    public let reason: String
    public var description: String { "invalid key \"\(TerminalText.sanitize(name))\": \(reason)" }
}

/// Key names as written in config files (`j`, `G`, `<down>`, `<c-r>`, `<s-tab>`, `<f5>`, `<space>`), and names
/// for help screens (`Ctrl-R`, `Shift-Tab`, `↓`).
extension KeyEvent {
    private static let namedKeys: [(names: [String], key: KeyEvent)] = [
        (["up"], .up), (["down"], .down), (["left"], .left), (["right"], .right),
        (["home"], .home), (["end"], .end), (["pgup", "pageup"], .pageUp), (["pgdn", "pagedown"], .pageDown),
        (["ins", "insert"], .insert), (["del", "delete"], .delete),
        (["tab"], .tab), (["s-tab", "backtab"], .backTab), (["enter", "cr", "return"], .enter),
        (["esc", "escape"], .escape), (["bs", "backspace"], .backspace),
        (["space"], .character(" ")), (["lt"], .character("<")), (["gt"], .character(">")),
        (["resize"], .resize),
    ]

    /// Parses a config-file key name. A single character stands for itself; anything longer is `<name>`,
    /// case-insensitive inside the brackets.
    public init(name: String) throws(KeyNameError) {
        if name.count == 1, let character = name.first {
            guard let scalar = character.unicodeScalars.first, scalar.value >= 0x20, scalar.value != 0x7F else {
                throw KeyNameError(name: name, reason: "control characters are written as <c-x>")
            }
            self = .character(character)
            return
        }
        guard name.hasPrefix("<"), name.hasSuffix(">"), name.count > 2 else {
            throw KeyNameError(name: name, reason: "expected one character or a name in angle brackets like <down>")
        }
        let inner = name.dropFirst().dropLast().lowercased()
        if let match = Self.namedKeys.first(where: { $0.names.contains(inner) }) {
            self = match.key
            return
        }
        if inner.hasPrefix("c-"), inner.count == 3, let letter = inner.last, letter.isASCII, letter.isLetter {
            self = .control(letter)
            return
        }
        if inner.hasPrefix("f"), let number = Int(inner.dropFirst()), (1...24).contains(number) {
            self = .function(number)
            return
        }
        throw KeyNameError(name: name, reason: "unknown key name")
    }

    /// The config-file name: parsing it gives this key back.
    public var configName: String {
        switch self {
        case .character(" "): return "<space>"
        case .character("<"): return "<lt>"
        case .character(let c): return String(c)
        case .control(let c): return "<c-\(c)>"
        case .function(let n): return "<f\(n)>"
        default: return "<\(Self.namedKeys.first { $0.key == self }!.names[0])>"
        }
    }

    /// A short name for help screens and the status bar.
    public var displayName: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let c): return String(c)
        case .control(let c): return "Ctrl-\(c.uppercased())"
        case .function(let n): return "F\(n)"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .insert: return "Ins"
        case .delete: return "Del"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .resize: return "Resize"
        }
    }
}
