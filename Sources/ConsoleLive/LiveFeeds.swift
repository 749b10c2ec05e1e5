import Console
import Foundation
import Rotation
import Synchronization

/// The console's live panes and live data: health, cache stats and queue stats sampled on background threads, and
/// the change feed's notifications coalesced into one event per interval. Nothing here runs on the UI thread, and
/// every sampler survives its server going away (it reports the tier down and tries again next interval).
public final class LiveFeeds: Sendable {
    private let settings: RotationSettings
    private let inbox: ConsoleEventInbox
    private let counters: @Sendable () -> MatchCacheCounters?
    private let state = Mutex(State())

    private struct State {
        var running = false
        /// Once stopped, never started again: a start that comes after the stop (the console's first page answered
        /// after it quit) does nothing.
        var stopped = false
        var threads: [Thread] = []
        var feed: ChangeFeed?
        var changes = Set<DataChange>()
        var healthInterval: TimeInterval = 2
        var statsInterval: TimeInterval = 1
        var changeInterval: TimeInterval = 0.25
    }

    /// How often each pane refreshes; set before `start()`.
    public var healthInterval: TimeInterval {
        get { state.withLock { $0.healthInterval } }
        set { state.withLock { $0.healthInterval = newValue } }
    }
    public var statsInterval: TimeInterval {
        get { state.withLock { $0.statsInterval } }
        set { state.withLock { $0.statsInterval = newValue } }
    }
    public var changeInterval: TimeInterval {
        get { state.withLock { $0.changeInterval } }
        set { state.withLock { $0.changeInterval = newValue } }
    }

    /// `counters` gives the match service's own hit/miss counters once the service exists.
    public init(settings: RotationSettings, inbox: ConsoleEventInbox,
                counters: @escaping @Sendable () -> MatchCacheCounters? = { nil }) {
        self.settings = settings
        self.inbox = inbox
        self.counters = counters
    }

    public func start() {
        state.withLock { state in
            guard !state.running, !state.stopped else { return }
            state.running = true
            state.threads = [
                loop("health", every: state.healthInterval) { [settings, inbox] in
                    let report = HealthCheck.run(settings: settings, timeoutSeconds: 2)
                    inbox.post(.healthChanged(HealthSnapshot(postgres: TierStatus(report.postgres), redis: TierStatus(report.redis),
                                                             replica: report.replica?.summary)))
                },
                loop("cache stats", every: state.statsInterval, body: cacheStatsStep()),
                loop("queue stats", every: state.statsInterval, body: queueStatsStep()),
                loop("changes", every: state.changeInterval) { [weak self] in self?.flushChanges() },
            ]
            if !settings.readOnly {
                state.threads.append(loop("cache repair", every: state.statsInterval, body: cacheRepairStep()))
            }
            if let url = settings.databaseURL {
                let feed = ChangeFeed(url: url, listenURL: settings.databaseListenURL)
                _ = feed.subscribe { [weak self] event in self?.receive(event) }
                state.feed = feed
                // start() waits for the first LISTEN, up to the connect timeout when Postgres is unreachable: never
                // on the caller's thread, which is about to paint the first frame.
                DispatchQueue.global().async { [weak self] in self?.startFeed(feed) }
            }
        }
    }

    /// A `stop()` that comes first wins; one that comes while the feed starts is honoured right after. The lock is
    /// not held across `start()`, which can wait for a connect timeout: the panes share the lock.
    private func startFeed(_ feed: ChangeFeed) {
        guard isCurrent(feed) else { return }
        feed.start()
        if !isCurrent(feed) { feed.stop() }
    }

    private func isCurrent(_ feed: ChangeFeed) -> Bool {
        state.withLock { $0.running && $0.feed === feed }
    }

    public func stop() {
        let feed = state.withLock { state in
            state.running = false
            state.stopped = true
            defer { state.feed = nil }
            return state.feed
        }
        feed?.stop()
    }

    private var isRunning: Bool { state.withLock { $0.running } }

    private func loop(_ name: String, every interval: TimeInterval, body: @escaping @Sendable () -> Void) -> Thread {
        let thread = Thread { [weak self] in
            while self?.isRunning == true {
                body()
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "rotation \(name)"
        thread.start()
        return thread
    }

    private func cacheStatsStep() -> @Sendable () -> Void {
        let sampler = CacheSamplerSlot()
        return { [inbox, settings, counters] in
            guard let stats = try? sampler.sampler(settings: settings, counters: counters())?.sample() else { return }
            inbox.post(.cacheStatsSampled(CacheSnapshot(stats)))
        }
    }

    private func queueStatsStep() -> @Sendable () -> Void {
        // The pane's counts are stats: the replica answers them when there is one.
        let tiers = TierConnections(settings: settings, purpose: "rotation queue pane", connectTimeout: 2, readOnly: true)
        let search = try? YouTubeSearchConfiguration(requireKey: false)
        return { [inbox] in
            guard let connection = try? tiers.reader(),
                  let stats = try? ProcessingQueue(connection: connection).statistics() else { return }
            var snapshot = QueueSnapshot(stats)
            if let search {
                let ledger = SearchQuotaLedger(connection: connection, provider: YouTubeSearchProvider.name,
                                               dailyBudget: search.dailyQuota)
                snapshot.searchQuota = Self.searchQuota(ledger, keyConfigured: !search.apiKey.isEmpty)
            }
            inbox.post(.queueStatsSampled(snapshot))
        }
    }

    /// Today's YouTube units (one row by primary key), shown when search is configured or the day saw any use; nil
    /// otherwise, and where the table does not exist yet (a database not migrated to 0013).
    static func searchQuota(_ ledger: SearchQuotaLedger, keyConfigured: Bool) -> SearchQuotaSnapshot? {
        guard let usage = try? ledger.usage() else { return nil }
        let used = usage.unitsUsed + usage.searches + usage.cacheHits + usage.cacheMisses + usage.refused > 0 || usage.exhausted
        guard keyConfigured || used else { return nil }
        return SearchQuotaSnapshot(unitsUsed: usage.unitsUsed, dailyBudget: ledger.dailyBudget, exhausted: usage.exhausted,
                                   unitsPerSearch: YouTubeClient.searchCost + YouTubeClient.videosCost)
    }

    /// Keys left stale while Redis was down or paused (`cache_repairs`) are repaired as soon as Redis answers again,
    /// whether or not the reviewer does anything (`BackgroundCacheRepair`). Not in read-only mode: no Redis writes.
    private func cacheRepairStep() -> @Sendable () -> Void {
        let tiers = TierConnections(settings: settings, purpose: "rotation cache repair", connectTimeout: 2)
        let repairs = BackgroundCacheRepair(interval: 0)
        return {
            guard let connection = try? tiers.primary(), let cache = try? tiers.redis() else { return }
            repairs.runIfDue(database: connection, redis: cache)
        }
    }

    private func receive(_ event: FeedEvent) {
        state.withLock { state in
            switch event {
            case .change(let change):
                if let dataChange = DataChange(change) { state.changes.insert(dataChange) }
            case .resync:
                state.changes.insert(.everything)
            case .disconnected:
                break  // the health pane reports the outage
            case .mode(let mode):
                if let note = mode.note { inbox.post(.liveUpdatesDegraded(note)) }
            }
        }
    }

    /// One event per interval however many rows changed: a store clear of 10k rows is one reload, not 10k.
    private func flushChanges() {
        let batch = state.withLock { state in
            defer { state.changes.removeAll() }
            return state.changes
        }
        if !batch.isEmpty { inbox.post(.dataChanged(Array(batch))) }
    }
}

/// The cache sampler, made again once the match service's counters exist (the service opens on first use).
private final class CacheSamplerSlot: @unchecked Sendable {
    private var current: CacheStatsSampler?
    private var hasCounters = false

    /// Only the cache-stats thread calls this. Nil without `REDIS_URL`.
    func sampler(settings: RotationSettings, counters: MatchCacheCounters?) throws -> CacheStatsSampler? {
        if let current, hasCounters || counters == nil { return current }
        guard let redis = try TierConnections.openRedis(settings) else { return nil }
        current?.stop()
        let made = CacheStatsSampler(redis: redis, counters: counters, scanInterval: 30,
                                     alertThresholds: settings.cacheAlertThresholds)
        current = made
        hasCounters = counters != nil
        return made
    }
}
