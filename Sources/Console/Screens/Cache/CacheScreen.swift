import Terminal

extension ConsoleScreen {
    /// Browse and clear `match:*` keys.
    public static let cache = ConsoleScreen(rawValue: "cache")
}

/// The cache screen's slice of the state.
public struct CacheScreenState: Equatable, Sendable {
    public var keys = SelectionList<CacheKeyRow>()
    /// How far the browser's walk of the keyspace got (nil before its first budgeted step).
    public var scan: CacheScanProgress?
    /// Esc / Ctrl-C stopped the browse: no further step until the user moves down or starts over.
    public var scanStopped = false
    /// The running warm's job, as its last progress event told (nil: no warm running).
    public var warm: CacheWarmStatus?

    public init() {}
}

extension ConsoleLayout {
    /// The key list, and below it the full value of the selected key.
    public var cachePanes: (keys: CellRect, value: CellRect) {
        let valueHeight = min(8, max(4, main.height / 3))
        return (CellRect(column: main.column, row: main.row, width: main.width, height: main.height - valueHeight),
                CellRect(column: main.column, row: main.row + main.height - valueHeight, width: main.width, height: valueHeight))
    }

    /// Rows of keys the list shows (inside the border, below the column header).
    public var cacheListHeight: Int { max(1, cachePanes.keys.height - 3) }
}

extension ActionID {
    public static let screenCache = ActionID(rawValue: "screen_cache")
    public static let cacheClearKey = ActionID(rawValue: "cache_clear_key")
    public static let cacheClearRelease = ActionID(rawValue: "cache_clear_release")
    public static let cacheClearStore = ActionID(rawValue: "cache_clear_store")
    public static let cacheClearAll = ActionID(rawValue: "cache_clear_all")
    public static let cacheClearDrift = ActionID(rawValue: "cache_clear_drift")
}

extension ActionGroup {
    public static let cache = ActionGroup(rawValue: "Cache")
}

extension ConsoleState {
    /// The cache screen's slice.
    public var cache: CacheScreenState {
        get { self[slice: CacheScreen.self] }
        _modify { yield &self[slice: CacheScreen.self] }
    }
}

/// The cache screen: an admin browses `match:*` keys and clears them by key, release, store, all or drift.
enum CacheScreen: ScreenUnit {
    static let id = ConsoleScreen.cache
    static let switchAction = ActionID.screenCache
    static var initialSlice: CacheScreenState { CacheScreenState() }

    static let actions: [ActionDescriptor] = [
        .init(.screenCache, "Cache screen", group: .application, help: "Browse and clear match:* keys", defaultKeys: ["3"]),
        .init(.cacheClearKey, "Clear key", group: .cache, help: "Delete the selected cache key (asks first)",
              dangerous: true, screens: [id], requirement: .cacheWrite, defaultKeys: ["d"]),
        .init(.cacheClearRelease, "Clear release keys", group: .cache,
              help: "Delete the cache keys of the selected key's release (preview, then asks)",
              dangerous: true, screens: [id], requirement: .cacheWrite, defaultKeys: ["D"]),
        .init(.cacheClearStore, "Clear store keys", group: .cache,
              help: "Delete the cache keys of a store (preview, then type the store name)",
              dangerous: true, screens: [id], requirement: .cacheWrite, defaultKeys: ["S"]),
        .init(.cacheClearAll, "Clear all match keys", group: .cache,
              help: "Delete every match:* key (preview, then type \"clear all\")",
              dangerous: true, screens: [id], requirement: .cacheWrite, defaultKeys: ["X"]),
        .init(.cacheClearDrift, "Clear drift", group: .cache,
              help: "Delete keys whose value disagrees with Postgres (preview, then type \"clear drift\")",
              dangerous: true, screens: [id], requirement: .cacheWrite, defaultKeys: ["F"]),
        warmAction,
    ]

    static func enter(_ state: inout ConsoleState) -> [ConsoleEffect] {
        state.cache.keys.loaded ? [] : state.loadCacheKeysFromStart()
    }

    static func refresh(_ state: inout ConsoleState) -> [ConsoleEffect] { state.loadCacheKeysFromStart() }

    static func perform(_ action: ActionID, _ state: inout ConsoleState) -> [ConsoleEffect]? {
        switch action {
        case .cacheClearKey, .cacheClearRelease, .cacheClearStore, .cacheClearAll, .cacheClearDrift:
            return state.startCacheClear(action)
        case .cacheWarm:
            return state.startCacheWarm()
        default:
            return nil
        }
    }

    static func moveCursor(by delta: Int, _ state: inout ConsoleState) -> [ConsoleEffect] {
        state.cache.keys.move(by: delta)
        state.cache.keys.scrollToCursor(height: ConsoleLayout(state: state).cacheListHeight)
        if delta > 0 { state.cache.scanStopped = false }  // moving down past what a stopped browse found goes on
        return state.loadMoreCacheKeysIfNeeded()
    }

    static func cancel(_ state: inout ConsoleState) -> [ConsoleEffect] {
        interrupt(&state) ?? state.clearFilterOrMessage()
    }

    static func interrupt(_ state: inout ConsoleState) -> [ConsoleEffect]? {
        let warm = state.stopCacheWarm()
        guard let work = state.stopCacheWork() else { return warm.isEmpty ? nil : warm }
        return warm + work
    }

    static func pageSize(_ state: ConsoleState, _ layout: ConsoleLayout) -> Int { max(1, layout.cacheListHeight - 1) }

    static func focusedFilter(_ state: ConsoleState) -> String { state.cache.keys.filter }

    static func setFocusedFilter(_ text: String, _ state: inout ConsoleState) { state.cache.keys.setFilter(text) }

    static func apply(answer event: ConsoleEvent, _ state: inout ConsoleState) -> [ConsoleEffect]? {
        switch event {
        case .cacheKeysLoaded(let id, let rows, let nextPage, let progress):
            guard let request = state.finish(id), case .loadCacheKeys(let mode) = request.kind else { return [] }
            return state.applyCacheKeysStep(mode, rows, nextPage: nextPage, progress: progress)

        case .cacheClearProgress(let id, let cleared, let total):
            // A clear that walks the keyspace knows no total: keep the dry run's count as "about" the total.
            if let index = state.pending.firstIndex(where: { $0.id == id }) {
                state.pending[index].progress = RequestProgress(
                    done: cleared, total: max(total, state.pending[index].progress?.total ?? 0))
            }
            return []

        case .cacheClearStopped(let id, let cleared):
            guard let request = state.finish(id) else { return [] }
            state.reportStoppedClear(request, cleared: cleared)
            return state.screen == Self.id ? state.loadCacheKeysFromStart() : []

        case .cacheClearFinished(let id, let cleared):
            guard let request = state.finish(id) else { return [] }
            if case .clearCache(let scope) = request.kind {
                state.say("Cleared \(DisplayFormat.exact(cleared)) key(s) of \(scope)", .success)
            }
            return state.screen == Self.id ? state.loadCacheKeysFromStart() : []

        default:
            return applyWarm(event, &state)
        }
    }

    static func keepCursorsVisible(_ state: inout ConsoleState, _ layout: ConsoleLayout) {
        state.cache.keys.scrollToCursor(height: layout.cacheListHeight)
    }

    static func hints(_ state: ConsoleState) -> [ActionID] {
        [.cacheClearKey, .cacheClearRelease, .cacheClearStore, .cacheClearAll, .cacheClearDrift, .filter]
    }

    static func shortTitle(_ action: ActionID, _ state: ConsoleState) -> String? {
        switch action {
        case .cacheClearKey: return "Clear key"
        case .cacheClearRelease: return "…release"
        case .cacheClearStore: return "…store"
        case .cacheClearAll: return "…all"
        case .cacheClearDrift: return "…drift"
        default: return nil
        }
    }

    static func draw(_ state: ConsoleState, _ layout: ConsoleLayout, _ buffer: inout CellBuffer) {
        CacheView.draw(state, layout: layout, into: &buffer)
    }
}

extension ConsoleState {
    /// Starts a cache clear: the dry run first, always. The dialog then asks for `y` (narrow scopes) or the typed
    /// phrase (store, all, drift) before anything is deleted.
    mutating func startCacheClear(_ action: ActionID) -> [ConsoleEffect] {
        let scope: CacheClearScope
        switch action {
        case .cacheClearKey:
            guard let key = cache.keys.selected?.key else { say("No key selected", .warning); return [] }
            scope = .key(key)
        case .cacheClearRelease:
            guard let release = cache.keys.selected?.releaseID else {
                say("The selected key is not a match:{release}:{track} key", .warning)
                return []
            }
            scope = .release(release)
        case .cacheClearStore:
            guard let store = cache.keys.selected?.store ?? stores.selected?.name else {
                say("No store known for the selected key", .warning)
                return []
            }
            scope = .store(store)
        case .cacheClearAll: scope = .allMatchKeys
        default: scope = .drift
        }
        let id = begin(.previewCacheClear(scope), "counting keys of \(scope)")
        modal = .cacheClear(CacheClearDialog(scope: scope, previewRequest: id))
        return [.previewCacheClear(id, scope)]
    }

    /// Runs a clear its dialog confirmed: SCAN + UNLINK in batches, with progress.
    mutating func clearCache(_ scope: CacheClearScope) -> [ConsoleEffect] {
        [.clearCache(begin(.clearCache(scope), "clearing \(scope)"), scope)]
    }

    mutating func loadMoreCacheKeysIfNeeded() -> [ConsoleEffect] {
        guard cache.keys.wantsNextPage(),
              !isPending({ $0 == .loadCacheKeys(mode: .nextPage) || $0 == .loadCacheKeys(mode: .first) })
        else { return [] }
        return [.loadCacheKeys(begin(.loadCacheKeys(mode: .nextPage), "scanning cache keys"), after: cache.keys.nextPage)]
    }

    mutating func loadCacheKeysFromStart() -> [ConsoleEffect] {
        let effects = supersede { if case .loadCacheKeys = $0 { return true } else { return false } }
        cache.scan = nil
        cache.scanStopped = false
        return effects + [.loadCacheKeys(begin(.loadCacheKeys(mode: .first), "scanning cache keys"), after: nil)]
    }
}
