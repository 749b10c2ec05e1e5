// Generated from Keys/default-keymap.toml by copying the file verbatim; KeymapTests fails when they drift.

/// The default key bindings, embedded so the binary works without the repository. They are the TOML a user's
/// `[keys]` section is written in, and `Keymap.defaults` reads them with the same code (`KeymapOverrides`).
enum BuiltinKeymap {
    static let source = #"""
# Rotation console: the default key bindings of the actions every screen shares.
#
# The same format as the [keys] section of a user's $XDG_CONFIG_HOME/rotation/config.toml, read by the same code
# (Console/Keys/KeymapOverrides.swift): action = ["key", ...], the first key shown in hints. A key is one character
# ("a", "G", "+") or a name in angle brackets: <up> <down> <left> <right> <home> <end> <pgup> <pgdn> <tab> <s-tab>
# <enter> <esc> <space> <c-x> (Ctrl-X) <f1>..<f24>. The same key may serve two actions only on different screens.
# A screen's own actions (its switch action included) are named, with their default keys, beside the screen
# (Console/Screens/<Name>/<Name>Screen.swift, `defaultKeys:`); a user's [keys] section rebinds either kind by name.
#
# Sources/Console/Keys/BuiltinKeymap.swift embeds this file verbatim (KeymapTests fails when the two drift), and
# the README's key table is `rotation keys --defaults --markdown` (ReadmeKeyTableTests).

[keys]

# Application
quit = ["q", "<c-c>"]
help = ["?", "<f1>"]
palette = [":"]
filter = ["/"]
cycle_theme = ["T"]
toggle_live = ["p"]
refresh = ["<c-r>", "<f5>"]
cancel = ["<esc>"]

# Navigation
move_down = ["j", "<down>"]
move_up = ["k", "<up>"]
focus_left = ["h", "<left>"]
focus_right = ["l", "<right>"]
focus_next = ["<tab>"]
focus_previous = ["<s-tab>"]
page_down = ["<pgdn>", "<c-d>"]
page_up = ["<pgup>", "<c-u>"]
top = ["g", "<home>"]
bottom = ["G", "<end>"]
open = ["<enter>"]

"""#
}
