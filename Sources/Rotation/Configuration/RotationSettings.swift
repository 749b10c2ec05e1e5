import Foundation

/// Everything configurable, read from the environment (the baseline shared with the web app); command-line flags
/// override single fields.
public struct RotationSettings: Sendable {
    public var databaseURL: String?
    public var redisURL: String?
    /// Hex key that encrypts Discogs token secrets at rest; never printed.
    public var encryptionKey: String?
    public var discogsUserToken: String?
    public var discogsBaseURL: String
    /// Percent, as the web app reads it.
    public var cachePersistenceThreshold: Int
    public var audioMatchingBatchSize: Int
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
        encryptionKey = value("ENCRYPTION_KEY")
        discogsUserToken = value("DISCOGS_USER_TOKEN")
        discogsBaseURL = value("DISCOGS_API_URL") ?? "https://api.discogs.com"
        cachePersistenceThreshold = value("CACHE_PERSISTENCE_THRESHOLD").flatMap(Int.init) ?? 50
        audioMatchingBatchSize = value("AUDIO_MATCHING_BATCH_SIZE").flatMap(Int.init) ?? 5
        backgroundProcessingEnabled = value("BACKGROUND_PROCESSING_ENABLED").map { ["1", "true", "yes", "on"].contains($0.lowercased()) } ?? true
        cacheTTL = value("ROTATION_CACHE_TTL").flatMap(Int.init) ?? 86_400
        readOnly = value("ROTATION_READ_ONLY").map { ["1", "true", "yes", "on"].contains($0.lowercased()) } ?? false
    }
}
