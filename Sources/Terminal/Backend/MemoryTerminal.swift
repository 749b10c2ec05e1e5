/// A terminal in memory for tests: it keeps the screen as a `CellBuffer`, counts what was written, and plays back
/// queued keys.
public final class MemoryTerminal: TerminalBackend {
    public private(set) var size: TerminalSize
    public let colorCapability: ColorCapability
    /// The screen as drawn so far.
    public private(set) var screen: CellBuffer
    public private(set) var theme: ResolvedTheme
    /// Cells written by `draw` since creation or the last `resetCounters`.
    public private(set) var cellsWritten = 0
    public private(set) var drawCalls = 0
    public private(set) var flushes = 0
    public private(set) var clears = 0
    public private(set) var cursor: CellPosition?
    private var pendingKeys: [KeyEvent] = []

    public init(size: TerminalSize = TerminalSize(columns: 80, rows: 24), colorCapability: ColorCapability = .full256,
                theme: Theme = .fallback) {
        self.size = size
        self.colorCapability = colorCapability
        self.screen = CellBuffer(size: size)
        self.theme = theme.resolved(for: colorCapability)
    }

    public func setTheme(_ theme: Theme) { self.theme = theme.resolved(for: colorCapability) }

    public func clear() {
        clears += 1
        screen = CellBuffer(size: size)
    }

    public func draw(_ runs: [CellRun]) {
        drawCalls += 1
        for run in runs {
            for (offset, cell) in run.cells.enumerated() where !cell.isContinuation {
                screen.set(cell, column: run.column + offset, row: run.row)
                cellsWritten += 1
            }
        }
    }

    public func setCursor(_ position: CellPosition?) { cursor = position }
    public func flush() { flushes += 1 }

    public func readKey(timeout: Duration?) -> KeyEvent? {
        pendingKeys.isEmpty ? nil : pendingKeys.removeFirst()
    }

    // MARK: - Test controls

    /// Queues keys for `readKey`.
    public func enqueue(_ keys: KeyEvent...) { pendingKeys.append(contentsOf: keys) }
    public func enqueue(_ keys: [KeyEvent]) { pendingKeys.append(contentsOf: keys) }

    /// Changes the size as a window resize would, and queues `.resize`.
    public func resize(to newSize: TerminalSize) {
        size = newSize
        screen = CellBuffer(size: newSize)
        pendingKeys.append(.resize)
    }

    public func resetCounters() {
        cellsWritten = 0
        drawCalls = 0
        flushes = 0
        clears = 0
    }

    /// The screen as lines of text.
    public var lines: [String] { screen.lines }
    /// The screen as one string, trailing spaces trimmed from each line (for golden comparisons).
    public var text: String {
        screen.lines.map { line in String(line.reversed().drop(while: { $0 == " " }).reversed()) }
            .joined(separator: "\n")
    }

    /// The resolved style at a position (role style plus emphasis under this terminal's capability).
    public func style(atColumn column: Int, row: Int) -> ThemeStyle {
        theme.style(for: screen[column, row].style)
    }
}
