import Foundation
import Terminal

/// The frame around every screen: the header with the screen tabs and the mode, the outage banner, the message
/// line with the work in flight, and the status bar with the keys of the focused pane.
enum ChromeView {
    static func drawHeader(_ state: ConsoleState, _ rect: CellRect, _ buffer: inout CellBuffer) {
        buffer.fill(rect, style: CellStyle(.header))
        var x = rect.column
        if rect.width >= 100 {
            x += buffer.put(" Rotation ", at: CellPosition(column: x, row: rect.row), style: CellStyle(.title, emphasis: .bold))
        }
        func width(_ parts: [(String, ThemeRole)]) -> Int {
            DisplayWidth.of(TerminalText.sanitize(parts.map(\.0).joined(separator: "  ")))
        }
        var right: [(String, ThemeRole)] = []
        if state.livePaused {
            let waiting = state.changesWhilePaused.count
            right.append(("⏸ paused" + (waiting > 0 ? " (\(waiting) waiting)" : ""), .bannerWarning))
        } else {
            right.append(("● live", .paneGood))
        }
        if state.session.readOnly { right.append(("read-only", .bannerWarning)) }
        right.append((TerminalText.truncate(state.session.user, toWidth: 24), .header))
        // Every tab with its title when the tabs, the mode and the name fit; else the other tabs show their key
        // only, so that the mode (read-only, paused) is never pushed off a narrow window by the tabs.
        let tabs = ScreenRegistry.all.map { unit in
            (key: state.keymap.keyLabel(for: unit.switchAction) ?? "·", title: unit.title, active: unit.id == state.screen)
        }
        let fullWidth = tabs.reduce(0) { $0 + DisplayWidth.of(" \($1.key) \($1.title) ") }
        let compact = x + fullWidth + 2 + width(right) >= rect.maxColumn
        for tab in tabs {
            let label = compact && !tab.active ? " \(tab.key) " : " \(tab.key) \(tab.title) "
            x += buffer.put(label, at: CellPosition(column: x, row: rect.row),
                            style: CellStyle(tab.active ? .selection : .header, emphasis: tab.active ? .bold : []))
        }
        // The mode matters more than the name: on a narrow window the user name goes first.
        if rect.maxColumn - width(right) - 1 <= x + 1 { right.removeLast() }
        var column = rect.maxColumn - width(right) - 1
        guard column > x + 1 else { return }
        for (offset, part) in right.enumerated() {
            column += buffer.put(part.0, at: CellPosition(column: column, row: rect.row), style: CellStyle(part.1))
            if offset < right.count - 1 { column += buffer.put("  ", at: CellPosition(column: column, row: rect.row), style: CellStyle(.header)) }
        }
    }

    /// The outage banner: what is down and what that turns off.
    static func bannerText(_ health: HealthSnapshot) -> (String, ThemeRole)? {
        let postgres = health.postgres, redis = health.redis
        func problem(_ tier: TierStatus) -> String { tier.problem.map { " (\($0))" } ?? "" }
        switch (postgres.isUp, redis.isUp) {
        case (true, true): return nil
        case (false, false):
            return ("Postgres and Redis down\(problem(postgres)): every change is off; data shown may be stale; reconnecting…",
                    .bannerError)
        case (false, true):
            return ("Postgres down\(problem(postgres)): reviews and queue changes off; data may be stale",
                    .bannerError)
        case (true, false):
            return ("Redis down\(problem(redis)): decisions still save (cache repaired later); cache clears off; reconnecting…",
                    .bannerWarning)
        }
    }

    static func drawBanner(_ state: ConsoleState, _ rect: CellRect, _ buffer: inout CellBuffer) {
        guard let (text, role) = bannerText(state.health) else { return }
        buffer.fill(rect, style: CellStyle(role))
        buffer.put(" ⚠ " + text, at: CellPosition(column: rect.column, row: rect.row), width: rect.width, style: CellStyle(role))
    }

    /// Left: the filter being typed, else the message, else the live announcement. Right: work in flight.
    static func drawMessage(_ state: ConsoleState, _ rect: CellRect, _ buffer: inout CellBuffer) {
        var rightText = ""
        if let first = state.pending.first {
            rightText = Drawing.spinner(state.spinnerFrame) + " " + first.label
            if let progress = first.progress, progress.total > 0 {
                rightText += " \(progress.done * 100 / progress.total)% of \(DisplayFormat.count(progress.total))"
            } else {
                rightText += "…"
            }
            if state.pending.count > 1 { rightText += " +\(state.pending.count - 1)" }
        }
        let rightWidth = min(rect.width / 2, DisplayWidth.of(TerminalText.sanitize(rightText)))
        let leftWidth = rect.width - rightWidth - (rightWidth > 0 ? 1 : 0)
        let position = CellPosition(column: rect.column, row: rect.row)
        if case .filter(let field) = state.modal {
            buffer.put("/", at: position, style: CellStyle(.helpKey))
            Drawing.field(&buffer, field.text, at: CellPosition(column: rect.column + 1, row: rect.row),
                          width: max(2, leftWidth - 30))
            buffer.put("Enter keeps · Esc clears", at: CellPosition(column: rect.column + max(2, leftWidth - 28), row: rect.row),
                       style: CellStyle(.textDim), maxWidth: 28)
        } else if let message = state.message {
            let role: ThemeRole
            switch message.severity {
            case .info: role = .bannerInfo
            case .success: role = .paneGood
            case .warning: role = .bannerWarning
            case .error: role = .bannerError
            }
            buffer.put(message.text, at: position, width: leftWidth, style: CellStyle(role))
        } else if let announcement = state.announcement {
            buffer.put("↻ " + announcement.text, at: position, width: leftWidth, style: CellStyle(.bannerInfo))
        }
        if rightWidth > 0 {
            buffer.put(rightText, at: CellPosition(column: rect.maxColumn - rightWidth, row: rect.row), width: rightWidth,
                       alignment: .right, style: CellStyle(.textDim))
        }
    }

    /// The actions worth a hint in the current context, most useful first: the focused screen's, then the shared.
    static func hintActions(_ state: ConsoleState, _ screen: any ScreenUnit.Type) -> [ActionID] {
        screen.hints(state) + [.toggleLive, .palette, .help, .quit]
    }

    /// Key hints generated from the keymap; disabled actions are dimmed (the palette and help say why).
    static func drawStatusBar(_ state: ConsoleState, _ rect: CellRect, _ buffer: inout CellBuffer) {
        buffer.fill(rect, style: CellStyle(.statusBar))
        var x = rect.column + 1
        let availability = state.availability
        let screen = state.focusedScreen
        // Each hint's key and title once per frame (nil: the action has no key).
        let hints = hintActions(state, screen).map { action -> (action: ActionID, key: String, title: String)? in
            state.keymap.keyLabel(for: action).map { (action, $0, hintTitle(state, action, screen)) }
        }
        func width(_ hint: (action: ActionID, key: String, title: String)?) -> Int {
            hint.map { DisplayWidth.of($0.key) + 1 + DisplayWidth.of($0.title) + 2 } ?? 0
        }
        // Help and quit always fit: reserve their room first.
        let reserved = hints.suffix(2).reduce(0) { $0 + width($1) }
        for (index, hint) in hints.enumerated() {
            guard let hint else { continue }
            let width = width(hint)
            let isTail = index >= hints.count - 2
            if !isTail && x + width + reserved > rect.maxColumn { continue }
            if x + width > rect.maxColumn { break }
            let enabled = availability.isEnabled(hint.action)
            x += buffer.put(hint.key, at: CellPosition(column: x, row: rect.row),
                            style: CellStyle(enabled ? .statusKey : .disabled, emphasis: enabled ? .bold : []))
            x += buffer.put(" " + hint.title + "  ", at: CellPosition(column: x, row: rect.row),
                            style: CellStyle(enabled ? .statusBar : .disabled))
        }
    }

    /// Short titles for the status bar, where room is scarce; the help screen and palette use the full ones.
    static func hintTitle(_ state: ConsoleState, _ action: ActionID, _ screen: any ScreenUnit.Type) -> String {
        if let title = screen.shortTitle(action, state) { return title }
        switch action {
        case .toggleLive: return state.livePaused ? "Resume" : "Pause"
        case .focusNext: return "Pane"
        default: return ActionCatalog.descriptor(action).title
        }
    }
}
