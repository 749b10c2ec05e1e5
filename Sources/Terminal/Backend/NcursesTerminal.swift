import CNcursesw
import Foundation

/// Why the console cannot start on this terminal; `description` is meant for the user.
public enum TerminalStartupError: Error, Equatable, Sendable, CustomStringConvertible {
    case notATerminal
    case unsupportedTerminal(String)

    public var description: String {
        switch self {
        case .notATerminal:
            return "standard input and output must be a terminal for the console; use the CLI commands " +
                "(with --json) in scripts"
        case .unsupportedTerminal(let reason):
            return reason
        }
    }
}

/// The real terminal, through ncursesw. Create it on the UI thread, use it from there, and call `shutdown()`
/// when done (also done by `deinit`, at exit, and on fatal signals).
public final class NcursesTerminal: TerminalBackend {
    public private(set) var size: TerminalSize
    public let colorCapability: ColorCapability
    /// False when the locale's character set is not UTF-8: non-ASCII is then drawn as ASCII stand-ins.
    public let unicodeOutput: Bool
    private var theme: ResolvedTheme
    private var attributeCache: [CellStyle: (attributes: attr_t, pair: Int16)] = [:]
    private var pairs: [PairKey: Int16] = [:]
    private var defaultColorsAvailable = false
    private var active = false
    private let wakePipe = WakePipe()

    private struct PairKey: Hashable {
        let foreground: Int16
        let background: Int16
    }

    /// Starts curses. `forceCapability` lowers the detected colours (never raises them).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                theme: Theme = .fallback, forceCapability: ColorCapability? = nil) throws(TerminalStartupError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        let term = environment["TERM"] ?? ""
        if term.isEmpty {
            throw .unsupportedTerminal("TERM is not set, so the terminal type is unknown; set TERM (for example " +
                                       "TERM=xterm-256color) or use the CLI commands")
        }
        if term == "dumb" {
            throw .unsupportedTerminal("TERM=dumb cannot position the cursor, so the console cannot run here; use a " +
                                       "full terminal or the CLI commands (with --json)")
        }
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        unicodeOutput = codeset.uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"

        TerminalRestorer.installOnce()
        TerminalRestorer.captureStandardError()
        // Own FILE streams on fds 0 and 1 (the C globals stdin/stdout are shared mutable state to Swift 6), and the
        // TERM checked above rather than whatever getenv would say.
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r"),
              newterm(term, output, input) != nil else {
            TerminalRestorer.setActive(false)
            throw .unsupportedTerminal("the terminal type \"\(TerminalText.sanitize(term))\" is not in the terminfo " +
                                       "database; try TERM=xterm-256color")
        }
        TerminalRestorer.setActive(true)
        active = true
        raw()
        noecho()
        nonl()
        keypad(rotation_stdscr(), true)
        intrflush(rotation_stdscr(), false)
        set_escdelay(25)
        curs_set(0)

        var capability = ColorCapability.monochrome
        let colorsAllowed = ColorCapability.detect(colors: 256, environment: environment) != .monochrome
        if has_colors() && colorsAllowed && (forceCapability ?? .full256) != .monochrome {
            start_color()  // COLORS is only known after this
            defaultColorsAvailable = use_default_colors() != rotation_err()
            capability = ColorCapability.detect(colors: Int(rotation_colors()), environment: environment)
        }
        if let forced = forceCapability, forced.rank < capability.rank { capability = forced }
        colorCapability = capability
        self.theme = theme.resolved(for: capability)
        size = TerminalSize(columns: Int(rotation_cols()), rows: Int(rotation_lines()))
    }

    deinit { shutdown() }

    /// Restores the terminal (idempotent).
    public func shutdown() {
        guard active else { return }
        active = false
        curs_set(1)
        endwin()
        TerminalRestorer.setActive(false)
    }

    public func setTheme(_ theme: Theme) {
        self.theme = theme.resolved(for: colorCapability)
        attributeCache.removeAll(keepingCapacity: true)
    }

    public func clear() {
        werase(rotation_stdscr())
        clearok(rotation_stdscr(), true)
    }

    /// Writes the cells. A character ncurses refuses becomes the placeholder (never a stale cell); a wide cell that
    /// ncurses drew one column wide (the placeholder, an ASCII stand-in, or a character the C library's older
    /// Unicode tables measure narrow) gets a blank in its second column, so the row keeps its measured width.
    public func draw(_ runs: [CellRun]) {
        var characters = [wchar_t](repeating: 0, count: 6)
        let fallback = wchar_t(bitPattern: (unicodeOutput ? TerminalText.placeholder : "?").value)
        for run in runs {
            var column = run.column
            for cell in run.cells {
                defer { column += 1 }
                if cell.isContinuation { continue }
                let (attributes, pair) = resolve(cell.style)
                fillCharacters(&characters, for: cell)
                let advanced = rotation_put_cell(Int32(run.row), Int32(column), characters, fallback,
                                                 Int32(cell.width), attributes, pair)
                if cell.width == 2 && advanced < 2 {
                    characters[0] = 0x20
                    characters[1] = 0
                    _ = rotation_put_cell(Int32(run.row), Int32(column + 1), characters, 0x20, 1, attributes, pair)
                }
            }
        }
    }

    public func setCursor(_ position: CellPosition?) {
        if let position {
            curs_set(1)
            move(Int32(position.row), Int32(position.column))
        } else {
            curs_set(0)
        }
    }

    public func flush() { refresh() }

    public var waker: TerminalWaker? { wakePipe?.waker }

    public func readKey(timeout: Duration?) -> KeyEvent? {
        // A key ncurses has already buffered (the rest of a paste, an escape sequence) comes first.
        if let key = nextKey(waitingMilliseconds: 0) { return key }
        var milliseconds: Int32 = -1
        if let timeout {
            let (seconds, attoseconds) = timeout.components
            milliseconds = Int32(clamping: max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        }
        // Wait on the terminal and the wake pipe together; SIGWINCH interrupts the wait and ncurses then reports
        // the resize as a key.
        var descriptors = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)]
        if let wakePipe { descriptors.append(pollfd(fd: wakePipe.readEnd, events: Int16(POLLIN), revents: 0)) }
        let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
        if descriptors.count > 1 && descriptors[1].revents != 0 { wakePipe?.drain() }
        if ready < 0 || descriptors[0].revents != 0 {
            // Readable, or interrupted (a resize): let ncurses read it, allowing an escape sequence to complete.
            return nextKey(waitingMilliseconds: 30)
        }
        return nil
    }

    /// One key from ncurses, waiting at most `waitingMilliseconds`; nil when none.
    private func nextKey(waitingMilliseconds: Int32) -> KeyEvent? {
        wtimeout(rotation_stdscr(), waitingMilliseconds)
        while true {
            var character: wint_t = 0
            let result = wget_wch(rotation_stdscr(), &character)
            if result == rotation_err() { return nil }
            if result == KEY_CODE_YES {
                if Int32(character) == rotation_key_resize() {
                    size = TerminalSize(columns: Int(rotation_cols()), rows: Int(rotation_lines()))
                    return .resize
                }
                if let key = Self.functionKey(Int32(character)) { return key }
                continue  // a key we do not use (mouse, unknown): wait for the next
            }
            guard let scalar = Unicode.Scalar(UInt32(character)), let key = KeyEvent(scalar: scalar) else { continue }
            return key
        }
    }

    // MARK: - Internals

    static func functionKey(_ code: Int32) -> KeyEvent? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME, KEY_FIND: return .home
        case KEY_END, KEY_SELECT: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_IC: return .insert
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case (KEY_F0 + 1)...(KEY_F0 + 24): return .function(Int(code - KEY_F0))
        default: return nil
        }
    }

    private func resolve(_ style: CellStyle) -> (attr_t, Int16) {
        if let cached = attributeCache[style] { return cached }
        let resolved = theme.style(for: style)
        var attributes = rotation_a_normal()
        let table: [(TextAttributes, attr_t)] = [
            (.bold, rotation_a_bold()), (.dim, rotation_a_dim()), (.underline, rotation_a_underline()),
            (.reverse, rotation_a_reverse()), (.italic, rotation_a_italic()),
        ]
        for (attribute, value) in table where resolved.attributes.contains(attribute) { attributes |= value }
        let pair = colorCapability == .monochrome ? 0 : pairNumber(resolved.foreground, resolved.background)
        attributeCache[style] = (attributes, pair)
        return (attributes, pair)
    }

    private func pairNumber(_ foreground: ThemeColor, _ background: ThemeColor) -> Int16 {
        let key = PairKey(foreground: colorNumber(foreground, isBackground: false),
                          background: colorNumber(background, isBackground: true))
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let existing = pairs[key] { return existing }
        let number = Int16(clamping: pairs.count + 1)
        guard Int(number) < Int(rotation_color_pairs()), number < Int16.max else { return 0 }
        init_pair(number, key.foreground, key.background)
        pairs[key] = number
        return number
    }

    private func colorNumber(_ color: ThemeColor, isBackground: Bool) -> Int16 {
        switch color {
        case .default:
            return defaultColorsAvailable ? -1 : (isBackground ? 0 : 7)
        case .ansi(let index), .indexed(let index):
            return Int16(min(Int(index), Int(rotation_colors()) - 1))
        }
    }

    /// The cell's grapheme as a NUL-terminated wide string for `setcchar` (a base and up to four marks, as
    /// `Cell` stores it), or an ASCII stand-in when the terminal cannot show UTF-8.
    private func fillCharacters(_ buffer: inout [wchar_t], for cell: Cell) {
        var count = 0
        cell.withUTF8 { bytes in
            var iterator = bytes.makeIterator()
            var decoder = UTF8()
            while count < 5, case .scalarValue(let scalar) = decoder.decode(&iterator) {
                if !unicodeOutput {
                    buffer[0] = wchar_t(bitPattern: (scalar.isASCII ? scalar : Self.asciiStandIn(scalar)).value)
                    count = 1
                    break
                }
                buffer[count] = wchar_t(bitPattern: scalar.value)
                count += 1
            }
        }
        if count == 0 { buffer[0] = 0x20; count = 1 }
        buffer[count] = 0
    }

    /// ASCII for box drawing and bar characters when the terminal cannot show UTF-8; "?" for the rest.
    static func asciiStandIn(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x2500: return "-"
        case 0x2502: return "|"
        case 0x250C, 0x2510, 0x2514, 0x2518, 0x251C, 0x2524, 0x252C, 0x2534, 0x253C: return "+"
        case 0x2581...0x2588, 0x2589...0x258F: return "#"
        case 0x00B7: return "."
        case 0x2026: return "~"
        case 0x2191: return "^"
        case 0x2193: return "v"
        case 0x2190: return "<"
        case 0x2192: return ">"
        default: return "?"
        }
    }
}

extension ColorCapability {
    var rank: Int {
        switch self {
        case .monochrome: return 0
        case .eight: return 1
        case .full256: return 2
        }
    }
}
