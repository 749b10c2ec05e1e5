import Foundation
import Terminal

extension ConsoleState {
    mutating func handleKey(_ key: KeyEvent) -> [ConsoleEffect] {
        // Ctrl-C interrupts running cache work before it means its bound action (quit).
        if key == .control("c") {
            if case .cacheClear? = modal, let modal { return handleModalKey(.escape, modal) }
            if modal == nil, let effects = stopCacheWork() { return effects }
        }
        if let modal { return handleModalKey(key, modal) }
        guard let action = keymap.action(for: key, on: screen) else {
            if key != .resize {
                say("\(key.displayName) does nothing on the \(screen.title) screen; ? lists the keys")
            }
            return []
        }
        return perform(action)
    }

    /// Runs an action chosen by key or palette, unless it is disabled (then says why).
    mutating func perform(_ action: ActionID) -> [ConsoleEffect] {
        let descriptor = ActionCatalog.descriptor(action)
        guard descriptor.applies(to: screen) else {
            say("\(descriptor.title) works on the \(descriptor.screens.map(\.title).sorted().joined(separator: ", ")) screen")
            return []
        }
        if let reason = availability.disabledReason(action) {
            say("\(descriptor.title) is disabled: \(reason)", .warning)
            return []
        }
        if action != .quit { quitRequested = false }
        switch action {
        case .quit:
            if pending.contains(where: \.isWrite) && !quitRequested {
                quitRequested = true
                say("A change is still being saved; press \(keymap.keyLabel(for: .quit) ?? "q") again to quit anyway", .warning)
                return []
            }
            isRunning = false
            return []
        case .help: modal = .help(scroll: 0); return []
        case .palette: modal = .palette(PaletteState()); return []
        case .filter: modal = .filter(TextField(focusedFilter, limit: 120)); return []
        case .cycleTheme:
            let index = themeNames.firstIndex(of: themeName) ?? -1
            themeName = themeNames[(index + 1) % themeNames.count]
            say("Theme: \(themeName)")
            return []
        case .toggleLive: return toggleLive()
        case .refresh: return refreshScreen()
        case .cancel: return cancel()
        case .screenReview: return switchScreen(.review)
        case .screenInventory: return switchScreen(.inventory)
        case .screenCache: return switchScreen(.cache)
        case .screenQueue: return switchScreen(.queue)
        case .moveDown: return moveCursor(by: 1)
        case .moveUp: return moveCursor(by: -1)
        case .pageDown: return moveCursor(by: pageSize)
        case .pageUp: return moveCursor(by: -pageSize)
        case .top: return moveCursor(by: Int.min / 2)
        case .bottom: return moveCursor(by: Int.max / 2)
        case .focusLeft: return moveFocus(by: -1, wrapping: false)
        case .focusRight: return moveFocus(by: 1, wrapping: false)
        case .focusNext: return moveFocus(by: 1, wrapping: true)
        case .focusPrevious: return moveFocus(by: -1, wrapping: true)
        case .open: return openSelection()
        case .approve: return decide(.approve)
        case .reject: return decide(.reject)
        case .needsReview: return decide(.needsReview)
        case .clearMatch: return askToClearMatches()
        case .replace: return openReplaceForm()
        case .undo:
            return [.undo(begin(.undo, "undoing your latest decision"))]
        case .toggleMark: return toggleMark()
        case .approveAboveThreshold: return askToApproveAboveThreshold()
        case .useCandidate: return useFocusedCandidate()
        case .openURL, .playURL: return openFocusedURL(play: action == .playURL)
        case .cacheClearKey, .cacheClearRelease, .cacheClearStore, .cacheClearAll, .cacheClearDrift:
            return startCacheClear(action)
        case .queueRequeue, .queueBump: return changeQueueRows(action)
        case .queueFilter:
            queueFilter = queueFilter.next
            queueRows.reset()
            return loadQueue()
        }
    }

    // MARK: - Application

    mutating func switchScreen(_ target: ConsoleScreen) -> [ConsoleEffect] {
        guard target != screen else { return [] }
        screen = target
        switch target {
        // The inventory shares the stores list: the review panes follow a store chosen there.
        case .review: return stores.loaded ? followStoreSelection() : loadStores()
        case .inventory: return (stores.loaded ? [] : loadStores()) + loadInventoryIfNeeded()
        case .cache: return cacheKeys.loaded ? [] : loadCacheKeysFromStart()
        case .queue: return queueRows.loaded ? [] : loadQueue()
        }
    }

    mutating func cancel() -> [ConsoleEffect] {
        if screen == .cache, let effects = stopCacheWork() { return effects }
        if screen == .review, !tracks.marked.isEmpty {
            say("Unmarked \(tracks.marked.count) track(s)")
            tracks.marked = []
        } else if !focusedFilter.isEmpty {
            setFocusedFilter("")
            say("Filter cleared")
        } else if !queueRows.marked.isEmpty, screen == .queue {
            queueRows.marked = []
        } else {
            message = nil
        }
        return []
    }

    mutating func toggleLive() -> [ConsoleEffect] {
        livePaused.toggle()
        if livePaused {
            say("Live updates paused; \(keymap.keyLabel(for: .toggleLive) ?? "p") resumes")
            return []
        }
        let waiting = changesWhilePaused
        changesWhilePaused = []
        say(waiting.isEmpty ? "Live updates on" : "Live updates on; applying \(waiting.count) change(s)")
        return applyLiveChanges(Array(waiting))
    }

    // MARK: - Focus and cursor

    var pageSize: Int {
        let layout = ConsoleLayout(state: self)
        switch screen {
        case .review: return max(1, layout.viewportHeight(of: reviewFocus) - 1)
        case .inventory: return max(1, (inventoryFocusOnStores ? layout.inventoryStoresHeight : layout.inventoryListHeight) - 1)
        case .cache: return max(1, layout.cacheListHeight - 1)
        case .queue: return max(1, layout.queueListHeight - 1)
        }
    }

    mutating func moveFocus(by delta: Int, wrapping: Bool) -> [ConsoleEffect] {
        switch screen {
        case .review:
            let panes = ReviewPane.allCases
            var index = panes.firstIndex(of: reviewFocus)! + delta
            if wrapping { index = (index + panes.count) % panes.count } else { index = max(0, min(panes.count - 1, index)) }
            reviewFocus = panes[index]
        case .inventory:
            inventoryFocusOnStores = wrapping ? !inventoryFocusOnStores : delta < 0
        case .cache, .queue:
            break
        }
        return []
    }

    mutating func openSelection() -> [ConsoleEffect] {
        switch screen {
        case .review:
            switch reviewFocus {
            case .stores: reviewFocus = .releases
            case .releases: reviewFocus = .tracks
            case .tracks: reviewFocus = .detail
            case .detail:
                // Deliberately not a decision: Enter is pressed to drill in, and must never approve by accident.
                say("\(keymap.keyLabel(for: .useCandidate) ?? "y") approves the candidate under the cursor")
            }
        case .inventory:
            if inventoryFocusOnStores { inventoryFocusOnStores = false; return [] }
            // Jump to the release on the review screen, where it can be worked on.
            guard let release = inventory.selected, let store = inventoryStore else { return [] }
            screen = .review
            reviewFocus = .tracks
            var effects: [ConsoleEffect] = []
            if releasesStore != store {
                stores.select(id: store)
                effects += followStoreSelection()
            }
            if !releases.select(id: release.discogsID) {
                say("\(release.title) has no pending work, so it is not in the review list")
            }
            return effects + followReleaseSelection()
        case .cache, .queue:
            break
        }
        return []
    }

    mutating func moveCursor(by delta: Int) -> [ConsoleEffect] {
        let layout = ConsoleLayout(state: self)
        switch screen {
        case .review:
            switch reviewFocus {
            case .stores:
                stores.move(by: delta)
                stores.scrollToCursor(height: layout.viewportHeight(of: .stores))
                return followStoreSelection()
            case .releases:
                releases.move(by: delta)
                releases.scrollToCursor(height: layout.viewportHeight(of: .releases))
                return followReleaseSelection() + loadMoreReleasesIfNeeded()
            case .tracks:
                let before = tracks.selectedID
                tracks.move(by: delta)
                tracks.scrollToCursor(height: layout.viewportHeight(of: .tracks))
                if tracks.selectedID != before { candidateCursor = 0 }
                return []
            case .detail:
                let count = focusedTrack?.candidates.count ?? 0
                candidateCursor = count == 0 ? 0 : max(0, min(count - 1, candidateCursor.addingReportingOverflow(delta).partialValue))
                return []
            }
        case .inventory:
            if inventoryFocusOnStores {
                stores.move(by: delta)
                stores.scrollToCursor(height: layout.inventoryStoresHeight)
                return loadInventoryIfNeeded()
            }
            inventory.move(by: delta)
            inventory.scrollToCursor(height: layout.inventoryListHeight)
            return loadMoreInventoryIfNeeded()
        case .cache:
            cacheKeys.move(by: delta)
            cacheKeys.scrollToCursor(height: layout.cacheListHeight)
            if delta > 0 { cacheScanStopped = false }  // moving down past what a stopped browse found goes on
            return loadMoreCacheKeysIfNeeded()
        case .queue:
            queueRows.move(by: delta)
            queueRows.scrollToCursor(height: layout.queueListHeight)
            return loadMoreQueueIfNeeded()
        }
    }

    // MARK: - Filter

    /// The filter of the list that has the keys.
    var focusedFilter: String {
        switch screen {
        case .review:
            switch reviewFocus {
            case .stores: return stores.filter
            case .releases: return releases.filter
            case .tracks, .detail: return tracks.filter
            }
        case .inventory: return inventoryFocusOnStores ? stores.filter : inventory.filter
        case .cache: return cacheKeys.filter
        case .queue: return queueRows.filter
        }
    }

    mutating func setFocusedFilter(_ text: String) {
        switch screen {
        case .review:
            switch reviewFocus {
            case .stores: stores.setFilter(text)
            case .releases: releases.setFilter(text)
            case .tracks, .detail: tracks.setFilter(text)
            }
        case .inventory: if inventoryFocusOnStores { stores.setFilter(text) } else { inventory.setFilter(text) }
        case .cache: cacheKeys.setFilter(text)
        case .queue: queueRows.setFilter(text)
        }
        keepCursorsVisible()
    }
}
