/// The parsers and text functions that are fuzzed, each with the invariant its check asserts. The fuzz binary
/// (`rotation-fuzz`) and the regression tests (`Tests/FuzzTests`) both call `check(_:)`, so an input that breaks
/// an invariant fails the same way in both.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `DiscogsDecoding.decode(DiscogsRelease.self, from:)`: succeeds or throws; a decoded release can be read.
    case discogsRelease = "discogs-release"
    /// `DiscogsDecoding.decode(DiscogsInventoryPage.self / DiscogsListing.self, from:)`: succeeds or throws.
    case discogsInventory = "discogs-inventory"
    /// `CachedMatchDecoder.decode(_:)`: never crashes; a value has a confidence in [0, 1] and reads back as it was.
    case cacheValue = "cache-value"
    /// `TerminalText.sanitize`, `width`, `cells`, `truncate`, `fit`, `pad`: no ESC, C0, DEL, C1 or bidi control
    /// survives, sanitizing is idempotent, the measured width is the width of the cells drawn, fit/pad are exact.
    case terminalText = "terminal-text"
    /// `ThemeLoader.load(text:file:)` and `KeymapOverrides.apply(configText:)`: never crash, errors are thrown or
    /// reported with a line.
    case themeConfig = "theme-config"
    /// `RedisConfiguration(url:)`: succeeds or throws; `redacted` does not depend on the password.
    case redisURL = "redis-url"
    /// `PostgresConfiguration(_:).redacted`: never shows the password or `sslpassword` libpq's `PQconninfoParse` finds.
    case postgresConninfo = "postgres-conninfo"

    /// The invariants `input` breaks (empty when it keeps them all). A crash is a finding too.
    public func check(_ input: [UInt8]) -> [FuzzViolation] {
        var violations = FuzzViolations()
        switch self {
        case .discogsRelease: DiscogsChecks.checkRelease(input, &violations)
        case .discogsInventory: DiscogsChecks.checkInventory(input, &violations)
        case .cacheValue: CacheValueChecks.check(input, &violations)
        case .terminalText: TerminalTextChecks.check(input, &violations)
        case .themeConfig: ConfigFileChecks.check(input, &violations)
        case .redisURL: ConnectionURLChecks.checkRedis(input, &violations)
        case .postgresConninfo: ConnectionURLChecks.checkPostgres(input, &violations)
        }
        return violations.found
    }
}

/// One broken invariant, in printable ASCII (any text from the input is escaped as `\u{...}`).
public struct FuzzViolation: Sendable, Equatable, CustomStringConvertible {
    public let invariant: String
    public let detail: String
    public var description: String { "\(invariant): \(detail)" }
}

/// Collects violations while a check runs.
struct FuzzViolations {
    private(set) var found: [FuzzViolation] = []

    mutating func expect(_ condition: Bool, _ invariant: String, _ detail: @autoclosure () -> String) {
        if !condition { found.append(FuzzViolation(invariant: invariant, detail: detail())) }
    }
}

/// Input text shown in a violation: printable ASCII kept, every other scalar as `\u{XXXX}`, at most 200 scalars.
func escaped(_ text: String) -> String {
    var result = ""
    for (index, scalar) in text.unicodeScalars.enumerated() {
        if index == 200 { result += "..."; break }
        if scalar.value >= 0x20 && scalar.value < 0x7F && scalar != "\\" {
            result.unicodeScalars.append(scalar)
        } else {
            result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        }
    }
    return "\"\(result)\""
}
