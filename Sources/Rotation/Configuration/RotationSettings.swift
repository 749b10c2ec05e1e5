import Foundation

/// Everything configurable, read from the environment (the baseline shared with the web app); command-line flags
/// override single fields.
public struct RotationSettings: Sendable {
    public var databaseURL: String?
    public var redisURL: String?
    public var discogsUserToken: String?
    public var discogsBaseURL: String
    /// Nil when unset: the web app's default of 5 suits its loop, our workers pick their own.
    public var audioMatchingBatchSize: Int?
    /// The web app's switch for background matching; `rotation worker` does nothing while it is off.
    public var backgroundProcessingEnabled: Bool
    /// Seconds a `match:*` key lives.
    public var cacheTTL: Int
    /// Every write refused by the servers themselves.
    public var readOnly: Bool

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        func value(_ name: String) -> String? {
            guard let v = environment[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        databaseURL = value("DATABASE_URL")
        redisURL = value("REDIS_URL")
        discogsUserToken = value("DISCOGS_USER_TOKEN")
        discogsBaseURL = value("DISCOGS_API_URL") ?? "https://api.discogs.com"
        audioMatchingBatchSize = value("AUDIO_MATCHING_BATCH_SIZE").flatMap(Int.init)
        backgroundProcessingEnabled = value("BACKGROUND_PROCESSING_ENABLED").map { ["1", "true", "yes", "on"].contains($0.lowercased()) } ?? true
        cacheTTL = value("ROTATION_CACHE_TTL").flatMap(Int.init) ?? 86_400
        readOnly = value("ROTATION_READ_ONLY").map { ["1", "true", "yes", "on"].contains($0.lowercased()) } ?? false
    }
}
