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

    // MARK: - Loading

    mutating func loadStores() -> [ConsoleEffect] {
        if isPending({ $0 == .loadStores }) { return [] }
        return [.loadStores(begin(.loadStores, "loading stores"))]
    }

    /// Loads the releases of the selected store when they are not the ones shown.
    mutating func followStoreSelection(force: Bool = false) -> [ConsoleEffect] {
        guard let store = stores.selected?.name else {
            releases.reset(); releasesStore = nil; tracks.reset(); tracksRelease = nil
            return []
        }
        guard force || store != releasesStore else { return [] }
        var effects = supersede { if case .loadReleases = $0 { return true } else { return false } }
        if store != releasesStore {
            releases.reset()
            tracks.reset()
            tracksRelease = nil
            effects += supersede { if case .loadTracks = $0 { return true } else { return false } }
        }
        releasesStore = store
        let id = begin(.loadReleases(store: store, mode: .first), "loading releases of \(store)")
        return effects + [.loadReleases(id, store: store, after: nil)]
    }

    /// Loads the tracks of the selected release when they are not the ones shown.
    mutating func followReleaseSelection(force: Bool = false) -> [ConsoleEffect] {
        guard let release = releases.selected else {
            tracks.reset(); tracksRelease = nil
            return []
        }
        guard force || release.discogsID != tracksRelease else { return [] }
        var effects = supersede { if case .loadTracks = $0 { return true } else { return false } }
        if release.discogsID != tracksRelease {
            tracks.reset()
            candidateCursor = 0
        }
        tracksRelease = release.discogsID
        let id = begin(.loadTracks(releaseID: release.discogsID, live: false), "loading tracks")
        effects.append(.loadTracks(id, releaseID: release.discogsID))
        return effects
    }

    /// Asks for the next page of releases when the cursor nears the end of what is loaded.
    mutating func loadMoreReleasesIfNeeded() -> [ConsoleEffect] {
        guard let store = releasesStore, releases.wantsNextPage(),
              !isPending({ if case .loadReleases = $0 { return true } else { return false } }) else { return [] }
        let id = begin(.loadReleases(store: store, mode: .nextPage), "loading more releases")
        return [.loadReleases(id, store: store, after: releases.nextPage)]
    }

    mutating func loadMoreCacheKeysIfNeeded() -> [ConsoleEffect] {
        guard cacheKeys.wantsNextPage(), !isPending({ $0 == .loadCacheKeys(mode: .nextPage) || $0 == .loadCacheKeys(mode: .first) })
        else { return [] }
        return [.loadCacheKeys(begin(.loadCacheKeys(mode: .nextPage), "scanning cache keys"), after: cacheKeys.nextPage)]
    }

    mutating func loadInventoryIfNeeded(force: Bool = false) -> [ConsoleEffect] {
        guard let store = stores.selected?.name else { return [] }
        guard force || store != inventoryStore else { return [] }
        var effects = supersede { if case .loadInventory = $0 { return true } else { return false } }
        if store != inventoryStore { inventory.reset(); syncLog = [] }
        inventoryStore = store
        let id = begin(.loadInventory(store: store, mode: .first), "loading inventory of \(store)")
        effects.append(.loadInventory(id, store: store, after: nil))
        return effects
    }

    mutating func loadMoreInventoryIfNeeded() -> [ConsoleEffect] {
        guard let store = inventoryStore, inventory.wantsNextPage(),
              !isPending({ if case .loadInventory = $0 { return true } else { return false } }) else { return [] }
        let id = begin(.loadInventory(store: store, mode: .nextPage), "loading more of \(store)")
        return [.loadInventory(id, store: store, after: inventory.nextPage)]
    }

    mutating func loadQueue() -> [ConsoleEffect] {
        let effects = supersede { if case .loadQueue = $0 { return true } else { return false } }
        let id = begin(.loadQueue(mode: .first), "loading queue (\(queueFilter.title))")
        return effects + [.loadQueue(id, queueFilter, after: nil)]
    }

    mutating func loadMoreQueueIfNeeded() -> [ConsoleEffect] {
        guard queueRows.wantsNextPage(), !isPending({ if case .loadQueue = $0 { return true } else { return false } })
        else { return [] }
        let id = begin(.loadQueue(mode: .nextPage), "loading more queue rows")
        return [.loadQueue(id, queueFilter, after: queueRows.nextPage)]
    }

    mutating func loadCacheKeysFromStart() -> [ConsoleEffect] {
        let effects = supersede { if case .loadCacheKeys = $0 { return true } else { return false } }
        cacheScan = nil
        cacheScanStopped = false
        return effects + [.loadCacheKeys(begin(.loadCacheKeys(mode: .first), "scanning cache keys"), after: nil)]
    }

    /// Reloads what the current screen shows.
    mutating func refreshScreen() -> [ConsoleEffect] {
        switch screen {
        case .review:
            var effects = loadStores()
            if releasesStore != nil { effects += followStoreSelection(force: true) }
            if tracksRelease != nil { effects += followReleaseSelection(force: true) }
            return effects
        case .inventory: return loadStores() + loadInventoryIfNeeded(force: true)
        case .cache: return loadCacheKeysFromStart()
        case .queue: return loadQueue()
        }
    }

    /// Keeps every cursor on screen after a resize or a page change.
    mutating func keepCursorsVisible() {
        let layout = ConsoleLayout(state: self)
        stores.scrollToCursor(height: screen == .inventory ? layout.inventoryStoresHeight : layout.viewportHeight(of: .stores))
        releases.scrollToCursor(height: layout.viewportHeight(of: .releases))
        tracks.scrollToCursor(height: layout.viewportHeight(of: .tracks))
        inventory.scrollToCursor(height: layout.inventoryListHeight)
        cacheKeys.scrollToCursor(height: layout.cacheListHeight)
        queueRows.scrollToCursor(height: layout.queueListHeight)
    }
}
