/// What the console needs from a terminal. `NcursesTerminal` is the real one, `MemoryTerminal` the one for tests.
/// Backends are used from one thread (the UI thread) and are not `Sendable`.
public protocol TerminalBackend: AnyObject {
    /// The current size in cells.
    var size: TerminalSize { get }
    /// How many colours styles are degraded to.
    var colorCapability: ColorCapability { get }
    /// Sets the theme used to draw cell roles. Callers redraw everything afterwards (`FramePresenter.invalidate`).
    func setTheme(_ theme: Theme)
    /// Forgets what is on screen; the next `draw` paints every cell it is given.
    func clear()
    /// Draws runs of cells (continuation cells are skipped; the lead cell of a wide character covers both).
    func draw(_ runs: [CellRun])
    /// Shows the cursor at `position`, or hides it with nil.
    func setCursor(_ position: CellPosition?)
    /// Makes what was drawn visible.
    func flush()
    /// Waits up to `timeout` (nil: forever) for a key; nil when none came or the wait was woken.
    func readKey(timeout: Duration?) -> KeyEvent?
    /// Ends a `readKey` wait early from another thread; nil for backends whose reads never wait.
    var waker: TerminalWaker? { get }
}

extension TerminalBackend {
    public var waker: TerminalWaker? { nil }
}
