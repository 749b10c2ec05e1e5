import Foundation

extension ConsoleState {
    /// Starts a cache clear: the dry run first, always. The dialog then asks for `y` (narrow scopes) or the typed
    /// phrase (store, all, drift) before anything is deleted.
    mutating func startCacheClear(_ action: ActionID) -> [ConsoleEffect] {
        let scope: CacheClearScope
        switch action {
        case .cacheClearKey:
            guard let key = cacheKeys.selected?.key else { say("No key selected", .warning); return [] }
            scope = .key(key)
        case .cacheClearRelease:
            guard let release = cacheKeys.selected?.releaseID else {
                say("The selected key is not a match:{release}:{track} key", .warning)
                return []
            }
            scope = .release(release)
        case .cacheClearStore:
            guard let store = cacheKeys.selected?.store ?? stores.selected?.name else {
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

    mutating func changeQueueRows(_ action: ActionID) -> [ConsoleEffect] {
        let rows = queueRows.marked.isEmpty ? (queueRows.selected.map { [$0] } ?? []) : queueRows.markedItems
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
        return [.requeue(begin(.queueChange, "requeueing \(movable.count) row(s)"), jobIDs: movable.map(\.id))]
    }

    /// Runs what a confirmation dialog accepted.
    mutating func runConfirmed(_ operation: ConfirmedOperation) -> [ConsoleEffect] {
        switch operation {
        case .review(let command):
            // Rows may have changed while the dialog was open: send only those still loaded and idle.
            let wanted = Set(command.targets.map(\.track))
            let rows = tracks.items.filter { wanted.contains($0.reference) && !tracksInFlight.contains($0.reference) }
            guard !rows.isEmpty else { say("Nothing left to do: those tracks changed meanwhile", .warning); return [] }
            return submit(command.decision, rows, seen: command.targets)
        case .clearCache(let scope):
            return [.clearCache(begin(.clearCache(scope), "clearing \(scope)"), scope)]
        case .requeue(let ids):
            return [.requeue(begin(.queueChange, "requeueing \(ids.count) row(s)"), jobIDs: ids)]
        }
    }
}
