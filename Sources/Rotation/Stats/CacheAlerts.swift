import Foundation

/// A figure of the cache that an admin is alerted about (the seeds' thresholds).
public enum CacheAlertFigure: String, Codable, Sendable, CaseIterable {
    /// The fleet's match-lookup hit rate over the last hour, under the threshold.
    case hitRate = "hit_rate"
    /// The fleet's mean match-lookup time over the last hour, over the threshold.
    case lookupTime = "lookup_time"
    /// Memory used over this share of `maxmemory` (only when a limit is set).
    case memory
    /// Cached values the read path found unusable, over this share of cache reads in the last hour.
    case invalidValues = "invalid_values"

    /// The environment variable and the `[cache.alerts]` key of `config.toml` that set the threshold, its unit and
    /// its default: the one list every reader of the thresholds goes by.
    public var setting: (variable: String, configKey: String, unit: String, defaultValue: Double) {
        switch self {
        case .hitRate: ("CACHE_ALERT_HIT_RATE_PERCENT", "hit_rate_percent", "%", 50)
        case .lookupTime: ("CACHE_ALERT_LOOKUP_MS", "lookup_ms", "ms", 200)
        case .memory: ("CACHE_ALERT_MEMORY_PERCENT", "memory_percent", "%", 90)
        case .invalidValues: ("CACHE_ALERT_INVALID_PERCENT", "invalid_percent", "%", 5)
        }
    }
}

extension CacheAlertFigure: CodingKeyRepresentable {}

/// The alert thresholds of the cache pane and `rotation cache stats`, in the units they are written in (percent,
/// milliseconds). The environment is the baseline, the `[cache.alerts]` table of `config.toml` overrides it.
public struct CacheAlertThresholds: Codable, Sendable, Equatable {
    public var values: [CacheAlertFigure: Double]

    /// Rate alerts wait for this many cache reads in the hour: one miss out of one read is not a trend.
    public static let minimumReads = 20

    public static let defaults = CacheAlertThresholds(values: Dictionary(
        uniqueKeysWithValues: CacheAlertFigure.allCases.map { ($0, $0.setting.defaultValue) }))

    public init(values: [CacheAlertFigure: Double]) {
        self.values = values
    }

    /// The defaults, with what the environment sets (a value that is not a non-negative number is ignored).
    public init(environment: [String: String]) {
        self = .defaults
        for figure in CacheAlertFigure.allCases {
            if let text = environment[figure.setting.variable], let value = Double(text.trimmingCharacters(in: .whitespaces)),
               value.isFinite, value >= 0 {
                values[figure] = value
            }
        }
    }

    public subscript(figure: CacheAlertFigure) -> Double { values[figure] ?? figure.setting.defaultValue }

    /// Applies the `[cache.alerts]` keys of a config file; returns what was wrong with them ("unknown key", "not a
    /// number"), each skipped.
    public mutating func apply(configValues: [(key: String, value: Double?, line: Int)]) -> [String] {
        var problems: [String] = []
        for entry in configValues {
            guard let figure = CacheAlertFigure.allCases.first(where: { $0.setting.configKey == entry.key }) else {
                problems.append("line \(entry.line): unknown key \"\(entry.key)\" in [cache.alerts] (known: "
                    + CacheAlertFigure.allCases.map(\.setting.configKey).joined(separator: ", ") + ")")
                continue
            }
            guard let value = entry.value, value.isFinite, value >= 0 else {
                problems.append("line \(entry.line): [cache.alerts] \(entry.key) must be a non-negative number")
                continue
            }
            values[figure] = value
        }
        return problems
    }

    /// The figures past their thresholds, in `CacheAlertFigure` order.
    public func alerts(fleet: FleetLookups?, usedMemoryBytes: Int?, maxMemoryBytes: Int?) -> [CacheAlert] {
        var alerts: [CacheAlert] = []
        let reads = fleet.map { $0.total.hits + $0.total.misses } ?? 0
        if reads >= Self.minimumReads, let rate = fleet?.hitRate, rate * 100 < self[.hitRate] {
            alerts.append(CacheAlert(figure: .hitRate, value: rate * 100, threshold: self[.hitRate],
                                     message: "low hit rate \(Self.percent(rate * 100)) < \(Self.percent(self[.hitRate]))"))
        }
        if let mean = fleet?.meanLookupMilliseconds, mean > self[.lookupTime] {
            alerts.append(CacheAlert(figure: .lookupTime, value: mean, threshold: self[.lookupTime],
                                     message: "slow lookups \(Self.milliseconds(mean)) > \(Self.milliseconds(self[.lookupTime]))"))
        }
        if let used = usedMemoryBytes, let max = maxMemoryBytes, max > 0 {
            let share = Double(used) / Double(max) * 100
            if share > self[.memory] {
                alerts.append(CacheAlert(figure: .memory, value: share, threshold: self[.memory],
                                         message: "memory high \(Self.percent(share)) > \(Self.percent(self[.memory])) of maxmemory"))
            }
        }
        if reads >= Self.minimumReads, let rate = fleet?.invalidRate, rate * 100 > self[.invalidValues] {
            alerts.append(CacheAlert(figure: .invalidValues, value: rate * 100, threshold: self[.invalidValues],
                                     message: "invalid values \(Self.percent(rate * 100)) > \(Self.percent(self[.invalidValues]))"))
        }
        return alerts
    }

    static func percent(_ value: Double) -> String {
        value == value.rounded() ? String(format: "%.0f%%", value) : String(format: "%.1f%%", value)
    }

    static func milliseconds(_ value: Double) -> String {
        value >= 10 ? String(format: "%.0f ms", value) : String(format: "%.1f ms", value)
    }
}

/// One figure past its threshold, named in words (`message`) so that it does not rest on colour.
public struct CacheAlert: Codable, Sendable, Equatable {
    public var figure: CacheAlertFigure
    /// In the threshold's unit (percent or milliseconds).
    public var value: Double
    public var threshold: Double
    /// "low hit rate 42% < 50%": the figure named, its value and its threshold.
    public var message: String
}
