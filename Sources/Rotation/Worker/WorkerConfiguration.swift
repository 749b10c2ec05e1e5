import Foundation
import Matching

/// Everything a matching worker is told: batch size, policy thresholds, queue leases and retries, cache TTL.
public struct WorkerConfiguration: Sendable {
    /// Jobs claimed at once (`AUDIO_MATCHING_BATCH_SIZE`, or `--batch`); their results are written in one transaction.
    public var batchSize: Int
    public var policy: MatchPolicy
    public var queuePolicy: QueuePolicy
    public var matcher: TrackMatcher
    /// `verified_by` of matches approved automatically, so reviewers and the web app can tell them from people's.
    public var autoApprover: String
    public var cacheTTLSeconds: Int
    /// Candidates scoring at or below this are not stored in `match_candidates`, except each track's best
    /// `candidatesKeptPerTrack`. The default drops only candidates the matcher ruled out (exactly 0: videos of
    /// other tracks, about nine in ten), which would cost more to write than matching the release; a negative
    /// value stores every candidate.
    public var candidateFloor: Double = 0
    public var candidatesKeptPerTrack = 3
    /// Search for tracks the release's Discogs videos leave unmatched (YouTube, within the shared daily quota); nil
    /// (the default) matches on Discogs videos only. `init(settings:)` turns it on when `YOUTUBE_API_KEY` is set.
    public var search: YouTubeSearchConfiguration?
    /// SoundCloud search for the tracks YouTube (or its absence) leaves unmatched; nil (the default) searches no
    /// SoundCloud. `init(settings:)` turns it on when `SOUNDCLOUD_CLIENT_ID` and `SOUNDCLOUD_CLIENT_SECRET` are set.
    public var soundCloudSearch: SoundCloudSearchConfiguration?
    /// Benchmarks only: releases matched in advance, written instead of running the matcher (the write floor).
    public var matchesInAdvance: MatchesInAdvance?

    public init(batchSize: Int = 5, policy: MatchPolicy = .default, queuePolicy: QueuePolicy = .default,
                matcher: TrackMatcher = TrackMatcher(), autoApprover: String = "rotation-matcher",
                cacheTTLSeconds: Int = 86_400) {
        self.batchSize = max(1, batchSize); self.policy = policy; self.queuePolicy = queuePolicy
        self.matcher = matcher; self.autoApprover = autoApprover; self.cacheTTLSeconds = cacheTTLSeconds
    }

    public init(settings: RotationSettings, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(batchSize: settings.audioMatchingBatchSize ?? 5, policy: settings.matchPolicy, cacheTTLSeconds: settings.cacheTTL)
        search = Self.searchConfiguration(environment: environment)
        soundCloudSearch = Self.soundCloudSearchConfiguration(environment: environment)
    }

    /// YouTube search as the environment configures it: nil without `YOUTUBE_API_KEY`; with a key but another
    /// setting wrong, nil too, and the reason on standard error (never the key).
    static func searchConfiguration(environment: [String: String]) -> YouTubeSearchConfiguration? {
        guard !(environment["YOUTUBE_API_KEY"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        do {
            return try YouTubeSearchConfiguration(environment: environment)
        } catch {
            FileHandle.standardError.write(Data("worker: search is off: \(error)\n".utf8))
            return nil
        }
    }

    /// SoundCloud search as the environment configures it: nil without both `SOUNDCLOUD_CLIENT_ID` and
    /// `SOUNDCLOUD_CLIENT_SECRET`; with them but a URL wrong, nil too, and the reason on standard error (never the
    /// secret).
    static func soundCloudSearchConfiguration(environment: [String: String]) -> SoundCloudSearchConfiguration? {
        let set = { (name: String) in !(environment[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        guard set("SOUNDCLOUD_CLIENT_ID"), set("SOUNDCLOUD_CLIENT_SECRET") else { return nil }
        do {
            return try SoundCloudSearchConfiguration(environment: environment)
        } catch {
            FileHandle.standardError.write(Data("worker: SoundCloud search is off: \(error)\n".utf8))
            return nil
        }
    }
}
