import Foundation
import Terminal

/// Where effects go to be run: the lead's adapter over the Rotation service implements this. `ConsoleApp` calls
/// `perform` on a background queue (writes one at a time in order, reads side by side), never on the UI thread,
/// so an implementation may block on the network. Every answer, including failures, is posted to `events`.
public protocol ConsoleEffectHandler: Sendable {
    func perform(_ effect: ConsoleEffect, events: ConsoleEventInbox)
}

/// A thread-safe queue of events for the UI thread. Effect handlers post answers here, and live feeds (health,
/// cache and queue samplers, the NOTIFY listener) post what they observe.
public final class ConsoleEventInbox: @unchecked Sendable {
    // A lock rather than an actor: posting must work from plain threads (libpq, hiredis callbacks) without async.
    private let lock = NSLock()
    private var events: [ConsoleEvent] = []

    public init() {}

    private var waker: TerminalWaker?

    public func post(_ event: ConsoleEvent) {
        lock.lock()
        events.append(event)
        let waker = self.waker
        lock.unlock()
        waker?.wake()
    }

    /// Who to wake when an event is posted: the UI thread's key wait, so answers show without waiting for a key.
    public func wakeOnPost(_ waker: TerminalWaker?) {
        lock.lock()
        self.waker = waker
        lock.unlock()
    }

    /// Takes every event posted so far, oldest first.
    public func drain() -> [ConsoleEvent] {
        lock.lock()
        defer { lock.unlock() }
        let taken = events
        events.removeAll(keepingCapacity: true)
        return taken
    }

    public var isEmpty: Bool {
        lock.lock()
        defer { lock.unlock() }
        return events.isEmpty
    }
}
