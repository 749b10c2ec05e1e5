import Foundation

extension ConsoleState {
    /// Applies the answer to a request: the shared ones here (dialogs, notices, failures), the rest by the screen
    /// they belong to, focused or not. Answers nobody waits for any more are dropped.
    mutating func applyAnswer(_ event: ConsoleEvent) -> [ConsoleEffect] {
        switch event {
        case .cacheClearPreviewProgress(let id, let counted):
            guard case .cacheClear(var dialog) = modal, dialog.previewRequest == id, pending.contains(where: { $0.id == id }) else { return [] }
            dialog.counted = counted
            modal = .cacheClear(dialog)
            return []

        case .cacheClearPreviewed(let id, let preview):
            guard finish(id) != nil, case .cacheClear(var dialog) = modal, dialog.previewRequest == id else { return [] }
            dialog.preview = preview
            modal = .cacheClear(dialog)
            return []

        case .notice(let id, let text):
            _ = finish(id)
            say(text, .info)
            return []

        case .requestFailed(let id, let text):
            guard let request = finish(id) else { return [] }
            if case .cacheClear(var dialog) = modal, dialog.previewRequest == id {
                dialog.error = "dry run failed: \(text)"
                modal = .cacheClear(dialog)
                return []
            }
            say("\(request.label.prefix(1).uppercased() + request.label.dropFirst()) failed: \(text)", .error)
            return ScreenRegistry.all.flatMap { $0.requestFailed(request, &self) }

        default:
            for unit in ScreenRegistry.all {
                if let effects = unit.apply(answer: event, &self) { return effects }
            }
            return []
        }
    }
}
