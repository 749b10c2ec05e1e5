import Foundation
import Matching
import Terminal

/// The calibration screen: the report's text (`CalibrationText`, the lines `rotation matcher calibrate` prints) in
/// one pane, scrolled, with the bands' chart and the suggestion picked out by role.
enum CalibrationView {
    static func lines(_ slice: CalibrationScreenState) -> [String] {
        guard let report = slice.report else { return [] }
        return CalibrationText.lines(report)
    }

    static func draw(_ state: ConsoleState, layout: ConsoleLayout, into buffer: inout CellBuffer) {
        let slice = state.calibration
        var title = "Calibration"
        if let report = slice.report {
            title += " · \(report.decided) reviewed proposals · threshold now \(CalibrationText.number(report.settings.currentThreshold))"
        }
        if let loadedAt = slice.loadedAt { title += " · \(DisplayFormat.clock(loadedAt))" }
        Drawing.pane(&buffer, layout.main, title: title, focused: true)
        let inner = layout.main.inset(by: 1)
        let text = lines(slice)
        guard !text.isEmpty else {
            let note = slice.loadFailed ? "Not loaded (the status bar says why); the refresh key tries again" : "Loading…"
            buffer.put(note, at: CellPosition(column: inner.column, row: inner.row), width: inner.width,
                       style: CellStyle(.textDim))
            return
        }
        let top = max(0, min(slice.top, text.count - 1))
        for (offset, line) in text[top..<min(text.count, top + layout.calibrationHeight)].enumerated() {
            buffer.put(line, at: CellPosition(column: inner.column, row: inner.row + offset), width: inner.width,
                       style: CellStyle(style(of: line)))
        }
    }

    /// Headers as headers, the suggestion as good news or a warning, the rest as text.
    private static func style(of line: String) -> ThemeRole {
        if line.hasPrefix("Band") || line.hasPrefix("Threshold") { return .header }
        if line.hasPrefix("Suggested") { return .paneGood }
        if line.hasPrefix("No suggestion") { return .paneBad }
        if line.hasPrefix("█ share approved") { return .textDim }
        return .text
    }
}
