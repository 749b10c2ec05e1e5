import Matching

/// A one-line text field (palette query, filter, URL, typed confirmation). The cursor is always at the end:
/// enough for short inputs, and nothing to get lost in.
public struct TextField: Equatable, Sendable {
    public var text: String
    public var limit: Int

    public init(_ text: String = "", limit: Int = 512) {
        self.text = text
        self.limit = limit
    }

    /// Applies one edit.
    public mutating func edit(_ key: KeyEventEdit) {
        switch key {
        case .insert(let character): if text.count < limit { text.append(character) }
        case .deleteBackward: if !text.isEmpty { text.removeLast() }
        case .deleteWord:
            while text.last == " " { text.removeLast() }
            while let last = text.last, last != " " { text.removeLast() }
        case .clear: text = ""
        }
    }
}

/// Editing operations a key can mean inside a text field.
public enum KeyEventEdit: Equatable, Sendable {
    case insert(Character)
    case deleteBackward
    case deleteWord
    case clear
}

/// What a yes/no confirmation does when accepted.
public enum ConfirmedOperation: Equatable, Sendable {
    case review(ReviewCommand)
    case clearCache(CacheClearScope)
    case requeue([Int64])
    case warmCache(CacheWarmTarget)
    /// Count what a warm would write (its dry run), which then asks again.
    case countCacheWarm(CacheWarmTarget)
}

/// A yes/no question before a dangerous action. Only `y` accepts (and the `alternative` key, when one is given);
/// anything else cancels.
public struct ConfirmationDialog: Equatable, Sendable {
    public var title: String
    public var lines: [String]
    public var operation: ConfirmedOperation
    /// Another key the dialog accepts, for another operation (the warm's `a`: count every store instead).
    public var alternative: (key: Character, operation: ConfirmedOperation)?

    public init(title: String, lines: [String], operation: ConfirmedOperation,
                alternative: (key: Character, operation: ConfirmedOperation)? = nil) {
        self.title = title
        self.lines = lines
        self.operation = operation
        self.alternative = alternative
    }

    public static func == (lhs: ConfirmationDialog, rhs: ConfirmationDialog) -> Bool {
        lhs.title == rhs.title && lhs.lines == rhs.lines && lhs.operation == rhs.operation
            && lhs.alternative?.key == rhs.alternative?.key && lhs.alternative?.operation == rhs.alternative?.operation
    }
}

/// A cache clear on its way: dry run first, then (for wide scopes) the phrase typed back, then the clear.
public struct CacheClearDialog: Equatable, Sendable {
    public var scope: CacheClearScope
    public var previewRequest: RequestID
    /// nil while the dry run runs.
    public var preview: CacheClearPreview?
    /// What the running dry run counted so far (wide scopes walk the keyspace in budgeted steps).
    public var counted: CacheClearPreview?
    public var typed = TextField(limit: 200)
    public var error: String?

    public init(scope: CacheClearScope, previewRequest: RequestID) {
        self.scope = scope
        self.previewRequest = previewRequest
    }

    /// True when Enter would start the clear.
    public var isConfirmable: Bool {
        guard let preview, preview.keyCount > 0 else { return false }
        return !scope.isWide || typed.text == scope.confirmationPhrase
    }
}

/// The replace form: a URL for one track, validated as it is typed.
public struct ReplaceForm: Equatable, Sendable {
    public var target: ReviewTarget
    public var trackTitle: String
    public var url = TextField(limit: 2048)

    public init(target: ReviewTarget, trackTitle: String) {
        self.target = target
        self.trackTitle = trackTitle
    }

    public var verdict: RecordingURL.Verdict { RecordingURL.validate(url.text) }
}

/// The command palette: a query and the actions that match it.
public struct PaletteState: Equatable, Sendable {
    public var query = TextField(limit: 80)
    public var cursor = 0

    public init() {}

    /// Actions usable on `screen` whose title matches the query, best first.
    public func matches(on screen: ConsoleScreen) -> [ActionDescriptor] {
        let needle = query.text.lowercased()
        let candidates = ActionCatalog.actions(on: screen).filter { $0.id != .palette }
        if needle.isEmpty { return candidates }
        return candidates
            .compactMap { descriptor -> (ActionDescriptor, Int)? in
                let haystack = descriptor.title.lowercased() + " " + descriptor.id.rawValue
                return FuzzyMatcher.score(needle, in: haystack).map { (descriptor, $0) }
            }
            .enumerated()
            .sorted { $0.element.1 != $1.element.1 ? $0.element.1 > $1.element.1 : $0.offset < $1.offset }
            .map(\.element.0)
    }
}

/// What sits on top of the screen and takes the keys first.
public enum ConsoleModal: Equatable, Sendable {
    case help(scroll: Int)
    case palette(PaletteState)
    /// Editing the filter of the focused list (applied as typed; Enter keeps it, Esc clears it).
    case filter(TextField)
    case confirm(ConfirmationDialog)
    case cacheClear(CacheClearDialog)
    case replace(ReplaceForm)
    /// "Search again" on YouTube for one track, then pick a result (`TrackSearchForm`).
    case search(TrackSearchForm)
}
