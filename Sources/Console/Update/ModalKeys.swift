import Foundation
import Terminal

extension ConsoleState {
    /// Keys while a dialog, form or overlay is open: it takes every key, so nothing reaches the screen behind it.
    mutating func handleModalKey(_ key: KeyEvent, _ current: ConsoleModal) -> [ConsoleEffect] {
        switch current {
        case .help(let scroll):
            // The help screen pages like `less`: Space goes a page down besides the page keys.
            let page = max(1, size.rows - 6)
            if keymap.binds(key, to: .moveDown) {
                modal = .help(scroll: scroll + 1)
            } else if keymap.binds(key, to: .moveUp) {
                modal = .help(scroll: max(0, scroll - 1))
            } else if keymap.binds(key, to: .pageDown) || key == .character(" ") {
                modal = .help(scroll: scroll + page)
            } else if keymap.binds(key, to: .pageUp) {
                modal = .help(scroll: max(0, scroll - page))
            } else if keymap.binds(key, to: .top) {
                modal = .help(scroll: 0)
            } else {
                modal = nil
            }
            return []

        case .palette(var palette):
            let matches = palette.matches(on: screen)
            // Readline's Ctrl-N / Ctrl-P move too; letters are the query.
            if keymap.closesDialog(key) {
                modal = nil
                return []
            }
            if keymap.binds(key, toAnyOf: [.moveDown, .focusNext], inTextField: true) || key == .control("n") {
                palette.cursor = min(max(0, matches.count - 1), palette.cursor + 1)
                modal = .palette(palette)
                return []
            }
            if keymap.binds(key, toAnyOf: [.moveUp, .focusPrevious], inTextField: true) || key == .control("p") {
                palette.cursor = max(0, palette.cursor - 1)
                modal = .palette(palette)
                return []
            }
            switch key {
            case .enter:
                modal = nil
                guard matches.indices.contains(palette.cursor) else { say("No action matches", .warning); return [] }
                return perform(matches[palette.cursor].id)
            default:
                guard let edit = Self.edit(for: key) else { return [] }
                palette.query.edit(edit)
                palette.cursor = 0
                modal = .palette(palette)
            }
            return []

        case .filter(var field):
            if keymap.closesDialog(key) {
                modal = nil
                setFocusedFilter("")
                return focusedScreen.followSelectionAfterFilter(&self)
            }
            switch key {
            case .enter:
                modal = nil
                return []
            default:
                guard let edit = Self.edit(for: key) else { return [] }
                field.edit(edit)
                modal = .filter(field)
                setFocusedFilter(field.text)
                return focusedScreen.followSelectionAfterFilter(&self)
            }

        case .confirm(let dialog):
            modal = nil
            if key == .character("y") || key == .character("Y") {
                return runConfirmed(dialog.operation)
            }
            if let alternative = dialog.alternative, key == .character(alternative.key) {
                return runConfirmed(alternative.operation)
            }
            say("Cancelled: nothing was changed")
            return []

        case .cacheClear(var dialog):
            if keymap.closesDialog(key) {
                modal = nil
                say("Cancelled: no key was deleted")
                return supersede { $0 == .previewCacheClear(dialog.scope) }
            }
            switch key {
            // Enter confirms any scope; `y` only a narrow one (for a wide one it is part of the typed phrase).
            case .enter:
                return confirmCacheClear(dialog)
            case .character("y") where !dialog.scope.isWide:
                return confirmCacheClear(dialog)
            default:
                guard dialog.scope.isWide, dialog.preview != nil, let edit = Self.edit(for: key) else {
                    if !dialog.scope.isWide, dialog.preview != nil {
                        modal = nil
                        say("Cancelled: no key was deleted")
                    }
                    return []
                }
                dialog.typed.edit(edit)
                dialog.error = nil
                modal = .cacheClear(dialog)
                return []
            }

        case .replace(var form):
            if keymap.closesDialog(key) {
                modal = nil
                say("Replace cancelled")
                return []
            }
            switch key {
            case .enter:
                switch form.verdict {
                case .invalid:
                    return []  // the form already shows why
                case .valid(let url, let platform):
                    modal = nil
                    return submitReplacement(url: url, platform: platform, for: form.target)
                }
            default:
                guard let edit = Self.edit(for: key) else { return [] }
                form.url.edit(edit)
                modal = .replace(form)
                return []
            }

        case .search(let form):
            return handleTrackSearchKey(key, form)
        }
    }

    mutating func confirmCacheClear(_ dialog: CacheClearDialog) -> [ConsoleEffect] {
        var dialog = dialog
        guard let preview = dialog.preview else { return [] }
        guard preview.keyCount > 0 else {
            modal = nil
            say("Nothing to clear: no key matches \(dialog.scope)")
            return []
        }
        guard dialog.isConfirmable else {
            dialog.error = "type \"\(dialog.scope.confirmationPhrase)\" exactly to confirm"
            modal = .cacheClear(dialog)
            return []
        }
        modal = nil
        let effects = runConfirmed(.clearCache(dialog.scope))
        // The dry run's count is what the progress and a stopped clear's report measure against.
        if let id = effects.first?.requestID, let index = pending.firstIndex(where: { $0.id == id }) {
            pending[index].progress = RequestProgress(done: 0, total: preview.keyCount)
        }
        return effects
    }

    /// Runs what a confirmation dialog accepted.
    mutating func runConfirmed(_ operation: ConfirmedOperation) -> [ConsoleEffect] {
        switch operation {
        case .review(let command): return submitConfirmed(command)
        case .clearCache(let scope): return clearCache(scope)
        case .requeue(let ids): return requeue(ids)
        case .warmCache(let target): return warmCache(target)
        case .countCacheWarm(let target): return startCacheWarm(target)
        }
    }

    /// The text edit a key means in a field, if any.
    static func edit(for key: KeyEvent) -> KeyEventEdit? {
        switch key {
        case .character(let character): return .insert(character)
        case .backspace, .control("h"): return .deleteBackward
        case .control("w"): return .deleteWord
        case .control("u"): return .clear
        default: return nil
        }
    }
}
