/// A row type the console lists: identified by something stable (not its index) and filterable by text.
public protocol ConsoleListItem: Identifiable, Equatable, Sendable where ID: Sendable {
    /// The text `/` filters on.
    var filterText: String { get }
}

/// A list with a cursor that stays on its item when the rows change underneath it (live updates, reloads), marks,
/// a text filter, and the keyset cursor of the next page.
public struct SelectionList<Item: ConsoleListItem>: Equatable, Sendable {
    /// Every loaded row, in server order.
    public private(set) var items: [Item] = []
    /// Rows that pass the filter (what the pane shows).
    public private(set) var visible: [Item] = []
    /// Index of the cursor in `visible`.
    public private(set) var cursor = 0
    /// First visible row on screen; kept so the selected row keeps its screen line when rows appear above it.
    public var top = 0
    public private(set) var filter = ""
    public var marked: Set<Item.ID> = []
    /// Opaque keyset cursor for the next page; nil when everything is loaded.
    public var nextPage: String?
    /// True once the first page arrived (an empty list then means "nothing here", not "loading").
    public var loaded = false

    public init(items: [Item] = [], nextPage: String? = nil) {
        self.nextPage = nextPage
        if !items.isEmpty || nextPage != nil { replace(with: items, nextPage: nextPage) }
    }

    public var selected: Item? { visible.indices.contains(cursor) ? visible[cursor] : nil }
    public var selectedID: Item.ID? { selected?.id }
    public var isEmpty: Bool { visible.isEmpty }
    public var markedItems: [Item] { items.filter { marked.contains($0.id) } }

    // MARK: - Moving

    public mutating func move(by delta: Int) { setCursor(cursor + delta) }
    public mutating func moveToTop() { setCursor(0) }
    public mutating func moveToBottom() { setCursor(visible.count - 1) }

    @discardableResult
    public mutating func select(id: Item.ID) -> Bool {
        guard let index = visible.firstIndex(where: { $0.id == id }) else { return false }
        setCursor(index)
        return true
    }

    /// Moves to the first row after the cursor that satisfies `predicate`, wrapping around; false when none does.
    @discardableResult
    public mutating func selectNext(excluding excluded: Set<Item.ID> = [], where predicate: (Item) -> Bool) -> Bool {
        guard !visible.isEmpty else { return false }
        for step in 1...visible.count {
            let index = (cursor + step) % visible.count
            if !excluded.contains(visible[index].id) && predicate(visible[index]) {
                setCursor(index)
                return true
            }
        }
        return false
    }

    /// Keeps the cursor inside a viewport of `height` rows.
    public mutating func scrollToCursor(height: Int) {
        guard height > 0 else { return }
        if cursor < top { top = cursor }
        if cursor >= top + height { top = cursor - height + 1 }
        top = max(0, min(top, max(0, visible.count - height)))
        if cursor < top { top = cursor }
    }

    /// True when the cursor is within `margin` rows of the last loaded row and another page exists.
    public func wantsNextPage(margin: Int = 10) -> Bool {
        nextPage != nil && cursor >= visible.count - 1 - margin
    }

    // MARK: - Changing rows

    /// Replaces every row. The cursor stays on the same item when it is still there (and keeps its screen
    /// line); otherwise it stays at the same index, clamped. Marks of rows that left are dropped.
    public mutating func replace(with newItems: [Item], nextPage: String?) {
        let previousID = selectedID
        let previousScreenLine = cursor - top
        items = newItems
        self.nextPage = nextPage
        loaded = true
        let ids = Set(newItems.map(\.id))
        marked = marked.filter { ids.contains($0) }
        recomputeVisible(keeping: previousID, screenLine: previousScreenLine)
    }

    /// Adds the next page.
    public mutating func append(_ page: [Item], nextPage: String?) {
        let known = Set(items.map(\.id))
        items.append(contentsOf: page.filter { !known.contains($0.id) })
        self.nextPage = nextPage
        loaded = true
        recomputeVisible(keeping: selectedID, screenLine: cursor - top)
    }

    /// Merges a fresh first page into what is loaded: known rows are updated in place, new rows are inserted
    /// where the page puts them, rows beyond the page are kept. Returns the ids that were new.
    @discardableResult
    public mutating func merge(_ page: [Item]) -> [Item.ID] {
        var merged = items
        var positions = Dictionary(uniqueKeysWithValues: merged.enumerated().map { ($1.id, $0) })
        var added: [Item.ID] = []
        var insertionPoint = 0
        for row in page {
            if let index = positions[row.id] {
                merged[index] = row
                insertionPoint = index + 1
            } else {
                merged.insert(row, at: insertionPoint)
                added.append(row.id)
                positions = Dictionary(uniqueKeysWithValues: merged.enumerated().map { ($1.id, $0) })
                insertionPoint += 1
            }
        }
        let keepID = selectedID, line = cursor - top
        items = merged
        loaded = true
        recomputeVisible(keeping: keepID, screenLine: line)
        return added
    }

    /// Updates rows that are loaded (by id); rows not loaded are ignored.
    public mutating func update(_ rows: [Item]) {
        var changed = false
        for row in rows {
            if let index = items.firstIndex(where: { $0.id == row.id }) {
                items[index] = row
                changed = true
            }
        }
        if changed { recomputeVisible(keeping: selectedID, screenLine: cursor - top) }
    }

    public mutating func setFilter(_ text: String) {
        guard text != filter else { return }
        let keepID = selectedID
        filter = text
        recomputeVisible(keeping: keepID, screenLine: cursor - top)
    }

    public mutating func toggleMark(_ id: Item.ID) {
        if marked.contains(id) { marked.remove(id) } else { marked.insert(id) }
    }

    /// Empties the list (a new parent was focused); the filter and marks go with the rows.
    public mutating func reset() { self = SelectionList() }

    // MARK: - Internals

    private mutating func setCursor(_ index: Int) {
        cursor = visible.isEmpty ? 0 : max(0, min(visible.count - 1, index))
    }

    private mutating func recomputeVisible(keeping id: Item.ID?, screenLine: Int) {
        if filter.isEmpty {
            visible = items
        } else {
            // Every word of the filter must appear somewhere (like less and tig, not fuzzy: a filter should be
            // predictable; the palette is the fuzzy one).
            let words = filter.lowercased().split(separator: " ")
            visible = items.filter { item in
                let text = item.filterText.lowercased()
                return words.allSatisfy { text.contains($0) }
            }
        }
        if let id, let index = visible.firstIndex(where: { $0.id == id }) {
            cursor = index
            top = max(0, index - max(0, screenLine))
        } else {
            setCursor(cursor)
        }
    }
}

extension StoreRow: ConsoleListItem {
    public var filterText: String { name }
}

extension ReleaseRow: ConsoleListItem {
    public var filterText: String { "\(artist) \(title) \(catno) \(discogsID)" }
}

extension TrackRow: ConsoleListItem {
    public var filterText: String { "\(position) \(title) \(url ?? "") \(status.rawValue)" }
}

extension CandidateOption: ConsoleListItem {
    public var filterText: String { "\(title) \(url)" }
}

extension InventoryRelease: ConsoleListItem {
    public var filterText: String { "\(artist) \(title) \(discogsID)" }
}

extension CacheKeyRow: ConsoleListItem {
    public var filterText: String { "\(key) \(store ?? "") \(valueSummary)" }
}

extension QueueJobRow: ConsoleListItem {
    public var filterText: String { "\(store) \(discogsID) \(status.rawValue) \(errorMessage ?? "")" }
}
