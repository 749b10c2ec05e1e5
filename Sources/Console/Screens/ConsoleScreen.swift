/// The console's screens, switched with the number keys.
public enum ConsoleScreen: String, Hashable, Sendable, CaseIterable {
    case review, inventory, cache, queue

    public var title: String {
        switch self {
        case .review: return "Review"
        case .inventory: return "Inventory"
        case .cache: return "Cache"
        case .queue: return "Queue"
        }
    }
}

/// The panes of the review screen, left to right, top to bottom.
public enum ReviewPane: String, Hashable, Sendable, CaseIterable {
    case stores, releases, tracks, detail

    public var title: String {
        switch self {
        case .stores: return "Stores"
        case .releases: return "Releases"
        case .tracks: return "Tracks"
        case .detail: return "Candidates"
        }
    }
}
