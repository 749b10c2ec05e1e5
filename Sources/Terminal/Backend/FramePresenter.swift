/// Sends frames to a backend: diffs each new buffer against the last one shown and draws only the changes. When
/// the window is smaller than `minimumSize` it shows a short message instead of a garbled layout.
public final class FramePresenter {
    public let backend: any TerminalBackend
    public let minimumSize: TerminalSize
    private var shown: CellBuffer?

    public struct Statistics: Equatable, Sendable {
        public var cellsWritten: Int
        public var runs: Int
        public var fullRedraw: Bool
    }

    public init(backend: any TerminalBackend, minimumSize: TerminalSize = TerminalSize(columns: 60, rows: 16)) {
        self.backend = backend
        self.minimumSize = minimumSize
    }

    /// True when the backend's size can hold the console layout.
    public var sizeIsUsable: Bool { backend.size.fits(minimumSize) }

    /// Forces the next `present` to repaint every cell (after a resize, a theme change, or a screen disturbed by
    /// something else).
    public func invalidate() { shown = nil }

    /// Draws `frame` (built for `backend.size`), or the too-small message when the window is too small.
    @discardableResult
    public func present(_ frame: CellBuffer, cursor: CellPosition? = nil) -> Statistics {
        let next = sizeIsUsable ? frame : tooSmallFrame(size: backend.size)
        let fullRedraw = shown == nil || shown?.size != next.size
        if fullRedraw { backend.clear() }
        let runs = BufferDiff.changes(from: fullRedraw ? nil : shown, to: next)
        if !runs.isEmpty { backend.draw(runs) }
        backend.setCursor(sizeIsUsable ? cursor : nil)
        backend.flush()
        shown = next
        return Statistics(cellsWritten: BufferDiff.writtenCellCount(runs), runs: runs.count, fullRedraw: fullRedraw)
    }

    /// Renders with `render` into a fresh buffer of the backend's size (cleared to the `text` role) and presents it.
    @discardableResult
    public func present(cursor: CellPosition? = nil, _ render: (inout CellBuffer) -> Void) -> Statistics {
        var buffer = CellBuffer(size: backend.size)
        if sizeIsUsable { render(&buffer) }
        return present(buffer, cursor: cursor)
    }

    /// A centred explanation that the window is too small.
    public func tooSmallFrame(size: TerminalSize) -> CellBuffer {
        var buffer = CellBuffer(size: size)
        let lines = [
            "Window too small: \(size.columns)x\(size.rows)",
            "Need at least \(minimumSize.columns)x\(minimumSize.rows).",
            "Enlarge the window or press q to quit.",
        ]
        let top = max(0, (size.rows - lines.count) / 2)
        for (offset, line) in lines.enumerated() where top + offset < size.rows {
            let column = max(0, (size.columns - line.count) / 2)
            buffer.put(line, at: CellPosition(column: column, row: top + offset),
                       style: CellStyle(offset == 0 ? .bannerWarning : .text))
        }
        return buffer
    }
}
