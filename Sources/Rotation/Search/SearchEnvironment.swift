import Foundation

/// The search tier's settings as the environment gives them: one home for how a variable is read (trimmed; empty
/// is unset), how a URL or a count is checked, and the search cache's TTL, which both providers share. Each
/// provider's configuration reads only its own variables through it, so a wrong YouTube setting never stops
/// SoundCloud, nor the other way round.
public struct SearchEnvironment: Sendable {
    /// Days a cached search answers, for every provider (the name predates SoundCloud and is kept for deployments).
    public static let cacheDaysVariable = "YOUTUBE_SEARCH_CACHE_DAYS"
    public static let defaultCacheTTLSeconds = 30.0 * 86_400

    public let variables: [String: String]

    public init(_ variables: [String: String] = ProcessInfo.processInfo.environment) { self.variables = variables }

    /// The variable's value, trimmed; nil when unset or blank.
    public func value(_ name: String) -> String? {
        guard let text = variables[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// An http(s) URL with a host, or `fallback` when unset. The error names the variable, never its value (a URL
    /// can carry credentials).
    public func url(_ name: String, default fallback: URL) throws -> URL {
        guard let text = value(name) else { return fallback }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              url.host != nil else {
            throw SearchSettingError(variable: name, requirement: "is not an http(s) URL")
        }
        return url
    }

    /// A whole number, 0 or more, or `fallback` when unset.
    public func wholeNumber(_ name: String, of unit: String, default fallback: Int) throws -> Int {
        guard let text = value(name) else { return fallback }
        guard let number = Int(text), number >= 0 else {
            throw SearchSettingError(variable: name, requirement: "must be a whole number of \(unit), 0 or more")
        }
        return number
    }

    /// How long a cached search answers, in seconds (`YOUTUBE_SEARCH_CACHE_DAYS`, default 30 days).
    public func cacheTTLSeconds() throws -> Double {
        guard let text = value(Self.cacheDaysVariable) else { return Self.defaultCacheTTLSeconds }
        guard let days = Double(text), days >= 0, days.isFinite else {
            throw SearchSettingError(variable: Self.cacheDaysVariable, requirement: "must be a number of days, 0 or more")
        }
        return days * 86_400
    }
}

/// A search setting that is present but wrong. Its description names the variable and what it must be, never the
/// value given.
public struct SearchSettingError: Error, CustomStringConvertible, Equatable, Sendable {
    public var variable: String
    public var requirement: String

    public init(variable: String, requirement: String) { self.variable = variable; self.requirement = requirement }

    public var description: String { "\(variable) \(requirement)" }
}
