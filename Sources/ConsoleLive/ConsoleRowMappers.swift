import Console
import Foundation
import Matching
import Rotation

// Mappers from Rotation's query models (summaries, track rows, cache and queue statistics, conflicts, change
// events) to the console's rows and snapshots, and back from a console cache scope to the service's clear target.
// Kept apart from the handler so the mapping can be read (and tested) on its own.

extension StoreRow {
    init(_ summary: StoreSummary) {
        self.init(name: summary.store, pending: summary.pendingCount, unmatched: summary.unmatchedCount)
    }
}

extension ReleaseRow {
    init(_ summary: ReleaseSummary) {
        self.init(discogsID: summary.releaseID, title: summary.title ?? "(release \(summary.releaseID))",
                  artist: summary.artist ?? "", catno: summary.catno ?? "", pending: summary.pendingCount)
    }
}

extension InventoryRelease {
    init(_ summary: ReleaseSummary) {
        // matchedCount counts every stored match, pending ones included.
        self.init(discogsID: summary.releaseID, title: summary.title ?? "(release \(summary.releaseID))",
                  artist: summary.artist ?? "", year: summary.year, trackCount: summary.trackCount,
                  approved: max(0, summary.matchedCount - summary.pendingCount), pending: summary.pendingCount)
    }
}

extension TrackRow {
    /// nil for headings, which are never matched and not reviewed. `titleSource` is the release's.
    init?(_ row: TrackReviewRow, titleSource: TrackTitleSource? = nil) {
        let status: TrackRowStatus
        switch row.status {
        case .approved: status = .approved
        case .pending: status = .pending
        case .unmatched: status = .unmatched
        case .heading: return nil
        }
        let match = row.match
        self.init(
            releaseID: row.key.releaseID, index: row.key.trackIndex, position: row.position ?? "",
            title: row.title ?? "", duration: row.duration ?? "",
            platform: match.flatMap { Platform(rawValue: $0.platform) }, url: match?.matchURL,
            confidence: match?.confidence, confidenceScale: match?.confidenceScale ?? .unit, status: status,
            updatedAt: match?.updatedAt, verifiedBy: match?.verifiedBy,
            candidates: row.candidates.map(CandidateOption.init))
        if titleSource == .storedDiscogsBody, row.title != nil { titleSourceNote = titleSource?.label }
    }
}

extension CandidateOption {
    init(_ row: CandidateRow) {
        self.init(url: row.url, platform: Platform(rawValue: row.platform), title: row.title ?? row.url,
                  confidence: row.confidence, evidence: ScoreEvidence.signals(in: row.evidence), rejected: row.rejected,
                  source: CandidateSource(recorded: Self.recordedSource(in: row.evidence)))
    }

    /// `evidence->>'source'` when it is a string; absent on rows written before the worker recorded it.
    static func recordedSource(in evidence: JSONValue) -> String? {
        guard case .object(let object) = evidence, case .string(let source)? = object["source"] else { return nil }
        return source
    }
}

extension CandidateSource {
    /// Reads `evidence->>'source'` with the providers' own names: absent, empty or `discogs` is a Discogs video.
    init(recorded: String?) {
        switch recorded?.lowercased() {
        case nil, "", "discogs": self = .discogs
        case YouTubeSearchProvider.name?: self = .youtubeSearch
        case SoundCloudSearchProvider.name?: self = .soundcloudSearch
        case let name?: self = .other(name)
        }
    }
}

extension ScoreEvidence {
    /// Reads `{"signals": [{"name", "value", "weight", "contribution"}]}`, the matcher's evidence; anything else
    /// (evidence written by another program) gives no rows rather than an error.
    static func signals(in evidence: JSONValue) -> [ScoreEvidence] {
        guard case .object(let object) = evidence, case .array(let signals)? = object["signals"] else { return [] }
        return signals.compactMap { signal in
            guard case .object(let fields) = signal, case .string(let name)? = fields["name"] else { return nil }
            func number(_ key: String) -> Double? {
                if case .number(let value)? = fields[key] { return value }
                return nil
            }
            return ScoreEvidence(signal: name, value: number("value") ?? 0, weight: number("weight") ?? 0,
                                 contribution: number("contribution"))
        }
    }
}

extension CacheKeyRow {
    init(_ entry: CacheKeyEntry) {
        self.init(key: entry.key, store: entry.store, ttlSeconds: entry.ttlSeconds, valueSummary: entry.summary,
                  drifted: entry.drifted)
    }
}

extension CacheScanProgress {
    init(_ progress: ScanProgress) {
        self.init(examined: progress.examined, totalKeys: progress.totalKeys, found: progress.found, complete: progress.complete)
    }
}

extension CacheClearPreview {
    init(scope: CacheClearScope, plan: CacheClearPlan) {
        self.init(scope: scope, keyCount: plan.count, sample: plan.sample,
                  progress: plan.position == nil ? nil : CacheScanProgress(plan.progress))
    }
}

extension CacheClearScope {
    func target() throws -> CacheClearTarget {
        switch self {
        case .key(let name):
            guard let key = TrackKey(cacheKey: name) else { throw CacheKeyError(key: name) }
            return .key(key)
        case .release(let id): return .release(id)
        case .store(let name): return .store(name)
        case .allMatchKeys: return .allMatches
        case .drift: return .drift
        }
    }
}

struct CacheKeyError: Error, CustomStringConvertible {
    var key: String
    var description: String { "\(key) is not a match:{release}:{track} key" }
}

extension QueueJobRow {
    init(_ entry: QueueEntry, now: Date) {
        let status = QueueStatus(rawValue: entry.status) ?? .queued
        let since = entry.startedAt ?? entry.queuedAt ?? now
        self.init(id: entry.id, store: entry.store, discogsID: entry.discogsID, status: status, priority: entry.priority,
                  retryCount: entry.retryCount, ageSeconds: max(0, Int(now.timeIntervalSince(since))),
                  stuck: entry.isStuck(at: now), errorMessage: entry.errorMessage)
    }
}

extension SyncLogEntry {
    init(_ entry: StoreSyncEntry) {
        self.init(at: entry.at, listingsProcessed: entry.listingsProcessed, newReleases: entry.newReleases,
                  matchesCreated: entry.matchesCreated)
    }
}

extension CacheSnapshot {
    init(_ stats: CacheStats) {
        var spread: CacheTTLSpread?
        if let ttl = stats.ttlSpread {
            spread = CacheTTLSpread(buckets: [
                .init("<1h", ttl.underOneHour), .init("1-6h", ttl.oneToSixHours), .init("6-12h", ttl.sixToTwelveHours),
                .init("12-24h", ttl.twelveToTwentyFourHours), .init(">24h", ttl.overTwentyFourHours),
            ], withoutTTL: ttl.persistent)
        }
        self.init(totalKeys: stats.totalKeys, matchKeys: stats.matchKeys, scanAgeSeconds: stats.scanAgeSeconds.map { Int($0) },
                  memoryUsedBytes: stats.usedMemoryBytes, memoryMaxBytes: stats.maxMemoryBytes, evictions: stats.evictedKeys,
                  opsPerSecond: stats.opsPerSecond.map(Double.init), hitRate: stats.serverHitRate ?? stats.serverHitRateLifetime,
                  serviceHits: stats.service?.hits ?? 0, serviceMisses: stats.service?.misses ?? 0, ttlSpread: spread,
                  limits: stats.limits)
        fleetHitRate = stats.fleet?.hitRate
        fleetMinutes = stats.fleet?.minutes.map(\.hitRate) ?? []
        alerts = stats.alerts.map { CachePaneAlert(CachePaneAlert.Figure($0.figure), $0.message) }
    }
}

extension CachePaneAlert.Figure {
    init(_ figure: CacheAlertFigure) {
        switch figure {
        case .hitRate: self = .hitRate
        case .lookupTime: self = .lookupTime
        case .memory: self = .memory
        case .invalidValues: self = .invalidValues
        }
    }
}

extension QueueSnapshot {
    init(_ stats: QueueStatistics, now: Date = Date()) {
        var counts: [QueueStatus: Int] = [:]
        for status in QueueStatus.allCases { counts[status] = stats.counts[status.rawValue] ?? 0 }
        self.init(counts: counts, oldestQueuedSeconds: stats.oldestQueuedAgeSeconds.map { Int($0) },
                  throughputPerMinute: stats.throughputPerSecond * 60, stuck: stats.stuck.count, failed: stats.failed,
                  etaSeconds: stats.etaSeconds.map { Int($0.rounded(.up)) }, postponed: stats.postponed,
                  latestPostponed: stats.latestPostponed.map {
                      PostponedJob(discogsID: $0.discogsID, reason: $0.errorMessage ?? "",
                                   dueInSeconds: Int(($0.nextAttemptAt ?? now).timeIntervalSince(now).rounded(.up)))
                  })
    }
}

extension TierStatus {
    init(_ health: TierHealth) {
        let detail = [health.deployment, health.tlsVersion].compactMap { $0 }.joined(separator: " · ")
        self.init(isUp: health.up, roundTripMilliseconds: health.roundTripMilliseconds, problem: health.error,
                  detail: detail.isEmpty ? nil : detail)
    }
}

extension ConflictInfo {
    init(_ conflict: ReviewConflict) {
        self.init(track: TrackReference(releaseID: conflict.key.releaseID, trackIndex: conflict.key.trackIndex),
                  changedBy: conflict.changedBy, changedAt: conflict.changedAt)
    }
}

extension DataChange {
    init?(_ event: ChangeEvent) {
        switch event.table {
        case .trackMatches:
            guard let key = event.key else { return nil }
            self = .trackMatch(TrackReference(releaseID: key.releaseID, trackIndex: key.trackIndex))
        case .processingQueue:
            guard let releaseID = event.releaseID else { return nil }
            self = .queueRow(discogsID: releaseID)
        }
    }
}
