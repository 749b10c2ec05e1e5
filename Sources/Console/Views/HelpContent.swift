import Matching

/// The help screen's lines, generated from the action catalog and the keymap, so help cannot drift from the keys.
/// The README's key table comes from `markdownKeyTable`.
public enum HelpContent {
    public struct Line: Equatable, Sendable {
        public enum Kind: Equatable, Sendable { case group, action, blank }
        public var kind: Kind
        public var keys: String
        public var title: String
        public var help: String
        public var dangerous: Bool
        /// Why the action is off right now, when it is.
        public var disabledReason: String?
    }

    public static func lines(keymap: Keymap, availability: ActionAvailability? = nil) -> [Line] {
        var lines: [Line] = []
        for group in ActionGroup.allCases {
            let actions = ActionCatalog.all.filter { $0.group == group }
            guard !actions.isEmpty else { continue }
            if !lines.isEmpty { lines.append(Line(kind: .blank, keys: "", title: "", help: "", dangerous: false)) }
            lines.append(Line(kind: .group, keys: "", title: group.rawValue, help: "", dangerous: false))
            for action in actions {
                let keys = keymap.keyLabels(for: action.id)
                lines.append(Line(kind: .action, keys: keys.isEmpty ? "(palette)" : keys, title: action.title,
                                  help: action.help, dangerous: action.dangerous,
                                  disabledReason: availability?.disabledReason(action.id)))
            }
        }
        return lines
    }

    /// What the marks on the screens mean: shown after the keys in the help overlay.
    public static let legend: [Line] = [
        Line(kind: .blank, keys: "", title: "", help: "", dangerous: false),
        Line(kind: .group, keys: "", title: "Legend", help: "", dangerous: false),
        Line(kind: .action, keys: "0.87" + ConfidenceScale.percent.marker, title: "0-100 scale",
             help: ConfidenceScale.markerMeaning, dangerous: false),
        Line(kind: .action, keys: "", title: "", help: ConfidenceScale.markerRemedy, dangerous: false),
    ] + CachePaneFigures.legend.map { Line(kind: .action, keys: "", title: $0.title, help: $0.help, dangerous: false) }

    /// A Markdown table of every action and its keys, for the README.
    public static func markdownKeyTable(keymap: Keymap = .defaults) -> String {
        var text = "| Keys | Action | What it does |\n|---|---|---|\n"
        for group in ActionGroup.allCases {
            for action in ActionCatalog.all where action.group == group {
                let keys = keymap.keys(for: action.id).map { "`\($0.displayName)`" }.joined(separator: " ")
                text += "| \(keys) | \(action.title)\(action.dangerous ? " (!)" : "") | \(action.help) |\n"
            }
        }
        return text
    }

    /// The same table as plain aligned text, for `rotation keys` on a terminal.
    public static func plainKeyTable(keymap: Keymap = .defaults) -> String {
        var text = ""
        for line in lines(keymap: keymap) {
            switch line.kind {
            case .blank: text += "\n"
            case .group: text += line.title + "\n"
            case .action:
                let keys = line.keys.padding(toLength: max(18, line.keys.count), withPad: " ", startingAt: 0)
                text += "  \(keys) \(line.title)\(line.dangerous ? " (!)" : "") — \(line.help)\n"
            }
        }
        return text
    }
}
