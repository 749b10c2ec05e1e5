import Foundation
import Terminal

/// The console's logic: `update(state, event)` changes the state and returns the effects to run. It does no I/O
/// and reads no clock (time comes in `.tick`), so every behaviour is testable with events in and effects out.
public enum ConsoleUpdate {
    /// Applies `event` to `state` and returns what should happen outside.
    public static func update(_ state: inout ConsoleState, _ event: ConsoleEvent) -> [ConsoleEffect] {
        state.apply(event)
    }

    /// The value-returning form, convenient in tests.
    public static func updated(_ state: ConsoleState, _ event: ConsoleEvent) -> (state: ConsoleState, effects: [ConsoleEffect]) {
        var copy = state
        let effects = copy.apply(event)
        return (copy, effects)
    }

    /// How long success and information messages stay.
    static let messageLifetime: TimeInterval = 5
}

extension ConsoleState {
    mutating func apply(_ event: ConsoleEvent) -> [ConsoleEffect] {
        let effects = respond(to: event)
        markWrites(effects)
        return effects
    }

    private mutating func respond(to event: ConsoleEvent) -> [ConsoleEffect] {
        switch event {
        case .started:
            return loadStores()
        case .key(let key):
            if key == .resize { return [] }
            return handleKey(key)
        case .resized(let newSize):
            size = newSize
            keepCursorsVisible()
            return []
        case .tick(let date):
            now = date
            if !pending.isEmpty { spinnerFrame &+= 1 }
            if let expiry = message?.expiresAt, expiry <= date { message = nil }
            if let expiry = announcement?.expiresAt, expiry <= date { announcement = nil }
            return []
        case .sessionChanged(let newSession):
            session = newSession
            return []
        case .healthChanged(let snapshot):
            let postgresCameBack = !health.postgres.isUp && snapshot.postgres.isUp
            health = snapshot
            // Whatever was on screen may be stale after an outage: reload it once Postgres answers again.
            return postgresCameBack ? refreshScreen() : []
        case .cacheStatsSampled(let snapshot):
            cacheStats = snapshot
            opsHistory = Array((opsHistory + [snapshot.opsPerSecond ?? 0]).suffix(Self.historyLength))
            return []
        case .queueStatsSampled(let snapshot):
            queueStats = snapshot
            throughputHistory = Array((throughputHistory + [snapshot.throughputPerMinute]).suffix(Self.historyLength))
            return []
        case .dataChanged(let changes):
            return receiveLiveChanges(changes)
        case .themeNotApplied(let problem):
            message = StatusMessage(problem, severity: .warning)
            return []
        case .liveUpdatesDegraded(let note):
            message = StatusMessage(note, severity: .warning)
            return []
        default:
            return applyAnswer(event)
        }
    }

    // MARK: - Requests

    /// Registers a request in flight and returns its id.
    mutating func begin(_ kind: PendingRequestKind, _ label: String) -> RequestID {
        let id = RequestID(nextRequestNumber)
        nextRequestNumber += 1
        pending.append(PendingRequest(id: id, kind: kind, label: label, startedAt: now))
        return id
    }

    /// Marks the requests in flight that `effects` write for, so a quit knows a change is still being saved.
    private mutating func markWrites(_ effects: [ConsoleEffect]) {
        for effect in effects where effect.isWrite {
            if let index = pending.firstIndex(where: { $0.id == effect.requestID }) { pending[index].isWrite = true }
        }
    }

    /// Removes a finished request; nil when nobody waits for it any more (superseded or cancelled).
    mutating func finish(_ id: RequestID) -> PendingRequest? {
        guard let index = pending.firstIndex(where: { $0.id == id }) else { return nil }
        return pending.remove(at: index)
    }

    /// Forgets requests of a kind the user moved away from and tells the handler it may stop them.
    mutating func supersede(where matches: (PendingRequestKind) -> Bool) -> [ConsoleEffect] {
        let stale = pending.filter { matches($0.kind) }
        pending.removeAll { matches($0.kind) }
        return stale.map { .cancel($0.id) }
    }

    mutating func say(_ text: String, _ severity: StatusMessage.Severity = .info) {
        let lasting = severity == .error || severity == .warning
        message = StatusMessage(text, severity: severity,
                                expiresAt: lasting ? now.addingTimeInterval(3 * ConsoleUpdate.messageLifetime)
                                                   : now.addingTimeInterval(ConsoleUpdate.messageLifetime))
    }

    // MARK: - Loading and the focused screen

    mutating func loadStores() -> [ConsoleEffect] {
        if isPending({ $0 == .loadStores }) { return [] }
        return [.loadStores(begin(.loadStores, "loading stores"))]
    }

    /// The unit of the screen that has the keys.
    var focusedScreen: any ScreenUnit.Type { ScreenRegistry.unit(for: screen) }

    /// Reloads what the current screen shows.
    mutating func refreshScreen() -> [ConsoleEffect] { focusedScreen.refresh(&self) }

    /// Keeps every cursor on screen after a resize or a page change.
    mutating func keepCursorsVisible() {
        let layout = ConsoleLayout(state: self)
        // The stores list is shared: the focused screen's height when it shows it, else the first screen's that does.
        if let height = focusedScreen.storesListHeight(layout)
            ?? ScreenRegistry.all.lazy.compactMap({ $0.storesListHeight(layout) }).first {
            stores.scrollToCursor(height: height)
        }
        for unit in ScreenRegistry.all { unit.keepCursorsVisible(&self, layout) }
    }
}
