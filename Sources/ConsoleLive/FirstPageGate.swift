import Console
import Synchronization

/// Passes every effect to `handler` and runs `afterFirstPage` once, as soon as the first screen's reads have been
/// answered: the first effect past a non-empty stores list (the first store's releases, in practice), a stores list
/// that failed or came back empty, or whatever the user asked for first. The console's other connections (the live
/// feeds, the grants probe) start then, so that the connection that reads the first page opens alone and does not
/// share the two cores with their authentications (issue 13, first paint).
public final class FirstPageGate: ConsoleEffectHandler, Sendable {
    private let handler: any ConsoleEffectHandler
    private let pending: Mutex<(@Sendable () -> Void)?>

    public init(_ handler: any ConsoleEffectHandler, afterFirstPage: @escaping @Sendable () -> Void) {
        self.handler = handler
        pending = Mutex(afterFirstPage)
    }

    public func perform(_ effect: ConsoleEffect, events: ConsoleEventInbox) {
        guard case .loadStores = effect else {
            handler.perform(effect, events: events)
            open()
            return
        }
        // The stores list is answered on this thread: its answer passes through here on its way to the console.
        let answers = ConsoleEventInbox()
        handler.perform(effect, events: answers)
        let posted = answers.drain()
        posted.forEach(events.post)
        let listedAStore = posted.contains { event in
            if case .storesLoaded(_, let stores) = event { !stores.isEmpty } else { false }
        }
        if !listedAStore { open() }
    }

    private func open() {
        pending.withLock { $0.take() }?()
    }
}
