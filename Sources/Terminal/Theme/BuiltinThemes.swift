// Generated from themes/*.toml by copying each file verbatim; BuiltinThemesTests fails when they drift.

/// The theme files shipped with the console, embedded so the binary works without the repository.
public enum BuiltinThemes {
    /// Built-in theme names, the default first.
    public static let names: [String] = ["default", "light", "high-contrast", "monochrome", "colorblind"]

    /// The TOML text of a built-in theme.
    public static func source(named name: String) -> String? {
        switch name {
        case "default": return defaultSource
        case "light": return lightSource
        case "high-contrast": return highContrastSource
        case "monochrome": return monochromeSource
        case "colorblind": return colorblindSource
        default: return nil
        }
    }

    static let defaultSource = #"""
# Rotation console theme: default
# Colours: "default", black red green yellow blue magenta cyan white, bright-<name>, 0-255, "#rrggbb".
# Attributes: bold dim underline reverse italic. A role left out falls back to its parent role.

[theme]
name = "default"
description = "Dark background, 256 colours (the built-in theme)."

# Ordinary text, and the background every view clears to.
[text]
fg = "default"
bg = "default"

# Secondary text: ids, timestamps, hints.
[text.dim]
fg = 245
bg = "default"

# The application title and view titles.
[title]
fg = 75
bg = "default"
attrs = ["bold"]

# Column headers of tables.
[header]
fg = 252
bg = 236
attrs = ["bold"]

# Pane borders.
[border]
fg = 240
bg = "default"

# The border of the pane that has the keyboard.
[border.focused]
fg = 75
bg = "default"
attrs = ["bold"]

# The selected row in the focused list.
[selection]
fg = 231
bg = 24
attrs = ["bold"]

# The selected row in a list that does not have focus.
[selection.unfocused]
fg = 252
bg = 238

# The bottom status bar.
[status.bar]
fg = 252
bg = 236

# Key hints inside the status bar.
[status.key]
fg = 222
bg = 236
attrs = ["bold"]

# Error banners (a server down, an action refused).
[banner.error]
fg = 231
bg = 124
attrs = ["bold"]

# Warnings (read-only mode, stale data).
[banner.warning]
fg = 16
bg = 214
attrs = ["bold"]

# Information (an action done, undo available).
[banner.info]
fg = 231
bg = 25

# Confidence >= 0.80.
[confidence.high]
fg = 114
bg = "default"

# Confidence 0.50 to 0.80.
[confidence.medium]
fg = 221
bg = "default"

# Confidence < 0.50.
[confidence.low]
fg = 203
bg = "default"
attrs = ["bold"]

# Match status: approved.
[status.approved]
fg = 114
bg = "default"

# Match status: pending review.
[status.pending]
fg = 221
bg = "default"

# Match status: unmatched.
[status.unmatched]
fg = 245
bg = "default"

# Match status: rejected.
[status.rejected]
fg = 203
bg = "default"

# Rows marked for a batch action.
[marked]
fg = 213
bg = "default"
attrs = ["bold"]

# Titles of live panes.
[pane.title]
fg = 75
bg = "default"
attrs = ["bold"]

# Figures in live panes.
[pane.value]
fg = 231
bg = "default"
attrs = ["bold"]

# A healthy figure (server up, hit rate fine).
[pane.good]
fg = 114
bg = "default"

# An unhealthy figure (server down, failures).
[pane.bad]
fg = 203
bg = "default"
attrs = ["bold"]

# Small charts in live panes.
[sparkline]
fg = 80
bg = "default"

# Text input fields.
[input]
fg = 231
bg = 237

# An input field whose content is invalid.
[input.error]
fg = 231
bg = 124

# Keys on the help screen.
[help.key]
fg = 222
bg = "default"
attrs = ["bold"]

# Group headings on the help screen.
[help.group]
fg = 75
bg = "default"
attrs = ["bold", "underline"]

# Dialogs and confirmations.
[dialog]
fg = 252
bg = 237

# Confirmation of a destructive action.
[dialog.danger]
fg = 231
bg = 124
attrs = ["bold"]

# Values shown from cache while the database is unreachable.
[stale]
fg = 180
bg = "default"
attrs = ["italic"]

# Actions that are not available, with the reason next to them.
[disabled]
fg = 240
bg = "default"

# Text matching the current search.
[search.match]
fg = 16
bg = 221

"""#

    static let lightSource = #"""
# Rotation console theme: light
# Colours: "default", black red green yellow blue magenta cyan white, bright-<name>, 0-255, "#rrggbb".
# Attributes: bold dim underline reverse italic. A role left out falls back to its parent role.

[theme]
name = "light"
description = "Light background, 256 colours."

# Ordinary text, and the background every view clears to.
[text]
fg = "default"
bg = "default"

# Secondary text: ids, timestamps, hints.
[text.dim]
fg = 244
bg = "default"

# The application title and view titles.
[title]
fg = 25
bg = "default"
attrs = ["bold"]

# Column headers of tables.
[header]
fg = 235
bg = 253
attrs = ["bold"]

# Pane borders.
[border]
fg = 248
bg = "default"

# The border of the pane that has the keyboard.
[border.focused]
fg = 25
bg = "default"
attrs = ["bold"]

# The selected row in the focused list.
[selection]
fg = 16
bg = 153
attrs = ["bold"]

# The selected row in a list that does not have focus.
[selection.unfocused]
fg = 235
bg = 254

# The bottom status bar.
[status.bar]
fg = 235
bg = 252

# Key hints inside the status bar.
[status.key]
fg = 124
bg = 252
attrs = ["bold"]

# Error banners (a server down, an action refused).
[banner.error]
fg = 231
bg = 160
attrs = ["bold"]

# Warnings (read-only mode, stale data).
[banner.warning]
fg = 16
bg = 220
attrs = ["bold"]

# Information (an action done, undo available).
[banner.info]
fg = 231
bg = 26

# Confidence >= 0.80.
[confidence.high]
fg = 28
bg = "default"

# Confidence 0.50 to 0.80.
[confidence.medium]
fg = 130
bg = "default"

# Confidence < 0.50.
[confidence.low]
fg = 160
bg = "default"
attrs = ["bold"]

# Match status: approved.
[status.approved]
fg = 28
bg = "default"

# Match status: pending review.
[status.pending]
fg = 130
bg = "default"

# Match status: unmatched.
[status.unmatched]
fg = 244
bg = "default"

# Match status: rejected.
[status.rejected]
fg = 160
bg = "default"

# Rows marked for a batch action.
[marked]
fg = 127
bg = "default"
attrs = ["bold"]

# Titles of live panes.
[pane.title]
fg = 25
bg = "default"
attrs = ["bold"]

# Figures in live panes.
[pane.value]
fg = 16
bg = "default"
attrs = ["bold"]

# A healthy figure (server up, hit rate fine).
[pane.good]
fg = 28
bg = "default"

# An unhealthy figure (server down, failures).
[pane.bad]
fg = 160
bg = "default"
attrs = ["bold"]

# Small charts in live panes.
[sparkline]
fg = 31
bg = "default"

# Text input fields.
[input]
fg = 16
bg = 255

# An input field whose content is invalid.
[input.error]
fg = 231
bg = 160

# Keys on the help screen.
[help.key]
fg = 124
bg = "default"
attrs = ["bold"]

# Group headings on the help screen.
[help.group]
fg = 25
bg = "default"
attrs = ["bold", "underline"]

# Dialogs and confirmations.
[dialog]
fg = 16
bg = 254

# Confirmation of a destructive action.
[dialog.danger]
fg = 231
bg = 160
attrs = ["bold"]

# Values shown from cache while the database is unreachable.
[stale]
fg = 130
bg = "default"
attrs = ["italic"]

# Actions that are not available, with the reason next to them.
[disabled]
fg = 248
bg = "default"

# Text matching the current search.
[search.match]
fg = 16
bg = 222

"""#

    static let highContrastSource = #"""
# Rotation console theme: high-contrast
# Colours: "default", black red green yellow blue magenta cyan white, bright-<name>, 0-255, "#rrggbb".
# Attributes: bold dim underline reverse italic. A role left out falls back to its parent role.

[theme]
name = "high-contrast"
description = "Black background, the 8 basic colours and bold: for bright rooms and tired eyes."

# Ordinary text, and the background every view clears to.
[text]
fg = "bright-white"
bg = "black"

# Secondary text: ids, timestamps, hints.
[text.dim]
fg = "white"
bg = "black"

# The application title and view titles.
[title]
fg = "bright-yellow"
bg = "black"
attrs = ["bold"]

# Column headers of tables.
[header]
fg = "bright-white"
bg = "black"
attrs = ["bold", "underline"]

# Pane borders.
[border]
fg = "white"
bg = "black"

# The border of the pane that has the keyboard.
[border.focused]
fg = "bright-yellow"
bg = "black"
attrs = ["bold"]

# The selected row in the focused list.
[selection]
fg = "black"
bg = "bright-yellow"
attrs = ["bold"]

# The selected row in a list that does not have focus.
[selection.unfocused]
fg = "black"
bg = "white"

# The bottom status bar.
[status.bar]
fg = "black"
bg = "white"

# Key hints inside the status bar.
[status.key]
fg = "black"
bg = "bright-yellow"
attrs = ["bold"]

# Error banners (a server down, an action refused).
[banner.error]
fg = "bright-white"
bg = "red"
attrs = ["bold"]

# Warnings (read-only mode, stale data).
[banner.warning]
fg = "black"
bg = "bright-yellow"
attrs = ["bold"]

# Information (an action done, undo available).
[banner.info]
fg = "bright-white"
bg = "blue"
attrs = ["bold"]

# Confidence >= 0.80.
[confidence.high]
fg = "bright-green"
bg = "black"
attrs = ["bold"]

# Confidence 0.50 to 0.80.
[confidence.medium]
fg = "bright-yellow"
bg = "black"
attrs = ["bold"]

# Confidence < 0.50.
[confidence.low]
fg = "bright-red"
bg = "black"
attrs = ["bold"]

# Match status: approved.
[status.approved]
fg = "bright-green"
bg = "black"
attrs = ["bold"]

# Match status: pending review.
[status.pending]
fg = "bright-yellow"
bg = "black"

# Match status: unmatched.
[status.unmatched]
fg = "white"
bg = "black"

# Match status: rejected.
[status.rejected]
fg = "bright-red"
bg = "black"
attrs = ["bold"]

# Rows marked for a batch action.
[marked]
fg = "bright-magenta"
bg = "black"
attrs = ["bold", "underline"]

# Titles of live panes.
[pane.title]
fg = "bright-cyan"
bg = "black"
attrs = ["bold"]

# Figures in live panes.
[pane.value]
fg = "bright-white"
bg = "black"
attrs = ["bold"]

# A healthy figure (server up, hit rate fine).
[pane.good]
fg = "bright-green"
bg = "black"
attrs = ["bold"]

# An unhealthy figure (server down, failures).
[pane.bad]
fg = "bright-red"
bg = "black"
attrs = ["bold"]

# Small charts in live panes.
[sparkline]
fg = "bright-cyan"
bg = "black"

# Text input fields.
[input]
fg = "bright-white"
bg = "blue"

# An input field whose content is invalid.
[input.error]
fg = "bright-white"
bg = "red"
attrs = ["bold"]

# Keys on the help screen.
[help.key]
fg = "bright-yellow"
bg = "black"
attrs = ["bold"]

# Group headings on the help screen.
[help.group]
fg = "bright-cyan"
bg = "black"
attrs = ["bold", "underline"]

# Dialogs and confirmations.
[dialog]
fg = "bright-white"
bg = "blue"

# Confirmation of a destructive action.
[dialog.danger]
fg = "bright-white"
bg = "red"
attrs = ["bold"]

# Values shown from cache while the database is unreachable.
[stale]
fg = "yellow"
bg = "black"
attrs = ["underline"]

# Actions that are not available, with the reason next to them.
[disabled]
fg = "white"
bg = "black"

# Text matching the current search.
[search.match]
fg = "black"
bg = "bright-cyan"

"""#

    static let monochromeSource = #"""
# Rotation console theme: monochrome
# Colours: "default", black red green yellow blue magenta cyan white, bright-<name>, 0-255, "#rrggbb".
# Attributes: bold dim underline reverse italic. A role left out falls back to its parent role.

[theme]
name = "monochrome"
description = "No colours, attributes only: what NO_COLOR and monochrome terminals show."

# Ordinary text, and the background every view clears to.
[text]
fg = "default"
bg = "default"

# Secondary text: ids, timestamps, hints.
[text.dim]
fg = "default"
bg = "default"
attrs = ["dim"]

# The application title and view titles.
[title]
fg = "default"
bg = "default"
attrs = ["bold"]

# Column headers of tables.
[header]
fg = "default"
bg = "default"
attrs = ["bold", "underline"]

# Pane borders.
[border]
fg = "default"
bg = "default"

# The border of the pane that has the keyboard.
[border.focused]
fg = "default"
bg = "default"
attrs = ["bold"]

# The selected row in the focused list.
[selection]
fg = "default"
bg = "default"
attrs = ["reverse"]

# The selected row in a list that does not have focus.
[selection.unfocused]
fg = "default"
bg = "default"
attrs = ["underline"]

# The bottom status bar.
[status.bar]
fg = "default"
bg = "default"
attrs = ["reverse"]

# Key hints inside the status bar.
[status.key]
fg = "default"
bg = "default"
attrs = ["reverse", "bold"]

# Error banners (a server down, an action refused).
[banner.error]
fg = "default"
bg = "default"
attrs = ["reverse", "bold"]

# Warnings (read-only mode, stale data).
[banner.warning]
fg = "default"
bg = "default"
attrs = ["bold"]

# Information (an action done, undo available).
[banner.info]
fg = "default"
bg = "default"
attrs = ["underline"]

# Confidence >= 0.80.
[confidence.high]
fg = "default"
bg = "default"

# Confidence 0.50 to 0.80.
[confidence.medium]
fg = "default"
bg = "default"

# Confidence < 0.50.
[confidence.low]
fg = "default"
bg = "default"
attrs = ["bold"]

# Match status: approved.
[status.approved]
fg = "default"
bg = "default"

# Match status: pending review.
[status.pending]
fg = "default"
bg = "default"

# Match status: unmatched.
[status.unmatched]
fg = "default"
bg = "default"
attrs = ["dim"]

# Match status: rejected.
[status.rejected]
fg = "default"
bg = "default"
attrs = ["bold"]

# Rows marked for a batch action.
[marked]
fg = "default"
bg = "default"
attrs = ["bold", "underline"]

# Titles of live panes.
[pane.title]
fg = "default"
bg = "default"
attrs = ["bold"]

# Figures in live panes.
[pane.value]
fg = "default"
bg = "default"
attrs = ["bold"]

# A healthy figure (server up, hit rate fine).
[pane.good]
fg = "default"
bg = "default"

# An unhealthy figure (server down, failures).
[pane.bad]
fg = "default"
bg = "default"
attrs = ["bold"]

# Small charts in live panes.
[sparkline]
fg = "default"
bg = "default"

# Text input fields.
[input]
fg = "default"
bg = "default"
attrs = ["underline"]

# An input field whose content is invalid.
[input.error]
fg = "default"
bg = "default"
attrs = ["reverse"]

# Keys on the help screen.
[help.key]
fg = "default"
bg = "default"
attrs = ["bold"]

# Group headings on the help screen.
[help.group]
fg = "default"
bg = "default"
attrs = ["bold", "underline"]

# Dialogs and confirmations.
[dialog]
fg = "default"
bg = "default"

# Confirmation of a destructive action.
[dialog.danger]
fg = "default"
bg = "default"
attrs = ["reverse", "bold"]

# Values shown from cache while the database is unreachable.
[stale]
fg = "default"
bg = "default"
attrs = ["dim", "italic"]

# Actions that are not available, with the reason next to them.
[disabled]
fg = "default"
bg = "default"
attrs = ["dim"]

# Text matching the current search.
[search.match]
fg = "default"
bg = "default"
attrs = ["reverse"]

"""#

    static let colorblindSource = #"""
# Rotation console theme: colorblind
# Colours: "default", black red green yellow blue magenta cyan white, bright-<name>, 0-255, "#rrggbb".
# Attributes: bold dim underline reverse italic. A role left out falls back to its parent role.

[theme]
name = "colorblind"
description = "Dark background; blue for good and orange for bad instead of green and red (Okabe-Ito)."

# Ordinary text, and the background every view clears to.
[text]
fg = "default"
bg = "default"

# Secondary text: ids, timestamps, hints.
[text.dim]
fg = 245
bg = "default"

# The application title and view titles.
[title]
fg = 75
bg = "default"
attrs = ["bold"]

# Column headers of tables.
[header]
fg = 252
bg = 236
attrs = ["bold"]

# Pane borders.
[border]
fg = 240
bg = "default"

# The border of the pane that has the keyboard.
[border.focused]
fg = 75
bg = "default"
attrs = ["bold"]

# The selected row in the focused list.
[selection]
fg = 231
bg = 24
attrs = ["bold"]

# The selected row in a list that does not have focus.
[selection.unfocused]
fg = 252
bg = 238

# The bottom status bar.
[status.bar]
fg = 252
bg = 236

# Key hints inside the status bar.
[status.key]
fg = 227
bg = 236
attrs = ["bold"]

# Error banners (a server down, an action refused).
[banner.error]
fg = 231
bg = 166
attrs = ["bold"]

# Warnings (read-only mode, stale data).
[banner.warning]
fg = 16
bg = 227
attrs = ["bold"]

# Information (an action done, undo available).
[banner.info]
fg = 231
bg = 25

# Confidence >= 0.80.
[confidence.high]
fg = 39
bg = "default"
attrs = ["bold"]

# Confidence 0.50 to 0.80.
[confidence.medium]
fg = 227
bg = "default"

# Confidence < 0.50.
[confidence.low]
fg = 208
bg = "default"
attrs = ["bold", "underline"]

# Match status: approved.
[status.approved]
fg = 39
bg = "default"

# Match status: pending review.
[status.pending]
fg = 227
bg = "default"

# Match status: unmatched.
[status.unmatched]
fg = 245
bg = "default"

# Match status: rejected.
[status.rejected]
fg = 208
bg = "default"
attrs = ["underline"]

# Rows marked for a batch action.
[marked]
fg = 175
bg = "default"
attrs = ["bold"]

# Titles of live panes.
[pane.title]
fg = 75
bg = "default"
attrs = ["bold"]

# Figures in live panes.
[pane.value]
fg = 231
bg = "default"
attrs = ["bold"]

# A healthy figure (server up, hit rate fine).
[pane.good]
fg = 39
bg = "default"

# An unhealthy figure (server down, failures).
[pane.bad]
fg = 208
bg = "default"
attrs = ["bold"]

# Small charts in live panes.
[sparkline]
fg = 74
bg = "default"

# Text input fields.
[input]
fg = 231
bg = 237

# An input field whose content is invalid.
[input.error]
fg = 231
bg = 166

# Keys on the help screen.
[help.key]
fg = 227
bg = "default"
attrs = ["bold"]

# Group headings on the help screen.
[help.group]
fg = 75
bg = "default"
attrs = ["bold", "underline"]

# Dialogs and confirmations.
[dialog]
fg = 252
bg = 237

# Confirmation of a destructive action.
[dialog.danger]
fg = 231
bg = 166
attrs = ["bold"]

# Values shown from cache while the database is unreachable.
[stale]
fg = 180
bg = "default"
attrs = ["italic"]

# Actions that are not available, with the reason next to them.
[disabled]
fg = 240
bg = "default"

# Text matching the current search.
[search.match]
fg = 16
bg = 227

"""#
}
