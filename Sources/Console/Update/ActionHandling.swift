import Foundation
import Terminal

/// Keys and actions: the application's and navigation's own, the rest handed to the focused screen's unit.
extension ConsoleState {
    mutating func handleKey(_ key: KeyEvent) -> [ConsoleEffect] {
        // Ctrl-C interrupts running long work (a cache browse or clear) before it means its bound action (quit).
        if key == .control("c") {
            if case .cacheClear? = modal, let modal { return handleModalKey(.escape, modal) }
            if modal == nil {
                for unit in ScreenRegistry.all {
                    if let effects = unit.interrupt(&self) { return effects }
                }
            }
        }
        if let modal { return handleModalKey(key, modal) }
        guard let action = keymap.action(for: key, on: screen) else {
            if key != .resize {
                say("\(key.displayName) does nothing on the \(screen.title) screen; ? lists the keys")
            }
            return []
        }
        return perform(action)
    }

    /// Runs an action chosen by key or palette, unless it is disabled (then says why).
    mutating func perform(_ action: ActionID) -> [ConsoleEffect] {
        let descriptor = ActionCatalog.descriptor(action)
        guard descriptor.applies(to: screen) else {
            say("\(descriptor.title) works on the \(descriptor.screens.map(\.title).sorted().joined(separator: ", ")) screen")
            return []
        }
        if let reason = availability.disabledReason(action) {
            say("\(descriptor.title) is disabled: \(reason)", .warning)
            return []
        }
        if action != .quit { quitRequested = false }
        if let target = ScreenRegistry.screen(switchedToBy: action) { return switchScreen(target) }
        switch action {
        case .quit:
            if pending.contains(where: \.isWrite) && !quitRequested {
                quitRequested = true
                say("A change is still being saved; press \(keymap.keyLabel(for: .quit) ?? "q") again to quit anyway", .warning)
                return []
            }
            isRunning = false
            return []
        case .help: modal = .help(scroll: 0); return []
        case .palette: modal = .palette(PaletteState()); return []
        case .filter: modal = .filter(TextField(focusedFilter, limit: 120)); return []
        case .cycleTheme:
            let index = themeNames.firstIndex(of: themeName) ?? -1
            themeName = themeNames[(index + 1) % themeNames.count]
            say("Theme: \(themeName)")
            return []
        case .toggleLive: return toggleLive()
        case .refresh: return refreshScreen()
        case .cancel: return focusedScreen.cancel(&self)
        case .moveDown: return focusedScreen.moveCursor(by: 1, &self)
        case .moveUp: return focusedScreen.moveCursor(by: -1, &self)
        case .pageDown: return focusedScreen.moveCursor(by: pageSize, &self)
        case .pageUp: return focusedScreen.moveCursor(by: -pageSize, &self)
        case .top: return focusedScreen.moveCursor(by: Int.min / 2, &self)
        case .bottom: return focusedScreen.moveCursor(by: Int.max / 2, &self)
        case .focusLeft: focusedScreen.moveFocus(by: -1, wrapping: false, &self); return []
        case .focusRight: focusedScreen.moveFocus(by: 1, wrapping: false, &self); return []
        case .focusNext: focusedScreen.moveFocus(by: 1, wrapping: true, &self); return []
        case .focusPrevious: focusedScreen.moveFocus(by: -1, wrapping: true, &self); return []
        case .open: return focusedScreen.open(&self)
        default: return focusedScreen.perform(action, &self) ?? []
        }
    }

    // MARK: - Application

    mutating func switchScreen(_ target: ConsoleScreen) -> [ConsoleEffect] {
        guard target != screen else { return [] }
        screen = target
        return focusedScreen.enter(&self)
    }

    /// The cancel key's last resort on any screen: clear the focused filter, else the message.
    mutating func clearFilterOrMessage() -> [ConsoleEffect] {
        if !focusedFilter.isEmpty {
            setFocusedFilter("")
            say("Filter cleared")
        } else {
            message = nil
        }
        return []
    }

    mutating func toggleLive() -> [ConsoleEffect] {
        livePaused.toggle()
        if livePaused {
            say("Live updates paused; \(keymap.keyLabel(for: .toggleLive) ?? "p") resumes")
            return []
        }
        let waiting = changesWhilePaused
        changesWhilePaused = []
        say(waiting.isEmpty ? "Live updates on" : "Live updates on; applying \(waiting.count) change(s)")
        return applyLiveChanges(Array(waiting))
    }

    // MARK: - Cursor and filter

    var pageSize: Int { focusedScreen.pageSize(self, ConsoleLayout(state: self)) }

    /// The filter of the list that has the keys.
    var focusedFilter: String { focusedScreen.focusedFilter(self) }

    mutating func setFocusedFilter(_ text: String) {
        focusedScreen.setFocusedFilter(text, &self)
        keepCursorsVisible()
    }
}
