import Foundation
import Terminal

/// The event loop: reads keys with a short timeout, applies them and the events posted by handlers and feeds to
/// the state, hands effects to the `ConsoleEffectHandler` off the UI thread, and presents the rendered frame
/// through a diff. The UI thread never waits on the network: the longest it blocks is the key-read timeout.
///
/// Create and run it on one thread (the backend is not thread-safe); post events from anywhere via `inbox`.
public final class ConsoleApp {
    public private(set) var state: ConsoleState
    /// Post events here from any thread (answers, live feeds).
    public let inbox: ConsoleEventInbox
    public let presenter: FramePresenter
    private let backend: any TerminalBackend
    private let handler: any ConsoleEffectHandler
    private let themes: ThemeCatalog?
    private let clock: @Sendable () -> Date
    private let reads = DispatchQueue(label: "rotation.console.reads", attributes: .concurrent)
    private let writes = DispatchQueue(label: "rotation.console.writes")
    private var appliedTheme: String?
    private var lastTick = Date.distantPast
    private var needsRender = true

    /// - Parameters:
    ///   - state: the initial state (session, keymap, theme names, thresholds); its size is replaced by the
    ///     backend's.
    ///   - themes: where `state.themeName` is looked up when the user cycles themes; nil keeps the backend's theme.
    ///   - clock: the time fed to `update` through `.tick` (tests pass a fixed one).
    public init(state: ConsoleState, backend: any TerminalBackend, handler: any ConsoleEffectHandler,
                themes: ThemeCatalog? = nil, inbox: ConsoleEventInbox = ConsoleEventInbox(),
                clock: @escaping @Sendable () -> Date = { Date() }) {
        var initial = state
        initial.size = backend.size
        initial.now = clock()
        self.state = initial
        self.backend = backend
        self.handler = handler
        self.themes = themes
        self.inbox = inbox
        self.clock = clock
        self.presenter = FramePresenter(backend: backend, minimumSize: ConsoleLayout.minimumSize)
        inbox.wakeOnPost(backend.waker)
        self.appliedTheme = themes == nil ? state.themeName : nil
    }

    /// Runs until the user quits, then waits (up to `writeGrace`) for decisions still being saved, so quitting
    /// right after a key never abandons a write halfway through its round trip.
    public func run(writeGrace: Duration = .seconds(5)) {
        send(.started)
        renderIfNeeded()  // the first frame before any key wait
        while state.isRunning { step() }
        _ = waitForWrites(timeout: writeGrace)
    }

    /// Blocks until every write handed to the handler so far has finished, or `timeout` passes; false on timeout.
    public func waitForWrites(timeout: Duration) -> Bool {
        let done = DispatchSemaphore(value: 0)
        writes.async { done.signal() }
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        return done.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success
    }

    /// One turn of the loop: a key (waiting at most `keyTimeout`), the posted events, the clock, a frame.
    /// Returns false once the user has quit.
    @discardableResult
    public func step(keyTimeout: Duration? = nil) -> Bool {
        let timeout = keyTimeout ?? (state.pending.isEmpty ? .milliseconds(80) : .milliseconds(30))
        if let key = backend.readKey(timeout: timeout) {
            if key == .resize {
                presenter.invalidate()
                send(.resized(backend.size))
            } else {
                send(.key(key))
            }
        }
        for event in inbox.drain() { send(event) }
        let now = clock()
        let tickInterval: TimeInterval = state.pending.isEmpty ? 1 : 0.1
        if now.timeIntervalSince(lastTick) >= tickInterval {
            lastTick = now
            send(.tick(now))
        }
        renderIfNeeded()
        return state.isRunning
    }

    /// Applies one event on the UI thread and dispatches its effects.
    public func send(_ event: ConsoleEvent) {
        let before = state
        let effects = ConsoleUpdate.update(&state, event)
        if state != before { needsRender = true }
        for effect in effects { dispatch(effect) }
    }

    private func dispatch(_ effect: ConsoleEffect) {
        let handler = self.handler, inbox = self.inbox
        let queue = effect.isWrite ? writes : reads
        queue.async { handler.perform(effect, events: inbox) }
    }

    private func renderIfNeeded() {
        if state.themeName != appliedTheme, let themes {
            let (theme, problem) = themes.select(state.themeName)
            backend.setTheme(theme)
            presenter.invalidate()
            appliedTheme = state.themeName
            needsRender = true
            if let problem { send(.themeNotApplied(problem: problem)) }
        }
        guard needsRender else { return }
        needsRender = false
        presenter.present(ConsoleView.render(state))
    }
}
