import Terminal

/// Applies the user's `[keys]` section (`approve = ["a", "<c-a>"]`, or one string) over the default keymap; the
/// defaults themselves are such a section (`default-keymap.toml`) applied over an empty keymap.
/// Problems are reported with their line and never stop the console: a bad entry is skipped, and a key that
/// would run two actions stays with the action the user named and is taken from the other one.
public enum KeymapOverrides {
    /// A line of the config that was not applied as written.
    public struct Problem: Equatable, Sendable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { line > 0 ? "line \(line): \(message)" : message }
    }

    /// The keymap from `base` with the `[keys]` table of `configText` applied (other tables are ignored).
    public static func apply(configText: String, to base: Keymap = .defaults) -> (keymap: Keymap, problems: [Problem]) {
        apply(configText: configText, to: base, catalog: ScreenRegistry.current.catalog)
    }

    /// `apply` for the actions of `catalog` (the registry builds its defaults with this before it is current).
    static func apply(configText: String, to base: Keymap, catalog: ActionCatalog) -> (keymap: Keymap, problems: [Problem]) {
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: configText)
        } catch {
            return (base, [Problem(line: error.line, message: error.message)])
        }
        guard let section = document.root["keys"] else { return (base, []) }
        guard case .table(let table) = section.value else {
            return (base, [Problem(line: section.line,
                                   message: "keys must be a table: [keys] with action = [\"key\", ...]")])
        }
        var keymap = base
        var problems: [Problem] = []
        var userBound: [KeyEvent: (action: ActionID, line: Int)] = [:]
        for entry in table.entries {
            let action = ActionID(rawValue: entry.key)
            guard let descriptor = catalog.descriptor(ifKnown: action) else {
                problems.append(Problem(line: entry.line,
                                        message: "unknown action \"\(TerminalText.sanitize(entry.key))\""))
                continue
            }
            let names: [String]
            if let name = entry.value.stringValue {
                names = [name]
            } else if let list = entry.value.stringsValue {
                names = list
            } else {
                problems.append(Problem(line: entry.line,
                                        message: "\(entry.key): expected a key name or a list of key names, got \(entry.value.typeName)"))
                continue
            }
            var keys: [KeyEvent] = []
            for name in names {
                do {
                    let key = try KeyEvent(name: name)
                    if let earlier = userBound[key], earlier.action != action,
                       catalog.descriptor(ifKnown: earlier.action)?.overlaps(descriptor) == true {
                        problems.append(Problem(line: entry.line,
                                                message: "\(key.configName) is already bound to \(earlier.action.rawValue) on line \(earlier.line); ignored for \(action.rawValue)"))
                        continue
                    }
                    if !keys.contains(key) { keys.append(key) }
                    userBound[key] = (action, entry.line)
                } catch {
                    problems.append(Problem(line: entry.line, message: "\(entry.key): \(error.description)"))
                }
            }
            keymap.setKeys(keys, for: action)
            if keys.isEmpty {
                problems.append(Problem(line: entry.line,
                                        message: "\(action.rawValue) has no key now; run it from the palette (:)"))
            }
        }
        // A user key takes precedence: remove it from any default binding it now collides with.
        for (key, owner) in userBound.sorted(by: { ($0.value.line, $0.key.configName) < ($1.value.line, $1.key.configName) }) {
            guard let descriptor = catalog.descriptor(ifKnown: owner.action) else { continue }
            for other in catalog.descriptors where other.id != owner.action && descriptor.overlaps(other) {
                guard userBound.values.contains(where: { $0.action == other.id }) == false else { continue }
                var keys = keymap.keys(for: other.id)
                if let position = keys.firstIndex(of: key) {
                    keys.remove(at: position)
                    keymap.setKeys(keys, for: other.id)
                    problems.append(Problem(line: owner.line,
                                            message: "\(key.configName) now runs \(owner.action.rawValue), so \(other.id.rawValue) lost it" +
                                                (keys.isEmpty ? " and has no key left" : "")))
                }
            }
        }
        problems.sort { ($0.line, $0.message) < ($1.line, $1.message) }
        return (keymap, problems)
    }
}
