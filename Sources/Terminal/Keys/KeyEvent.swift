/// A key press (or a resize) as the console sees it, independent of the backend.
public enum KeyEvent: Hashable, Sendable {
    /// A printable character, including space and upper-case letters.
    case character(Character)
    /// Ctrl with a letter, stored lower-case: `.control("r")` is Ctrl-R.
    case control(Character)
    case up, down, left, right
    case home, end, pageUp, pageDown, insert, delete
    case tab, backTab, enter, escape, backspace
    /// F1 to F24.
    case function(Int)
    /// The terminal changed size; re-query `TerminalBackend.size` and redraw.
    case resize

    /// Decodes a Unicode scalar read from the terminal (C0 controls map to Tab, Enter, Esc, Backspace, Ctrl-x).
    public init?(scalar: Unicode.Scalar) {
        switch scalar.value {
        case 0x09: self = .tab
        case 0x0A, 0x0D: self = .enter
        case 0x1B: self = .escape
        case 0x08, 0x7F: self = .backspace
        case 0x00: self = .control(" ")
        case 0x01...0x1A: self = .control(Character(Unicode.Scalar(scalar.value + 0x60)!))
        case 0x1C...0x1F, 0x80...0x9F: return nil
        default: self = .character(Character(scalar))
        }
    }
}
