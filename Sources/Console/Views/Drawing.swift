import Matching
import Terminal

/// One column of a table row: text fitted to a width (nil: takes what the fixed columns leave).
struct ColumnSpec {
    var text: String
    var width: Int?
    var alignment: TerminalText.Alignment = .left
    var style: CellStyle = .text

    init(_ text: String, width: Int? = nil, _ alignment: TerminalText.Alignment = .left, style: CellStyle = .text) {
        self.text = text
        self.width = width
        self.alignment = alignment
        self.style = style
    }
}

/// A dialog's text written a line at a time, down from the top of the box's inside, one cell in from each side;
/// it stops above the last row, which holds the dialog's choices (`OverlayView.drawChoices`).
struct DialogLines {
    let inner: CellRect
    /// The row the next line goes to; a caller that draws a row of its own (a text field, a list) moves it on.
    var row: Int

    init(_ inner: CellRect) {
        self.inner = inner
        row = inner.row
    }

    /// Whether a line fits above the choices' row.
    var hasRoom: Bool { row < inner.maxRow - 1 }

    /// Writes `text` on the next row in `role`; nothing when no room is left.
    mutating func line(_ text: String, _ role: ThemeRole = .dialog, into buffer: inout CellBuffer) {
        guard hasRoom else { return }
        buffer.put(text, at: CellPosition(column: inner.column + 1, row: row), width: inner.width - 2, style: CellStyle(role))
        row += 1
    }
}

/// Small drawing routines shared by the views. Every string goes through `CellBuffer.put`, which sanitizes it
/// and cuts it by display width, so nothing here can let a title move the cursor or break the alignment.
enum Drawing {
    /// Writes `columns` left to right in `width` cells, one space between them.
    static func row(_ buffer: inout CellBuffer, row: Int, column: Int, width: Int, _ columns: [ColumnSpec]) {
        let fixed = columns.compactMap(\.width).reduce(0, +)
        let gaps = max(0, columns.count - 1)
        let flexibleCount = columns.filter { $0.width == nil }.count
        let flexible = flexibleCount == 0 ? 0 : max(0, (width - fixed - gaps) / flexibleCount)
        var x = column
        let limit = column + width
        for (offset, spec) in columns.enumerated() {
            let columnWidth = min(spec.width ?? flexible, limit - x)
            guard columnWidth > 0 else { break }
            buffer.put(spec.text, at: CellPosition(column: x, row: row), width: columnWidth,
                       alignment: spec.alignment, style: spec.style)
            x += columnWidth
            if offset < columns.count - 1 && x < limit {
                buffer.put(" ", at: CellPosition(column: x, row: row), style: spec.style)
                x += 1
            }
        }
    }

    /// A bordered pane with a title; the border is highlighted when the pane has the keys.
    static func pane(_ buffer: inout CellBuffer, _ rect: CellRect, title: String, focused: Bool) {
        buffer.box(rect, style: CellStyle(focused ? .borderFocused : .border), title: title,
                   titleStyle: CellStyle(.paneTitle, emphasis: focused ? .bold : []))
    }

    /// Restyles a row as selected. Cells that carry meaning in their colour (confidence bars, statuses, marks)
    /// keep their role and are underlined instead, so the selection never hides a low confidence.
    static func highlight(_ buffer: inout CellBuffer, _ rect: CellRect, focused: Bool) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        let role: ThemeRole = focused ? .selection : .selectionUnfocused
        for row in area.row..<area.maxRow {
            for column in area.column..<area.maxColumn {
                var cell = buffer[column, row]
                // A continuation follows its lead: setting the lead restyles both halves.
                if cell.isContinuation { continue }
                switch cell.style.role {
                case .confidenceHigh, .confidenceMedium, .confidenceLow, .statusApproved, .statusPending,
                     .statusUnmatched, .statusRejected, .marked:
                    cell.style.emphasis.insert(.underline)
                default:
                    cell.style = CellStyle(role, emphasis: cell.style.emphasis)
                }
                buffer.set(cell, column: column, row: row)
            }
        }
    }

    /// A centred, bordered box for dialogs and overlays, cleared inside.
    static func dialogBox(_ buffer: inout CellBuffer, width: Int, height: Int, title: String, danger: Bool) -> CellRect {
        let w = min(width, buffer.width - 2), h = min(height, buffer.height - 2)
        let rect = CellRect(column: (buffer.width - w) / 2, row: max(1, (buffer.height - h) / 2), width: w, height: h)
        let style = CellStyle(danger ? .dialogDanger : .dialog)
        buffer.fill(rect, style: CellStyle(.dialog))
        buffer.box(rect, style: style, title: title, titleStyle: CellStyle(danger ? .dialogDanger : .paneTitle, emphasis: .bold))
        return rect
    }

    /// A text field: the text (its tail when too long) and a block cursor after it.
    static func field(_ buffer: inout CellBuffer, _ text: String, at position: CellPosition, width: Int,
                      style: CellStyle = CellStyle(.input)) {
        guard width > 1 else { return }
        let sanitized = TerminalText.sanitize(text)
        var shown = sanitized
        while DisplayWidth.of(shown) > width - 1, !shown.isEmpty { shown.removeFirst() }
        buffer.put(shown, at: position, width: width, style: style)
        let cursorColumn = position.column + DisplayWidth.of(shown)
        buffer.put(" ", at: CellPosition(column: cursorColumn, row: position.row),
                   style: CellStyle(.input, emphasis: .reverse))
    }

    /// The theme role for a confidence value by the default policy's band (auto-approve, review, below the store
    /// threshold): the thresholds the worker writes matches by.
    static func confidenceRole(_ value: Double?) -> ThemeRole {
        guard let value else { return .textDim }
        switch MatchPolicy.default.band(of: value) {
        case .autoApprove: return .confidenceHigh
        case .review: return .confidenceMedium
        case .belowStore: return .confidenceLow
        }
    }

    static func statusRole(_ status: TrackRowStatus) -> ThemeRole {
        switch status {
        case .approved: return .statusApproved
        case .pending: return .statusPending
        case .unmatched: return .statusUnmatched
        }
    }

    static let spinnerFrames: [Character] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    static func spinner(_ frame: Int) -> String { String(spinnerFrames[abs(frame) % spinnerFrames.count]) }

    /// A "3 of 120" style position for pane titles, or the count alone.
    static func countLabel(_ count: Int, cursor: Int, more: Bool) -> String {
        count == 0 ? "0" : "\(cursor + 1)/\(count)\(more ? "+" : "")"
    }
}
