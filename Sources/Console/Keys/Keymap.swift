import Terminal

/// Keys bound to actions: data, not code. The defaults (`Keys/default-keymap.toml`) give every action a key (vim keys
/// and arrows both); `KeymapOverrides` reads them and replaces an action's keys from the user's `[keys]` section.
public struct Keymap: Equatable, Sendable {
    /// Keys per action, in the order the help screen lists them.
    public private(set) var bindings: [ActionID: [KeyEvent]]

    public init(bindings: [ActionID: [KeyEvent]]) {
        self.bindings = bindings
    }

    /// The built-in keymap: each registered screen's default keys (`ActionDescriptor.defaultKeys`, beside the
    /// screen), then `default-keymap.toml` (embedded as `BuiltinKeymap.source`) read like a user's `[keys]` section.
    /// A test keeps it free of problems; should one slip through, the keys that did apply stay.
    public static var defaults: Keymap { ScreenRegistry.current.defaultKeymap }

    /// The defaults for the actions of `catalog`, and what did not apply cleanly.
    static func defaults(for catalog: ActionCatalog) -> (keymap: Keymap, problems: [KeymapOverrides.Problem]) {
        var screenKeys = Keymap(bindings: [:])
        var problems: [KeymapOverrides.Problem] = []
        for descriptor in catalog.descriptors where !descriptor.defaultKeys.isEmpty {
            var keys: [KeyEvent] = []
            for name in descriptor.defaultKeys {
                do {
                    keys.append(try KeyEvent(name: name))
                } catch {
                    problems.append(KeymapOverrides.Problem(line: 0, message: "\(descriptor.id): \(error.description)"))
                }
            }
            screenKeys.setKeys(keys, for: descriptor.id)
        }
        let (keymap, fileProblems) = KeymapOverrides.apply(configText: BuiltinKeymap.source, to: screenKeys, catalog: catalog)
        return (keymap, problems + fileProblems)
    }

    /// The keys of `action` (empty when the user unbound it).
    public func keys(for action: ActionID) -> [KeyEvent] { bindings[action] ?? [] }

    /// The action `key` runs on `screen`, if any. Screen-specific actions win over global ones.
    public func action(for key: KeyEvent, on screen: ConsoleScreen) -> ActionID? {
        var global: ActionID?
        for descriptor in ActionCatalog.all where keys(for: descriptor.id).contains(key) {
            if !descriptor.screens.isEmpty && descriptor.screens.contains(screen) { return descriptor.id }
            if descriptor.screens.isEmpty && global == nil { global = descriptor.id }
        }
        return global
    }

    /// The first key's display name ("a", "Ctrl-R"), for hints; nil when unbound.
    public func keyLabel(for action: ActionID) -> String? { keys(for: action).first?.displayName }

    /// Every key's display name joined ("j ↓").
    public func keyLabels(for action: ActionID) -> String { keys(for: action).map(\.displayName).joined(separator: " ") }

    /// Pairs of actions that share a key on some screen.
    public var conflicts: [KeymapConflict] {
        var found: [KeymapConflict] = []
        let all = ActionCatalog.all
        for (offset, first) in all.enumerated() {
            for second in all[(offset + 1)...] where first.overlaps(second) {
                for key in keys(for: first.id) where keys(for: second.id).contains(key) {
                    found.append(KeymapConflict(key: key, first: first.id, second: second.id))
                }
            }
        }
        return found
    }

    /// Actions with no key at all (still reachable through the palette).
    public var unboundActions: [ActionID] { ActionCatalog.all.map(\.id).filter { keys(for: $0).isEmpty } }

    mutating func setKeys(_ keys: [KeyEvent], for action: ActionID) { bindings[action] = keys }
}

/// Two actions that one key would run on the same screen.
public struct KeymapConflict: Equatable, Sendable, CustomStringConvertible {
    public let key: KeyEvent
    public let first: ActionID
    public let second: ActionID

    public var description: String {
        "key \(key.configName) is bound to both \(first.rawValue) and \(second.rawValue)"
    }
}
