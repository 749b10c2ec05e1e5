import Foundation

extension ConsoleState {
    /// Changes made elsewhere (another console, a worker, the web app). They refresh what is on screen without
    /// moving the cursor; while paused they are only counted, and applied on resume.
    mutating func receiveLiveChanges(_ changes: [DataChange]) -> [ConsoleEffect] {
        if livePaused {
            changesWhilePaused.formUnion(changes)
            return []
        }
        return applyLiveChanges(changes)
    }

    /// Every screen refreshes what it shows of the changed rows, in tab order.
    mutating func applyLiveChanges(_ changes: [DataChange]) -> [ConsoleEffect] {
        ScreenRegistry.all.flatMap { $0.applyLiveChanges(changes, &self) }
    }

    mutating func announce(_ text: String) {
        announcement = StatusMessage(text, severity: .info, expiresAt: now.addingTimeInterval(2 * ConsoleUpdate.messageLifetime))
    }
}
