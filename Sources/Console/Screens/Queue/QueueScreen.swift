import Terminal

extension ConsoleScreen {
    /// The background queue: stuck and failed rows first.
    public static let queue = ConsoleScreen(rawValue: "queue")
}

/// The queue screen's slice of the state.
public struct QueueScreenState: Equatable, Sendable {
    public var rows = SelectionList<QueueJobRow>()
    public var filter: QueueFilter = .attention

    public init() {}
}

extension ConsoleLayout {
    /// Rows of jobs the queue list shows (inside the border, below the column header).
    public var queueListHeight: Int { max(1, main.height - 3) }
}

extension ActionID {
    public static let screenQueue = ActionID(rawValue: "screen_queue")
    public static let queueRequeue = ActionID(rawValue: "queue_requeue")
    public static let queueBump = ActionID(rawValue: "queue_bump")
    public static let queueFilter = ActionID(rawValue: "queue_filter")
}

extension ActionGroup {
    public static let queue = ActionGroup(rawValue: "Queue")
}

extension ConsoleState {
    /// The queue screen's slice.
    public var queue: QueueScreenState {
        get { self[slice: QueueScreen.self] }
        _modify { yield &self[slice: QueueScreen.self] }
    }
}

/// The queue screen: an admin watches the background queue and requeues or bumps its rows.
enum QueueScreen: ScreenUnit {
    static let id = ConsoleScreen.queue
    static let switchAction = ActionID.screenQueue
    static var initialSlice: QueueScreenState { QueueScreenState() }

    static let actions: [ActionDescriptor] = [
        .init(.screenQueue, "Queue screen", group: .application, help: "Background queue: stuck and failed rows",
              defaultKeys: ["4"]),
        .init(.queueRequeue, "Requeue", group: .queue, help: "Put the selected failed or stuck row back in the queue",
              screens: [id], requirement: .queueWrite, defaultKeys: ["r"]),
        .init(.queueBump, "Bump priority", group: .queue, help: "Raise the selected row's priority so it runs next",
              screens: [id], requirement: .queueWrite, defaultKeys: ["+"]),
        .init(.queueFilter, "Queue filter", group: .queue, help: "Cycle: stuck + failed, queued, processing, failed",
              screens: [id], defaultKeys: ["f"]),
    ]
    /// Rows are marked with the review screen's mark action.
    static let joinedActions: [ActionID] = [.toggleMark]

    static func enter(_ state: inout ConsoleState) -> [ConsoleEffect] {
        state.queue.rows.loaded ? [] : state.loadQueue()
    }

    static func refresh(_ state: inout ConsoleState) -> [ConsoleEffect] { state.loadQueue() }

    static func perform(_ action: ActionID, _ state: inout ConsoleState) -> [ConsoleEffect]? {
        switch action {
        case .queueRequeue, .queueBump: return state.changeQueueRows(action)
        case .queueFilter:
            state.queue.filter = state.queue.filter.next
            state.queue.rows.reset()
            return state.loadQueue()
        case .toggleMark:
            guard let job = state.queue.rows.selected else {
                state.say("Marking works in the tracks pane", .warning)
                return []
            }
            state.queue.rows.toggleMark(job.id)
            state.queue.rows.move(by: 1)
            state.queue.rows.scrollToCursor(height: ConsoleLayout(state: state).queueListHeight)
            return []
        default:
            return nil
        }
    }

    static func moveCursor(by delta: Int, _ state: inout ConsoleState) -> [ConsoleEffect] {
        state.queue.rows.move(by: delta)
        state.queue.rows.scrollToCursor(height: ConsoleLayout(state: state).queueListHeight)
        return state.loadMoreQueueIfNeeded()
    }

    static func cancel(_ state: inout ConsoleState) -> [ConsoleEffect] {
        guard state.queue.rows.filter.isEmpty, !state.queue.rows.marked.isEmpty else { return state.clearFilterOrMessage() }
        state.queue.rows.marked = []
        return []
    }

    static func pageSize(_ state: ConsoleState, _ layout: ConsoleLayout) -> Int { max(1, layout.queueListHeight - 1) }

    static func focusedFilter(_ state: ConsoleState) -> String { state.queue.rows.filter }

    static func setFocusedFilter(_ text: String, _ state: inout ConsoleState) { state.queue.rows.setFilter(text) }

    static func apply(answer event: ConsoleEvent, _ state: inout ConsoleState) -> [ConsoleEffect]? {
        switch event {
        case .queueRowsLoaded(let id, let rows, let nextPage):
            guard let request = state.finish(id), case .loadQueue(let mode) = request.kind else { return [] }
            if mode == .nextPage {
                state.queue.rows.append(rows, nextPage: nextPage)
            } else {
                state.queue.rows.replace(with: rows, nextPage: nextPage)
            }
            state.keepCursorsVisible()
            return []

        case .queueRowsChanged(let id, let rows, let summary):
            guard state.finish(id) != nil else { return [] }
            state.queue.rows.update(rows)
            state.queue.rows.marked = []
            state.say(summary, .success)
            return []

        default:
            return nil
        }
    }

    static func applyLiveChanges(_ changes: [DataChange], _ state: inout ConsoleState) -> [ConsoleEffect] {
        let queueTouched = changes.contains { change in
            switch change {
            case .everything, .queueRow: return true
            default: return false
            }
        }
        guard queueTouched, state.screen == Self.id,
              !state.isPending({ if case .loadQueue = $0 { return true } else { return false } }) else { return [] }
        return state.loadQueue()
    }

    static func keepCursorsVisible(_ state: inout ConsoleState, _ layout: ConsoleLayout) {
        state.queue.rows.scrollToCursor(height: layout.queueListHeight)
    }

    static func hints(_ state: ConsoleState) -> [ActionID] { [.queueRequeue, .queueBump, .toggleMark, .queueFilter, .filter] }

    static func shortTitle(_ action: ActionID, _ state: ConsoleState) -> String? {
        action == .queueFilter ? "Show \(state.queue.filter.next.title)" : nil
    }

    static func draw(_ state: ConsoleState, _ layout: ConsoleLayout, _ buffer: inout CellBuffer) {
        QueueView.draw(state, layout: layout, into: &buffer)
    }
}

extension ConsoleState {
    mutating func loadQueue() -> [ConsoleEffect] {
        let effects = supersede { if case .loadQueue = $0 { return true } else { return false } }
        let id = begin(.loadQueue(mode: .first), "loading queue (\(queue.filter.title))")
        return effects + [.loadQueue(id, queue.filter, after: nil)]
    }

    mutating func loadMoreQueueIfNeeded() -> [ConsoleEffect] {
        guard queue.rows.wantsNextPage(), !isPending({ if case .loadQueue = $0 { return true } else { return false } })
        else { return [] }
        let id = begin(.loadQueue(mode: .nextPage), "loading more queue rows")
        return [.loadQueue(id, queue.filter, after: queue.rows.nextPage)]
    }

    /// Requeues (failed or stuck rows only) or bumps the marked rows, else the selected one.
    mutating func changeQueueRows(_ action: ActionID) -> [ConsoleEffect] {
        let rows = queue.rows.marked.isEmpty ? (queue.rows.selected.map { [$0] } ?? []) : queue.rows.markedItems
        guard !rows.isEmpty else { say("No queue row selected", .warning); return [] }
        let ids = rows.map(\.id)
        if action == .queueBump {
            return [.bumpPriority(begin(.queueChange, "bumping \(ids.count) row(s)"), jobIDs: ids)]
        }
        let movable = rows.filter(\.needsAttention)
        guard !movable.isEmpty else {
            say("Only failed or stuck rows can be requeued", .warning)
            return []
        }
        return requeue(movable.map(\.id))
    }

    mutating func requeue(_ ids: [Int64]) -> [ConsoleEffect] {
        [.requeue(begin(.queueChange, "requeueing \(ids.count) row(s)"), jobIDs: ids)]
    }
}
