import Foundation
import Terminal

/// Whatever sits on top of the screen: help, palette, confirmations, the cache clear dialog, the replace form.
enum OverlayView {
    static func draw(_ state: ConsoleState, into buffer: inout CellBuffer) {
        switch state.modal {
        case .none, .filter: return  // the filter is typed in the message line
        case .help(let scroll): drawHelp(state, scroll: scroll, &buffer)
        case .palette(let palette): drawPalette(state, palette, &buffer)
        case .confirm(let dialog): drawConfirm(dialog, &buffer)
        case .cacheClear(let dialog): drawCacheClear(state, dialog, &buffer)
        case .replace(let form): drawReplace(form, &buffer)
        case .search(let form): TrackSearchView.draw(state, form, &buffer)
        }
    }

    static func drawHelp(_ state: ConsoleState, scroll: Int, _ buffer: inout CellBuffer) {
        let rect = Drawing.dialogBox(&buffer, width: buffer.width - 4, height: buffer.height - 2,
                                     title: "Help · keys from the keymap · j/k scroll · any other key closes", danger: false)
        let inner = rect.inset(by: 1)
        let lines = HelpContent.lines(keymap: state.keymap, availability: state.availability) + HelpContent.legend
        let first = max(0, min(scroll, lines.count - inner.height))
        let keyWidth = min(16, inner.width / 5)
        let titleWidth = min(32, inner.width / 4)
        for (offset, line) in lines.dropFirst(first).prefix(inner.height).enumerated() {
            let row = inner.row + offset
            switch line.kind {
            case .blank: continue
            case .group:
                buffer.put(line.title, at: CellPosition(column: inner.column + 1, row: row), style: CellStyle(.helpGroup, emphasis: .bold),
                           maxWidth: inner.width - 1)
            case .action:
                let disabled = line.disabledReason != nil
                let helpText = line.disabledReason.map { "off: \($0)" } ?? line.help
                Drawing.row(&buffer, row: row, column: inner.column + 1, width: inner.width - 1, [
                    ColumnSpec(line.keys, width: keyWidth, style: CellStyle(disabled ? .disabled : .helpKey)),
                    ColumnSpec((line.dangerous ? "! " : "  ") + line.title, width: titleWidth,
                               style: CellStyle(disabled ? .disabled : (line.dangerous ? .bannerWarning : .dialog))),
                    ColumnSpec(helpText, style: CellStyle(disabled ? .disabled : .dialog)),
                ])
            }
        }
    }

    static func drawPalette(_ state: ConsoleState, _ palette: PaletteState, _ buffer: inout CellBuffer) {
        let matches = palette.matches(on: state.screen)
        let height = min(buffer.height - 4, max(6, min(matches.count, 14) + 4))
        let rect = Drawing.dialogBox(&buffer, width: min(72, buffer.width - 4), height: height,
                                     title: "Command palette · ↑↓ choose · Enter runs · Esc closes", danger: false)
        let inner = rect.inset(by: 1)
        buffer.put(":", at: CellPosition(column: inner.column, row: inner.row), style: CellStyle(.helpKey))
        Drawing.field(&buffer, palette.query.text, at: CellPosition(column: inner.column + 2, row: inner.row),
                      width: inner.width - 2)
        let listHeight = inner.height - 2
        if matches.isEmpty {
            buffer.put("No action matches", at: CellPosition(column: inner.column, row: inner.row + 2), style: CellStyle(.textDim))
            return
        }
        let first = ListView.clampedTop(0, cursor: palette.cursor, count: matches.count, height: listHeight)
        let availability = state.availability
        for (offset, action) in matches.dropFirst(first).prefix(listHeight).enumerated() {
            let row = inner.row + 2 + offset
            let reason = availability.disabledReason(action.id)
            Drawing.row(&buffer, row: row, column: inner.column, width: inner.width, [
                ColumnSpec(action.title, width: 28, style: CellStyle(reason == nil ? .dialog : .disabled)),
                ColumnSpec(state.keymap.keyLabels(for: action.id), width: 10, style: CellStyle(.helpKey)),
                ColumnSpec(reason.map { "off: \($0)" } ?? action.help, style: CellStyle(reason == nil ? .textDim : .disabled)),
            ])
            if first + offset == palette.cursor {
                Drawing.highlight(&buffer, CellRect(column: inner.column, row: row, width: inner.width, height: 1), focused: true)
            }
        }
    }

    static func drawConfirm(_ dialog: ConfirmationDialog, _ buffer: inout CellBuffer) {
        let rect = Drawing.dialogBox(&buffer, width: min(76, buffer.width - 4), height: dialog.lines.count + 6,
                                     title: "Confirm", danger: true)
        let inner = rect.inset(by: 1)
        buffer.put(dialog.title, at: CellPosition(column: inner.column + 1, row: inner.row), width: inner.width - 2,
                   style: CellStyle(.dialogDanger, emphasis: .bold))
        for (offset, line) in dialog.lines.enumerated() where inner.row + 2 + offset < inner.maxRow - 1 {
            buffer.put(line, at: CellPosition(column: inner.column + 1, row: inner.row + 2 + offset), width: inner.width - 2,
                       style: CellStyle(.dialog))
        }
        drawChoices(&buffer, inner, [("y", "yes, do it"), ("any other key", "cancel")])
    }

    static func drawChoices(_ buffer: inout CellBuffer, _ inner: CellRect, _ choices: [(String, String)]) {
        var x = inner.column + 1
        for (key, meaning) in choices {
            x += buffer.put(key, at: CellPosition(column: x, row: inner.maxRow - 1), style: CellStyle(.helpKey, emphasis: .bold))
            x += buffer.put(" \(meaning)   ", at: CellPosition(column: x, row: inner.maxRow - 1), style: CellStyle(.dialog))
        }
    }

    static func drawCacheClear(_ state: ConsoleState, _ dialog: CacheClearDialog, _ buffer: inout CellBuffer) {
        let sampleCount = min(5, dialog.preview?.sample.count ?? 0)
        let rect = Drawing.dialogBox(&buffer, width: min(76, buffer.width - 4), height: 10 + sampleCount,
                                     title: "Clear \(dialog.scope)", danger: true)
        let inner = rect.inset(by: 1)
        var lines = DialogLines(inner)
        guard let preview = dialog.preview else {
            lines.line(Drawing.spinner(state.spinnerFrame) + " Dry run: counting the keys that would go…", into: &buffer)
            if let counted = dialog.counted, let walk = counted.progress {
                lines.line("  " + walk.summary(found: "to clear") + " so far; Esc stops", .textDim, into: &buffer)
            }
            if let error = dialog.error { lines.line(error, .inputError, into: &buffer) }
            drawChoices(&buffer, inner, [("Esc", "cancel")])
            return
        }
        if preview.keyCount == 0 {
            lines.line("Dry run: no key matches. Nothing to clear.", into: &buffer)
            drawChoices(&buffer, inner, [("Enter", "close")])
            return
        }
        lines.line("Dry run: \(DisplayFormat.exact(preview.keyCount)) key(s) would be deleted (SCAN + UNLINK in batches).",
                   .dialogDanger, into: &buffer)
        lines.line("Postgres is not touched; the keys are rebuilt on the next read.", into: &buffer)
        lines.line("Sample:", into: &buffer)
        for key in preview.sample.prefix(5) { lines.line("  " + key, .textDim, into: &buffer) }
        lines.row += 1
        if dialog.scope.isWide {
            guard lines.hasRoom else { return }
            let prompt = "Type \"\(dialog.scope.confirmationPhrase)\" to confirm: "
            let used = buffer.put(prompt, at: CellPosition(column: inner.column + 1, row: lines.row), style: CellStyle(.dialog),
                                  maxWidth: inner.width / 2)
            Drawing.field(&buffer, dialog.typed.text, at: CellPosition(column: inner.column + 1 + used, row: lines.row),
                          width: max(4, inner.width - used - 2),
                          style: CellStyle(dialog.typed.text == dialog.scope.confirmationPhrase ? .input : .inputError))
            lines.row += 1
            if let error = dialog.error { lines.line(error, .inputError, into: &buffer) }
            drawChoices(&buffer, inner, [("Enter", "clear"), ("Esc", "cancel")])
        } else {
            drawChoices(&buffer, inner, [("y/Enter", "clear"), ("any other key", "cancel")])
        }
    }

    static func drawReplace(_ form: ReplaceForm, _ buffer: inout CellBuffer) {
        let rect = Drawing.dialogBox(&buffer, width: min(90, buffer.width - 4), height: 8, title: "Replace the match",
                                     danger: false)
        let inner = rect.inset(by: 1)
        buffer.put("Track: " + form.trackTitle, at: CellPosition(column: inner.column + 1, row: inner.row),
                   width: inner.width - 2, style: CellStyle(.dialog))
        buffer.put("URL: ", at: CellPosition(column: inner.column + 1, row: inner.row + 2), style: CellStyle(.dialog))
        Drawing.field(&buffer, form.url.text, at: CellPosition(column: inner.column + 6, row: inner.row + 2),
                      width: inner.width - 7)
        switch form.verdict {
        case .valid(_, let platform):
            buffer.put("✓ \(platform == .youtube ? "YouTube" : "SoundCloud") URL; Enter approves it for this track",
                       at: CellPosition(column: inner.column + 1, row: inner.row + 3), width: inner.width - 2,
                       style: CellStyle(.paneGood))
        case .invalid(let reason):
            buffer.put("✗ " + reason, at: CellPosition(column: inner.column + 1, row: inner.row + 3), width: inner.width - 2,
                       style: CellStyle(form.url.text.isEmpty ? .textDim : .inputError))
        }
        drawChoices(&buffer, inner, [("Enter", "approve URL"), ("Esc", "cancel")])
    }
}
