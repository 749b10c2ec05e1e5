import Console
import Foundation
import Matching
import Rotation
import Synchronization

/// Runs the console's effects against the Rotation service: the match service's review actions, the review
/// queries, the cache tools and the queue, over the tiers as `TierConnections` reaches them (primary, replica
/// route, Redis server or cluster). Called off the UI thread; every answer goes to the inbox.
///
/// Connections open on first use and are retried on the next effect when a server is down, so the console starts
/// and stays up with either tier (or both) unavailable.
public final class ServiceEffectHandler: ConsoleEffectHandler, Sendable {
    public let settings: RotationSettings
    public let reviewer: String
    /// A program and its arguments that play a URL (`mpv --no-video`); the URL is appended as one argument.
    public let playerCommand: [String]?

    /// The primary for the queue's actions and every re-read after a write; lists, pages and stats from the
    /// replica when there is one and it has this console's writes; the cache.
    private let tiers: TierConnections
    /// The review actions, on the match service's own connections.
    private let writes: LazyResource<ReviewActions>
    private let stops = RequestStopSignals()
    /// The lease of the open release and the leases of the listed ones (issue 14, presence); nil without it.
    private let presence: ReleasePresenceFeed?
    /// Where the search form searches YouTube (`YOUTUBE_API_KEY`, `YOUTUBE_API_URL`, the daily budget) and
    /// SoundCloud (`SOUNDCLOUD_CLIENT_ID`, `SOUNDCLOUD_CLIENT_SECRET`, `SOUNDCLOUD_API_URL`); read per request, so a
    /// missing key is said in the form.
    private let searchConfiguration: @Sendable () throws -> YouTubeSearchConfiguration
    private let soundCloudConfiguration: @Sendable () throws -> SoundCloudSearchConfiguration

    /// `presenceSettings`: take and show presence leases (the console passes the environment's); nil: none.
    /// `searchConfiguration`, `soundCloudConfiguration`: YouTube and SoundCloud search for the search form (the
    /// environment's unless given).
    public init(settings: RotationSettings, reviewer: String, playerCommand: [String]? = nil,
                presenceSettings: PresenceSettings? = nil,
                searchConfiguration: @escaping @Sendable () throws -> YouTubeSearchConfiguration = { try YouTubeSearchConfiguration() },
                soundCloudConfiguration: @escaping @Sendable () throws -> SoundCloudSearchConfiguration = {
                    try SoundCloudSearchConfiguration()
                }) {
        self.searchConfiguration = searchConfiguration
        self.soundCloudConfiguration = soundCloudConfiguration
        self.settings = settings
        self.reviewer = reviewer
        self.playerCommand = playerCommand
        tiers = TierConnections(settings: settings, purpose: "rotation console")
        writes = LazyResource { ReviewActions(service: try MatchService(settings: settings)) }
        presence = presenceSettings.map { ReleasePresenceFeed(settings: settings, reviewer: reviewer, presenceSettings: $0) }
    }

    /// Deletes this console's presence lease (if still its own) and stops reading others': call when the console
    /// closes. A console that dies without it leaves a lease that lapses after its TTL.
    public func stopPresence() { presence?.stop() }

    /// The match service's own `match:*` hit and miss counters, once it exists (for the cache pane).
    public var serviceCounters: MatchCacheCounters? { writes.existing?.service.counters }

    /// The search form's search on `site`, on the primary: it reserves quota (YouTube) and fills the search cache.
    /// Throws the provider's not-configured error first, so the form can say what to set.
    private func reviewerSearch(_ site: SearchSite) throws -> ReviewerTrackSearch {
        switch site {
        case .youtube:
            let configuration = try searchConfiguration()
            let connection = try tiers.primary()
            return ReviewerTrackSearch(connection: connection,
                                       provider: YouTubeSearchProvider(configuration: configuration, connection: connection))
        case .soundcloud:
            let configuration = try soundCloudConfiguration()
            let connection = try tiers.primary()
            return ReviewerTrackSearch(connection: connection,
                                       provider: SoundCloudSearchProvider(configuration: configuration, connection: connection))
        }
    }

    public func perform(_ effect: ConsoleEffect, events: ConsoleEventInbox) {
        let id = effect.requestID
        do {
            try run(effect, events: events)
        } catch {
            events.post(.requestFailed(id, TierFailure.message(for: error)))
        }
        // A cancel names the request it stops: that mark must outlive the cancel itself (it is read by the
        // request, running or yet to run, which removes it when it finishes).
        if case .cancel = effect { return }
        stops.forget(id)
    }

    private func run(_ effect: ConsoleEffect, events: ConsoleEventInbox) throws {
        switch effect {
        case .loadStores(let id):
            let stores = try queries().stores(limit: 1000).items.map(StoreRow.init)
            events.post(.storesLoaded(id, stores))

        case .loadReleases(let id, let store, let after):
            let page = try queries().releases(of: store, order: .mostPending, after: after, limit: 100)
            events.post(.releasesLoaded(id, store: store, page.items.map(ReleaseRow.init), nextPage: page.nextCursor))
            presence?.showing(store: store, releaseIDs: page.items.map(\.releaseID), appended: after != nil, events: events)

        case .loadTracks(let id, let releaseID):
            presence?.opening(releaseID, events: events)
            events.post(.tracksLoaded(id, releaseID: releaseID, try trackRows(of: releaseID)))

        case .review(let id, let command):
            try review(command, id: id, events: events)

        case .undo(let id):
            let outcome = try writes.get().undo(reviewer: reviewer)
            tiers.wrote()
            var rows: [TrackRow] = []
            if let key = outcome.key {
                rows = try trackRows(of: key.releaseID, fromPrimary: true).filter { $0.index == key.trackIndex }
            }
            let what = outcome.key.map { " on \($0)" } ?? ""
            events.post(.reviewApplied(id, rows, summary: "Undone: the last decision\(what) is reversed"))

        case .loadInventory(let id, let store, let after):
            let page = try queries().releases(of: store, order: .oldest, after: after, limit: 100)
            let log = after == nil ? try queries().syncLog(of: store).map(SyncLogEntry.init) : []
            events.post(.inventoryLoaded(id, store: store, page.items.map(InventoryRelease.init), syncLog: log,
                                         nextPage: page.nextCursor))

        case .loadCacheKeys(let id, let after):
            // One budgeted SCAN step (ScanBudget.browse), however few match:* keys the keyspace holds.
            let redis = try tiers.redis()
            let stop = stops.signal(for: id)
            let page: CacheKeyPage
            do {
                page = try CacheKeyBrowser(redis: redis, database: try? tiers.reader()).page(after: after, stop: stop)
            } catch where TierFailure.isPostgresUnreachable(error) {
                // Postgres went away after it had been reached: the keys without stores and drift, not nothing.
                page = try CacheKeyBrowser(redis: redis, database: nil).page(after: after, stop: stop)
            }
            events.post(.cacheKeysLoaded(id, page.items.map(CacheKeyRow.init), nextPage: page.nextCursor,
                                         progress: CacheScanProgress(page.progress)))

        case .previewCacheClear(let id, let scope):
            let plan = try clearer().fullDryRun(try scope.target(), stop: stops.signal(for: id)) { counted in
                events.post(.cacheClearPreviewProgress(id, CacheClearPreview(scope: scope, plan: counted)))
            }
            // A stopped dry run's count is only a lower bound: it is reported as progress, never as the preview.
            events.post(plan.isComplete ? .cacheClearPreviewed(id, CacheClearPreview(scope: scope, plan: plan))
                                        : .cacheClearPreviewProgress(id, CacheClearPreview(scope: scope, plan: plan)))

        case .clearCache(let id, let scope):
            guard !settings.readOnly else { throw ReviewError.readOnly }
            let result = try clearer().clear(try scope.target(), stop: stops.signal(for: id)) { progress in
                events.post(.cacheClearProgress(id, cleared: progress.unlinked, total: progress.total ?? progress.scanned))
            }
            events.post(result.stopped ? .cacheClearStopped(id, cleared: result.unlinked)
                                       : .cacheClearFinished(id, cleared: result.unlinked))

        case .loadQueue(let id, let filter, _):
            events.post(.queueRowsLoaded(id, try queueRows(filter, fromPrimary: false)))

        case .requeue(let id, let jobIDs):
            let queue = ProcessingQueue(connection: try tiers.primary())
            var changed = 0
            var elsewhere = 0
            for release in try queue.releases(ofJobs: jobIDs) {
                let outcome = try queue.requeue(failedOnly: false, release: release)
                changed += outcome.requeued
                elsewhere += outcome.processingElsewhere
            }
            tiers.wrote()
            let left = elsewhere == 0 ? "" : "; \(elsewhere) left to another processor (the web app), still within the stuck limit"
            events.post(.queueRowsChanged(id, try queueRows(.attention, fromPrimary: true),
                                          summary: "Requeued \(changed) job\(changed == 1 ? "" : "s")" + left))

        case .bumpPriority(let id, let jobIDs):
            let queue = ProcessingQueue(connection: try tiers.primary())
            var changed = 0
            for release in try queue.releases(ofJobs: jobIDs) { changed += try queue.bump(release: release) }
            tiers.wrote()
            events.post(.queueRowsChanged(id, try queueRows(.queued, fromPrimary: true), summary: "Raised the priority of \(changed) job\(changed == 1 ? "" : "s")"))

        case .cancel(let id):
            stops.signal(for: id).requestStop()

        case .loadCalibration(let id):
            let settings = CalibrationSettings(policy: settings.matchPolicy)
            events.post(.calibrationLoaded(id, try CalibrationLog(database: try tiers.reader()).report(settings: settings)))

        case .prepareTrackSearch(let id, let track):
            events.post(.trackSearchAnswered(id, try TrackSearchAnswers.prepare(track, reviewerSearch)))

        case .searchTrack(let id, let track, let query):
            events.post(.trackSearchAnswered(id, try TrackSearchAnswers.search(track, query: query, reviewerSearch)))

        case .openURL(let id, let url):
            events.post(.notice(id, try URLLauncher.open(url)))

        case .playURL(let id, let url):
            events.post(.notice(id, try URLLauncher.play(url, with: playerCommand)))

        case .previewCacheWarm(let id, let target):
            let plan = try warmer().dryRun(target.scope)
            events.post(.cacheWarmPlanned(id, CacheWarmPlanSummary(target: target, approved: plan.approved,
                                                                   alreadyCached: plan.alreadyCached)))

        case .warmCache(let id, let target):
            guard !settings.readOnly else { throw ReviewError.readOnly }
            let result = try warmer().run(target.scope, stop: stops.signal(for: id)) { progress in
                events.post(.cacheWarmProgress(id, CacheWarmStatus(progress)))
            }
            events.post(.cacheWarmFinished(id, CacheWarmStatus(result)))

        case .loadReviewStats(let id, let days):
            let report = try ReviewStatistics(database: try tiers.reader()).report(days: days)
            events.post(.reviewStatsLoaded(id, ReviewStatsSummary(report)))
        }
    }

    // MARK: Reviews

    private func review(_ command: ReviewCommand, id: RequestID, events: ConsoleEventInbox) throws {
        let actions = try writes.get()
        var conflicts: [ConflictInfo] = []
        // Of a multi-track decision: refused with nothing changed, and lost in a commit whose outcome is unknown.
        var notApplied: [(track: TrackReference, reason: String)] = []
        var unknown: [(track: TrackReference, reason: String)] = []
        var applied: [TrackReference] = []
        for target in command.targets {
            if stops.signal(for: id).isStopRequested { break }
            let key = TrackKey(releaseID: target.track.releaseID, trackIndex: target.track.trackIndex)
            let seen: ReviewGuard
            switch target.seen {
            case .noMatch: seen = .absent
            case .match(let updatedAt): seen = .seen(updatedAt: updatedAt)
            }
            do {
                switch command.decision {
                case .approve: try actions.approve(key, seen: seen, reviewer: reviewer)
                case .reject: try actions.reject(key, seen: seen, reviewer: reviewer)
                case .replace(let url, _):
                    if case .noMatch = target.seen {
                        try actions.replace(key, url: url, seen: seen, reviewer: reviewer)
                    } else {
                        try actions.reject(key, seen: seen, reviewer: reviewer, replacement: url)
                    }
                case .needsReview: try actions.markNeedsReview(key, seen: seen, reviewer: reviewer)
                case .clear: try actions.clear(key, seen: seen, reviewer: reviewer)
                }
                applied.append(target.track)
            } catch ReviewError.conflict(let conflict) {
                if command.targets.count == 1 {
                    events.post(.reviewConflict(id, ConflictInfo(conflict)))
                    return
                }
                conflicts.append(ConflictInfo(conflict))
            } catch where command.targets.count > 1 {
                // One track's failure never stops the others; the report says which were left unchanged.
                let reason = Self.firstLine(of: error)
                if TierFailure.leftUnchanged(error) {
                    notApplied.append((target.track, reason))
                } else {
                    unknown.append((target.track, reason))
                }
            }
        }
        // Answer with the rows as they are now, read back once per release. Postgres may have gone away during
        // the batch: the report of what was applied matters more than the fresh rows.
        if !applied.isEmpty { tiers.wrote() }
        var rows: [TrackRow] = []
        var rereadProblem: String?
        do {
            for releaseID in Set(applied.map(\.releaseID)).sorted() {
                let wanted = Set(applied.filter { $0.releaseID == releaseID }.map(\.trackIndex))
                rows += try trackRows(of: releaseID, fromPrimary: true).filter { wanted.contains($0.index) }
            }
        } catch where command.targets.count > 1 {
            rereadProblem = Self.firstLine(of: error)
        }
        var summary = "\(Self.pastTense(command.decision)) \(applied.count) track\(applied.count == 1 ? "" : "s")"
        if command.targets.count > 1, !applied.isEmpty, !(notApplied.isEmpty && unknown.isEmpty) {
            summary += " (\(Self.list(applied)))"
        }
        if !conflicts.isEmpty { summary += "; \(conflicts.count) changed by someone else meanwhile, left alone" }
        if let first = notApplied.first {
            summary += "; \(notApplied.count) not applied (\(Self.list(notApplied.map { $0.track }))): \(first.reason)"
        }
        if let first = unknown.first {
            summary += "; \(unknown.count) unknown, check before redoing (\(Self.list(unknown.map { $0.track }))): \(first.reason)"
        }
        if let rereadProblem { summary += "; rows not re-read: \(rereadProblem)" }
        events.post(.reviewApplied(id, rows, conflicts: conflicts, summary: summary))
    }

    /// The first line of `TierFailure.message(for:)`: why, without the server's context lines, for a status line.
    private static func firstLine(of error: Error) -> String {
        TierFailure.message(for: error).split(separator: "\n").first.map(String.init) ?? ""
    }

    /// Tracks named in a summary, as `release/index`.
    private static func list(_ tracks: [TrackReference]) -> String {
        tracks.map(\.description).joined(separator: " ")
    }

    static func pastTense(_ decision: ReviewDecision) -> String {
        switch decision {
        case .approve: return "Approved"
        case .reject: return "Rejected"
        case .replace: return "Replaced"
        case .needsReview: return "Sent back to review"
        case .clear: return "Cleared"
        }
    }

    // MARK: Helpers

    /// The console's queries on the replica when it may answer, else on the primary.
    private func queries() throws -> ReviewQueries { ReviewQueries(database: try tiers.reader()) }

    /// A release's tracks; `fromPrimary` for the re-read after a write, which must see it.
    private func trackRows(of releaseID: Int64, fromPrimary: Bool = false) throws -> [TrackRow] {
        let detail = try (fromPrimary ? ReviewQueries(database: try tiers.primary()) : queries()).release(releaseID)
        return detail.tracks.compactMap { TrackRow($0, titleSource: detail.titleSource) }
    }

    /// The cache warmer of `rotation cache warm`, on the primary (its job row) and the cache.
    private func warmer() throws -> CacheWarmer {
        CacheWarmer(database: try tiers.primary(), redis: try tiers.redis(), ttlSeconds: settings.cacheTTL,
                    ttlJitterPercent: settings.cacheTTLJitterPercent, concurrency: settings.cacheWarmConcurrency)
    }

    private func clearer() throws -> CacheClearer { CacheClearer(redis: try tiers.redis(), database: try? tiers.primary()) }

    private func queueRows(_ filter: QueueFilter, fromPrimary: Bool) throws -> [QueueJobRow] {
        let queue = ProcessingQueue(connection: try fromPrimary ? tiers.primary() : tiers.reader())
        let now = Date()
        switch filter {
        case .attention:
            let rows = try (queue.list(status: "failed", limit: 100) + queue.list(status: "processing", limit: 100))
                .map { QueueJobRow($0, now: now) }
            return rows.filter(\.needsAttention)
        case .queued, .processing, .failed:
            return try queue.list(status: filter.rawValue, limit: 200).map { QueueJobRow($0, now: now) }
        }
    }
}

/// The stop signal of each request, shared between the UI thread's `.cancel` and the handler thread running the
/// request: the one cancellation token the review loop, the cache browse, dry runs and clears check between
/// batches. A cancel may arrive before its request starts: the signal then waits, already tripped.
final class RequestStopSignals: Sendable {
    private let signals = Mutex<[RequestID: StopSignal]>([:])

    func signal(for id: RequestID) -> StopSignal {
        signals.withLock { signals in
            if let signal = signals[id] { return signal }
            let signal = StopSignal()
            signals[id] = signal
            return signal
        }
    }

    func forget(_ id: RequestID) { signals.withLock { $0[id] = nil } }
}
