import Foundation
import Terminal

/// Renders the whole console: a pure function from state to a cell buffer of `state.size`. `FramePresenter`
/// diffs the result against what is on screen, so a cursor move writes a handful of cells.
public enum ConsoleView {
    public static func render(_ state: ConsoleState) -> CellBuffer {
        var buffer = CellBuffer(size: state.size)
        render(state, into: &buffer)
        return buffer
    }

    public static func render(_ state: ConsoleState, into buffer: inout CellBuffer) {
        let layout = ConsoleLayout(state: state)
        if layout.isTooSmall {
            drawTooSmall(state.size, &buffer)
            return
        }
        ChromeView.drawHeader(state, layout.header, &buffer)
        if let banner = layout.banner { ChromeView.drawBanner(state, banner, &buffer) }
        state.focusedScreen.draw(state, layout, &buffer)
        LivePanesView.draw(state, layout: layout, into: &buffer)
        ChromeView.drawMessage(state, layout.message, &buffer)
        ChromeView.drawStatusBar(state, layout.statusBar, &buffer)
        OverlayView.draw(state, into: &buffer)
    }

    /// A plain explanation instead of a garbled layout.
    static func drawTooSmall(_ size: TerminalSize, _ buffer: inout CellBuffer) {
        let minimum = ConsoleLayout.minimumSize
        let lines = ["Window too small: \(size.columns)x\(size.rows)",
                     "The console needs at least \(minimum.columns)x\(minimum.rows).",
                     "Enlarge the window, or press q to quit."]
        let top = max(0, (size.rows - lines.count) / 2)
        for (offset, line) in lines.enumerated() where top + offset < size.rows {
            let column = max(0, (size.columns - line.count) / 2)
            buffer.put(line, at: CellPosition(column: column, row: top + offset),
                       style: CellStyle(offset == 0 ? .bannerWarning : .text))
        }
    }
}
