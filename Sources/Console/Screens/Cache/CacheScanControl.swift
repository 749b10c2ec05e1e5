import Foundation
import Terminal

/// The cache screen's long Redis work: the browser walks the keyspace one budgeted SCAN step per request, going on
/// by itself until the list has a screenful; Esc on the cache screen (and Ctrl-C anywhere) stops a running browse
/// or clear between batches. A stopped clear answers with exactly how many keys went.
extension ConsoleState {
    /// A cache browse step or a clear is running.
    var isCacheWorkRunning: Bool {
        isPending { kind in
            switch kind {
            case .loadCacheKeys, .clearCache: return true
            default: return false
            }
        }
    }

    /// Stops the running browse (its rows so far stay, and it goes no further until asked) and trips the stop
    /// signal of running clears, which still answer with what they deleted. Nil when nothing was running.
    mutating func stopCacheWork() -> [ConsoleEffect]? {
        guard isCacheWorkRunning else { return nil }
        var effects: [ConsoleEffect] = []
        if isPending({ if case .loadCacheKeys = $0 { return true } else { return false } }) {
            effects += supersede { if case .loadCacheKeys = $0 { return true } else { return false } }
            cache.scanStopped = true
            let continueKey = keymap.keyLabel(for: .moveDown) ?? "↓"
            let restartKey = keymap.keyLabel(for: .refresh) ?? "r"
            say("Stopped scanning: " + (cache.scan.map { $0.summary() } ?? "no step finished")
                + "; \(continueKey) continues, \(restartKey) starts over")
        }
        for index in pending.indices {
            guard case .clearCache(let scope) = pending[index].kind, !pending[index].stopRequested else { continue }
            pending[index].stopRequested = true
            pending[index].label = "stopping the clear of \(scope)"
            effects.append(.cancel(pending[index].id))
            say("Stopping the clear of \(scope) after the batch in hand…", .warning)
        }
        return effects
    }

    /// Applies one budgeted browse step, then asks for the next one while the list is short of a screenful and
    /// the walk is neither complete nor stopped. A step that found nothing is a valid answer, not an end.
    mutating func applyCacheKeysStep(_ mode: ListLoadMode, _ rows: [CacheKeyRow], nextPage: String?,
                                     progress: CacheScanProgress?) -> [ConsoleEffect] {
        if mode == .nextPage { cache.keys.append(rows, nextPage: nextPage) } else { cache.keys.replace(with: rows, nextPage: nextPage) }
        keepCursorsVisible()
        guard let progress else { return [] }
        cache.scan = CacheScanProgress(examined: progress.examined, totalKeys: progress.totalKeys,
                                      found: cache.keys.items.count, complete: nextPage == nil)
        guard !cache.scanStopped, cache.keys.items.count < ConsoleLayout(state: self).cacheListHeight else { return [] }
        return loadMoreCacheKeysIfNeeded()
    }

    /// "Stopped: cleared 4,200 of about 10,000 keys of every match:* key; the rest stay cached".
    mutating func reportStoppedClear(_ request: PendingRequest, cleared: Int) {
        guard case .clearCache(let scope) = request.kind else { return }
        let about = request.progress.map { " of about \(DisplayFormat.exact(max($0.total, cleared)))" } ?? ""
        say("Stopped: cleared \(DisplayFormat.exact(cleared))\(about) key(s) of \(scope); the rest stay cached", .warning)
    }

    /// The cache screen's status of the walk, for its title and its empty list.
    var cacheScanStatus: String? {
        if let warm = cacheWarmStatusLine { return warm }
        if isPending({ if case .clearCache = $0 { return true } else { return false } }) {
            return "clearing · \(keymap.keyLabel(for: .cancel) ?? "Esc") stops"
        }
        guard let scan = cache.scan else { return nil }
        if isPending({ if case .loadCacheKeys = $0 { return true } else { return false } }) {
            return scan.summary() + " · \(keymap.keyLabel(for: .cancel) ?? "Esc") stops"
        }
        if cache.scanStopped && !scan.complete {
            return "stopped: " + scan.summary() + " · \(keymap.keyLabel(for: .moveDown) ?? "↓") continues"
        }
        return nil
    }
}
