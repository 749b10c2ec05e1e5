// Generated from Keys/default-keymap.toml by copying the file verbatim; KeymapTests fails when they drift.

/// The default key bindings, embedded so the binary works without the repository. They are the TOML a user's
/// `[keys]` section is written in, and `Keymap.defaults` reads them with the same code (`KeymapOverrides`).
enum BuiltinKeymap {
    static let source = #"""
# Rotation console: the default key bindings.
#
# The same format as the [keys] section of a user's $XDG_CONFIG_HOME/rotation/config.toml, read by the same code
# (Console/Keys/KeymapOverrides.swift): action = ["key", ...], the first key shown in hints. A key is one character
# ("a", "G", "+") or a name in angle brackets: <up> <down> <left> <right> <home> <end> <pgup> <pgdn> <tab> <s-tab>
# <enter> <esc> <space> <c-x> (Ctrl-X) <f1>..<f24>. Actions are named in Console/Actions/ActionID.swift; the same key
# may serve two actions only on different screens.
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
screen_review = ["1"]
screen_inventory = ["2"]
screen_cache = ["3"]
screen_queue = ["4"]

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

# Review
approve = ["a"]
reject = ["x"]
replace = ["r"]
needs_review = ["n"]
clear_match = ["c"]
undo = ["u"]
toggle_mark = ["<space>"]
approve_above_threshold = ["A"]
use_candidate = ["y"]
open_url = ["o"]
play_url = ["P"]

# Cache screen
cache_clear_key = ["d"]
cache_clear_release = ["D"]
cache_clear_store = ["S"]
cache_clear_all = ["X"]
cache_clear_drift = ["F"]

# Queue screen
queue_requeue = ["r"]
queue_bump = ["+"]
queue_filter = ["f"]

"""#
}
