import Foundation
import Synchronization
import Terminal

/// Where effects go to be run: the lead's adapter over the Rotation service implements this. `ConsoleApp` calls
/// `perform` on a background queue (writes one at a time in order, reads side by side), never on the UI thread,
/// so an implementation may block on the network. Every answer, including failures, is posted to `events`.
public protocol ConsoleEffectHandler: Sendable {
    func perform(_ effect: ConsoleEffect, events: ConsoleEventInbox)
}

/// A thread-safe queue of events for the UI thread. Effect handlers post answers here, and live feeds (health,
/// cache and queue samplers, the NOTIFY listener) post what they observe.
public final class ConsoleEventInbox: Sendable {
    // A lock rather than an actor: posting must work from plain threads (libpq, hiredis callbacks) without async.
    private struct Queue {
        var events: [ConsoleEvent] = []
        var waker: TerminalWaker?
    }
    private let queue = Mutex(Queue())

    public init() {}

    public func post(_ event: ConsoleEvent) {
        let waker = queue.withLock { queue in
            queue.events.append(event)
            return queue.waker
        }
        waker?.wake()
    }

    /// Who to wake when an event is posted: the UI thread's key wait, so answers show without waiting for a key.
    public func wakeOnPost(_ waker: TerminalWaker?) {
        queue.withLock { $0.waker = waker }
    }

    /// Takes every event posted so far, oldest first.
    public func drain() -> [ConsoleEvent] {
        queue.withLock { queue in
            let taken = queue.events
            queue.events.removeAll(keepingCapacity: true)
            return taken
        }
    }

    public var isEmpty: Bool { queue.withLock { $0.events.isEmpty } }
}
