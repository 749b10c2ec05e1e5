import Foundation
import Matching

/// Everything configurable, read from the environment (the baseline shared with the web app); command-line flags
/// override single fields.
public struct RotationSettings: Sendable {
    public var databaseURL: String?
    /// `DATABASE_LISTEN_URL`: a direct connection for the change feed's LISTEN when `databaseURL` goes through a
    /// pooler in transaction mode (where notifications never arrive); without it the feed polls.
    public var databaseListenURL: String?
    /// `DATABASE_READ_URL`: a read replica for the console's lists, pages and stats; every guarded action and
    /// its re-read go to `databaseURL` (ReplicaReadRouting in ConsoleLive).
    public var databaseReadURL: String?
    public var redisURL: String?
    public var discogsUserToken: String?
    public var discogsBaseURL: String
    /// Nil when unset: the web app's default of 5 suits its loop, our workers pick their own.
    public var audioMatchingBatchSize: Int?
    /// The web app's switch for background matching; `rotation worker` does nothing while it is off.
    public var backgroundProcessingEnabled: Bool
    /// Seconds a `match:*` key lives at most.
    public var cacheTTL: Int
    /// `CACHE_TTL_JITTER_PERCENT`: every TTL written is shortened by a random 0 to this percent (0 to 50).
    public var cacheTTLJitterPercent: Int
    public static let defaultTTLJitterPercent = 10
    /// `CACHE_WARM_CONCURRENCY`: parallel Redis pipelines of `rotation cache warm`.
    public var cacheWarmConcurrency: Int
    /// Every write refused by the servers themselves.
    public var readOnly: Bool
    /// `AUTO_APPROVE_THRESHOLD`: the policy's auto-approve threshold; nil when unset (the policy's default, 0.80).
    public var autoApproveThreshold: Double?
    /// Why `AUTO_APPROVE_THRESHOLD` cannot be used, when it is set to something else than a number in
    /// [store threshold, 1]: the worker refuses to start rather than approve by a threshold nobody meant.
    public var autoApproveThresholdProblem: String?

    /// The policy the worker and the compute tier decide by: the default with the configured threshold.
    public var matchPolicy: MatchPolicy {
        var policy = MatchPolicy.default
        if let autoApproveThreshold { policy.autoApproveThreshold = autoApproveThreshold }
        return policy
    }

    /// The one reading of an auto-approve threshold (`AUTO_APPROVE_THRESHOLD`, `rotation matcher threshold`): a
    /// number from the policy's store threshold to 1, else nil.
    public static func autoApproveThreshold(parsing text: String) -> Double? {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite,
              value >= MatchPolicy.default.storeThreshold, value <= 1 else { return nil }
        return value
    }
    /// `CACHE_ALERT_*`: when the cache pane and `rotation cache stats` flag a figure (`CacheAlertThresholds`).
    public var cacheAlertThresholds: CacheAlertThresholds

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        func value(_ name: String) -> String? {
            guard let v = environment[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        databaseURL = value("DATABASE_URL")
        databaseListenURL = value("DATABASE_LISTEN_URL")
        databaseReadURL = value("DATABASE_READ_URL")
        redisURL = value("REDIS_URL")
        discogsUserToken = value("DISCOGS_USER_TOKEN")
        discogsBaseURL = value("DISCOGS_API_URL") ?? "https://api.discogs.com"
        audioMatchingBatchSize = value("AUDIO_MATCHING_BATCH_SIZE").flatMap(Int.init)
        backgroundProcessingEnabled = value("BACKGROUND_PROCESSING_ENABLED").map { ["1", "true", "yes", "on"].contains($0.lowercased()) } ?? true
        cacheTTL = value("ROTATION_CACHE_TTL").flatMap(Int.init) ?? 86_400
        cacheTTLJitterPercent = value("CACHE_TTL_JITTER_PERCENT").flatMap(Int.init).map { min(max($0, 0), 50) }
            ?? Self.defaultTTLJitterPercent
        cacheWarmConcurrency = value("CACHE_WARM_CONCURRENCY").flatMap(Int.init).map { min(max($0, 1), 16) } ?? 4
        cacheAlertThresholds = CacheAlertThresholds(environment: environment)
        readOnly = value("ROTATION_READ_ONLY").map { ["1", "true", "yes", "on"].contains($0.lowercased()) } ?? false
        if let text = value("AUTO_APPROVE_THRESHOLD") {
            autoApproveThreshold = Self.autoApproveThreshold(parsing: text)
            if autoApproveThreshold == nil {
                autoApproveThresholdProblem = "AUTO_APPROVE_THRESHOLD must be a number from "
                    + "\(MatchPolicy.default.storeThreshold) to 1, got \"\(text)\""
            }
        }
    }
}

/// Where one connection URL comes from, strongest first: the flag's value, the flag's file, the variable, the
/// variable's file (`DATABASE_URL_FILE`, `REDIS_URL_FILE`). A value and a file given at one level are a mistake,
/// refused rather than guessed between.
public struct ConnectionURLChoice: Sendable {
    public var flagValue: String?
    public var flagFile: String?
    public var flagName: String

    public init(flagValue: String?, flagFile: String?, flagName: String) {
        self.flagValue = flagValue
        self.flagFile = flagFile
        self.flagName = flagName
    }
}

extension RotationSettings {
    /// The settings of a command: the environment, then the URL flags and the files they or the environment name.
    /// Returns warnings to show (a URL file other users can read).
    public static func resolve(
        database: ConnectionURLChoice, redis: ConnectionURLChoice,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (settings: RotationSettings, warnings: [String]) {
        var settings = RotationSettings(environment: environment)
        var warnings: [String] = []
        func url(_ choice: ConnectionURLChoice, variable: String, current: String?) throws -> String? {
            func read(_ path: String) throws -> String {
                let file = try ConnectionURLFile.read(path: path)
                if let warning = file.warning { warnings.append(warning) }
                return file.url
            }
            switch (choice.flagValue, choice.flagFile) {
            case (.some, .some):
                throw ConnectionURLFileError(path: choice.flagFile!, reason:
                    "--\(choice.flagName) and --\(choice.flagName)-file both given; pass one")
            case (.some(let value), nil): return value
            case (nil, .some(let path)): return try read(path)
            case (nil, nil): break
            }
            if let current { return current }
            guard let path = environment["\(variable)_FILE"], !path.isEmpty else { return nil }
            return try read(path)
        }
        settings.databaseURL = try url(database, variable: "DATABASE_URL", current: settings.databaseURL)
        settings.redisURL = try url(redis, variable: "REDIS_URL", current: settings.redisURL)
        return (settings, warnings)
    }
}
