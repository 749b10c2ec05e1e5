import Terminal

extension ConsoleScreen {
    /// A store's releases with match coverage, and its sync log.
    public static let inventory = ConsoleScreen(rawValue: "inventory")
}

/// The inventory screen's slice of the state. Its left list is the shared stores list (`ConsoleState.stores`).
public struct InventoryScreenState: Equatable, Sendable {
    /// The releases of `store` with their coverage.
    public var releases = SelectionList<InventoryRelease>()
    /// The store whose releases `releases` holds (or is loading).
    public var store: String?
    /// True when the stores list (left) has the keys, false for the releases.
    public var focusOnStores = true
    public var syncLog: [SyncLogEntry] = []

    public init() {}
}

extension ConsoleLayout {
    /// The stores list on the left; the releases and, below them, the sync log on the right.
    public var inventoryPanes: (stores: CellRect, releases: CellRect, syncLog: CellRect) {
        let storesWidth = min(34, max(26, main.width / 5))
        let logHeight = min(8, max(4, main.height / 4))
        return (CellRect(column: main.column, row: main.row, width: storesWidth, height: main.height),
                CellRect(column: main.column + storesWidth, row: main.row, width: main.width - storesWidth,
                         height: main.height - logHeight),
                CellRect(column: main.column + storesWidth, row: main.row + main.height - logHeight,
                         width: main.width - storesWidth, height: logHeight))
    }

    /// Rows of data the two lists show (inside the border, below the column header).
    public var inventoryStoresHeight: Int { max(1, inventoryPanes.stores.height - 3) }
    public var inventoryListHeight: Int { max(1, inventoryPanes.releases.height - 3) }
}

extension ActionID {
    public static let screenInventory = ActionID(rawValue: "screen_inventory")
}

extension ConsoleState {
    /// The inventory screen's slice.
    public var inventory: InventoryScreenState {
        get { self[slice: InventoryScreen.self] }
        _modify { yield &self[slice: InventoryScreen.self] }
    }
}

/// The inventory screen: an admin browses a store's releases and how many of their tracks have matches.
enum InventoryScreen: ScreenUnit {
    static let id = ConsoleScreen.inventory
    static let switchAction = ActionID.screenInventory
    static var initialSlice: InventoryScreenState { InventoryScreenState() }

    static let actions: [ActionDescriptor] = [
        .init(.screenInventory, "Inventory screen", group: .application,
              help: "A store's releases with match coverage and its sync log", defaultKeys: ["2"]),
    ]

    static func enter(_ state: inout ConsoleState) -> [ConsoleEffect] {
        (state.stores.loaded ? [] : state.loadStores()) + state.loadInventoryIfNeeded()
    }

    static func refresh(_ state: inout ConsoleState) -> [ConsoleEffect] {
        state.loadStores() + state.loadInventoryIfNeeded(force: true)
    }

    static func perform(_ action: ActionID, _ state: inout ConsoleState) -> [ConsoleEffect]? { nil }

    static func moveCursor(by delta: Int, _ state: inout ConsoleState) -> [ConsoleEffect] {
        let layout = ConsoleLayout(state: state)
        if state.inventory.focusOnStores {
            state.stores.move(by: delta)
            state.stores.scrollToCursor(height: layout.inventoryStoresHeight)
            return state.loadInventoryIfNeeded()
        }
        state.inventory.releases.move(by: delta)
        state.inventory.releases.scrollToCursor(height: layout.inventoryListHeight)
        return state.loadMoreInventoryIfNeeded()
    }

    static func moveFocus(by delta: Int, wrapping: Bool, _ state: inout ConsoleState) {
        state.inventory.focusOnStores = wrapping ? !state.inventory.focusOnStores : delta < 0
    }

    static func open(_ state: inout ConsoleState) -> [ConsoleEffect] {
        if state.inventory.focusOnStores { state.inventory.focusOnStores = false; return [] }
        // Jump to the release on the review screen, where it can be worked on.
        guard let release = state.inventory.releases.selected, let store = state.inventory.store else { return [] }
        return state.showOnReviewScreen(store: store, releaseID: release.discogsID, title: release.title)
    }

    static func pageSize(_ state: ConsoleState, _ layout: ConsoleLayout) -> Int {
        max(1, (state.inventory.focusOnStores ? layout.inventoryStoresHeight : layout.inventoryListHeight) - 1)
    }

    static func focusedFilter(_ state: ConsoleState) -> String {
        state.inventory.focusOnStores ? state.stores.filter : state.inventory.releases.filter
    }

    static func setFocusedFilter(_ text: String, _ state: inout ConsoleState) {
        if state.inventory.focusOnStores { state.stores.setFilter(text) } else { state.inventory.releases.setFilter(text) }
    }

    static func followSelectionAfterFilter(_ state: inout ConsoleState) -> [ConsoleEffect] {
        state.inventory.focusOnStores ? state.loadInventoryIfNeeded() : []
    }

    static func apply(answer event: ConsoleEvent, _ state: inout ConsoleState) -> [ConsoleEffect]? {
        guard case .inventoryLoaded(let id, let store, let rows, let log, let nextPage) = event else { return nil }
        guard let request = state.finish(id), case .loadInventory(_, let mode) = request.kind,
              store == state.inventory.store else {
            return []
        }
        if mode == .nextPage {
            state.inventory.releases.append(rows, nextPage: nextPage)
        } else {
            state.inventory.releases.replace(with: rows, nextPage: nextPage)
            state.inventory.syncLog = log
        }
        state.keepCursorsVisible()
        return []
    }

    static func applyLiveChanges(_ changes: [DataChange], _ state: inout ConsoleState) -> [ConsoleEffect] {
        let matchesChanged = changes.contains { change in
            switch change {
            case .everything, .trackMatch: return true
            default: return false
            }
        }
        return matchesChanged && state.screen == Self.id ? state.loadInventoryIfNeeded(force: true) : []
    }

    static func followStores(_ state: inout ConsoleState) -> [ConsoleEffect]? { state.loadInventoryIfNeeded() }

    static func keepCursorsVisible(_ state: inout ConsoleState, _ layout: ConsoleLayout) {
        state.inventory.releases.scrollToCursor(height: layout.inventoryListHeight)
    }

    static func storesListHeight(_ layout: ConsoleLayout) -> Int? { layout.inventoryStoresHeight }

    static func hints(_ state: ConsoleState) -> [ActionID] { [.open, .focusNext, .filter] }

    static func draw(_ state: ConsoleState, _ layout: ConsoleLayout, _ buffer: inout CellBuffer) {
        InventoryView.draw(state, layout: layout, into: &buffer)
    }
}

extension ConsoleState {
    /// Loads the inventory of the selected store when it is not the one shown.
    mutating func loadInventoryIfNeeded(force: Bool = false) -> [ConsoleEffect] {
        guard let store = stores.selected?.name else { return [] }
        guard force || store != inventory.store else { return [] }
        var effects = supersede { if case .loadInventory = $0 { return true } else { return false } }
        if store != inventory.store { inventory.releases.reset(); inventory.syncLog = [] }
        inventory.store = store
        let id = begin(.loadInventory(store: store, mode: .first), "loading inventory of \(store)")
        effects.append(.loadInventory(id, store: store, after: nil))
        return effects
    }

    mutating func loadMoreInventoryIfNeeded() -> [ConsoleEffect] {
        guard let store = inventory.store, inventory.releases.wantsNextPage(),
              !isPending({ if case .loadInventory = $0 { return true } else { return false } }) else { return [] }
        let id = begin(.loadInventory(store: store, mode: .nextPage), "loading more of \(store)")
        return [.loadInventory(id, store: store, after: inventory.releases.nextPage)]
    }
}
