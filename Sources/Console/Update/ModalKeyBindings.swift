import Terminal

/// How dialogs and overlays read the keymap: they move with the keys bound to the navigation actions, so a rebound
/// `move_down` moves in the help screen and the palette too. In a text field a printable character is always text.
extension Keymap {
    /// True when `key` is one of `action`'s keys.
    func binds(_ key: KeyEvent, to action: ActionID) -> Bool { keys(for: action).contains(key) }

    /// True when `key` is bound to one of `actions` and, inside a text field, is not text the user types.
    func binds(_ key: KeyEvent, toAnyOf actions: [ActionID], inTextField: Bool) -> Bool {
        if inTextField, case .character = key { return false }
        return actions.contains { binds(key, to: $0) }
    }

    /// Closes a dialog: Escape always, and the keys of `cancel` that are not text.
    func closesDialog(_ key: KeyEvent) -> Bool {
        key == .escape || binds(key, toAnyOf: [.cancel], inTextField: true)
    }
}
