import Foundation
import Postgres
import Synchronization

/// Listens on the triggers' channel (`rotation_changes`) on a dedicated connection and hands typed events to
/// subscribers, from its own thread. After the connection was lost and re-established, subscribers get `.resync`,
/// since notifications sent meanwhile are gone. Where LISTEN does not deliver (a pooler in transaction mode) it
/// listens on a direct connection when given one, else polls and sends `.resync` when rows changed; subscribers
/// hear which with `.mode` (ChangeFeedMode.swift).
public final class ChangeFeed: Sendable {
    public static let channel = "rotation_changes"

    /// A handle to remove a subscriber.
    public struct Subscription: Hashable, Sendable {
        let id: Int
    }

    private let configuration: PostgresConfiguration
    /// `DATABASE_LISTEN_URL`: a direct connection, used when LISTEN through `configuration` does not deliver.
    private let listenConfiguration: PostgresConfiguration?
    private struct Listeners {
        var mode: ChangeFeedMode?
        var subscribers: [Int: @Sendable (FeedEvent) -> Void] = [:]
        var nextID = 0
        var running = false
        /// Whether a feed thread was started and `stop()` must wait for it.
        var threadStarted = false
    }

    private let listeners = Mutex(Listeners())
    private let stopped = DispatchSemaphore(value: 0)
    /// How long one wait on the socket lasts: bounds how quickly `stop()` returns.
    private let pollInterval: TimeInterval
    /// How long a probe NOTIFY may take to come back before LISTEN counts as not delivering.
    private let probeTimeout: TimeInterval
    /// How often the change counters are read when polling.
    private let changePollInterval: TimeInterval

    /// `configuration` names the database; the feed opens its own connection to it (or to `listenConfiguration`).
    public init(configuration: PostgresConfiguration, listenConfiguration: PostgresConfiguration? = nil,
                pollInterval: TimeInterval = 0.25, probeTimeout: TimeInterval = 2, changePollInterval: TimeInterval = 1) {
        func named(_ configuration: PostgresConfiguration) -> PostgresConfiguration {
            var configuration = configuration
            configuration.applicationName = "rotation-feed"
            return configuration
        }
        self.configuration = named(configuration)
        self.listenConfiguration = listenConfiguration.map(named)
        self.pollInterval = pollInterval
        self.probeTimeout = probeTimeout
        self.changePollInterval = changePollInterval
    }

    public convenience init(url: String, listenURL: String? = nil) {
        self.init(configuration: PostgresConfiguration(url), listenConfiguration: listenURL.map { PostgresConfiguration($0) })
    }

    /// How changes reach the feed; nil until it first connected.
    public var mode: ChangeFeedMode? { listeners.withLock { $0.mode } }

    deinit { stop() }

    @discardableResult
    public func subscribe(_ handler: @escaping @Sendable (FeedEvent) -> Void) -> Subscription {
        listeners.withLock { listeners in
            listeners.nextID += 1
            listeners.subscribers[listeners.nextID] = handler
            return Subscription(id: listeners.nextID)
        }
    }

    public func unsubscribe(_ subscription: Subscription) {
        listeners.withLock { $0.subscribers[subscription.id] = nil }
    }

    /// The events as an async sequence (a subscription that ends when the stream is dropped).
    public func events() -> AsyncStream<FeedEvent> {
        AsyncStream { continuation in
            let subscription = subscribe { continuation.yield($0) }
            continuation.onTermination = { [weak self] _ in self?.unsubscribe(subscription) }
        }
    }

    /// Starts listening. Returns once the first LISTEN is in place, so changes made after `start()` are seen; when
    /// Postgres is down it returns at once and the feed keeps retrying.
    public func start() {
        let alreadyRunning = listeners.withLock { listeners in
            if listeners.running { return true }
            listeners.running = true
            return false
        }
        guard !alreadyRunning else { return }
        let ready = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in run(ready: ready) }
        thread.name = "rotation-change-feed"
        listeners.withLock { $0.threadStarted = true }
        thread.start()
        _ = ready.wait(timeout: .now() + .seconds(Int(configuration.connectTimeout) + 1))
    }

    /// Stops listening and waits for the feed's thread to finish.
    public func stop() {
        let mustWait = listeners.withLock { listeners in
            let mustWait = listeners.running && listeners.threadStarted
            listeners.running = false
            if mustWait { listeners.threadStarted = false }
            return mustWait
        }
        if mustWait { stopped.wait() }
    }

    private var isRunning: Bool {
        listeners.withLock { $0.running }
    }

    private func publish(_ event: FeedEvent) {
        let handlers = listeners.withLock { Array($0.subscribers.values) }
        for handler in handlers { handler(event) }
    }

    private func run(ready: DispatchSemaphore) {
        defer { stopped.signal() }
        var connection: PostgresConnection?
        var lastCounter: Int64?
        var signalled = false
        var everConnected = false
        var knownGeneration = 0
        var lostConnection = false
        var backoff: TimeInterval = 0.2
        while isRunning {
            do {
                if connection == nil {
                    let (opened, mode) = try openConnection()
                    connection = opened
                    knownGeneration = opened.generation
                    lastCounter = nil
                    if everConnected { publish(.resync) }
                    everConnected = true
                    let changed = listeners.withLock { listeners in
                        defer { listeners.mode = mode }
                        return listeners.mode != mode
                    }
                    if changed { publish(.mode(mode)) }
                }
                if !signalled { ready.signal(); signalled = true }
                guard let connection else { continue }
                if case .polling(let interval, _) = listeners.withLock({ $0.mode }) {
                    let counter = try ChangeFeedProbe.changeCounter(connection)
                    if let lastCounter, counter != lastCounter { publish(.resync) }
                    lastCounter = counter
                    lostConnection = false
                    backoff = 0.2
                    let deadline = Date().addingTimeInterval(interval)
                    while isRunning && Date() < deadline { Thread.sleep(forTimeInterval: min(pollInterval, 0.05)) }
                    continue
                }
                let notifications = try connection.waitForNotifications(timeout: pollInterval)
                if connection.generation != knownGeneration {
                    // The client reconnected (and listened again) inside the call.
                    knownGeneration = connection.generation
                    publish(.resync)
                }
                lostConnection = false
                backoff = 0.2
                notifications.forEach(deliver)
            } catch {
                if !signalled { ready.signal(); signalled = true }
                if !lostConnection { publish(.disconnected("\(error)")) }
                lostConnection = true
                if let current = connection, !current.isConnected { connection = nil }
                let deadline = Date().addingTimeInterval(backoff)
                while isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
                backoff = min(backoff * 2, 5)
            }
        }
        connection?.close()
    }

    private func deliver(_ notification: PostgresNotification) {
        if notification.channel == Self.channel, let event = ChangeEvent(payload: notification.payload) {
            publish(.change(event))
        }
    }

    /// A connection that receives the triggers' notifications, and how: LISTEN on `configuration` when a probe
    /// shows it delivers, else on `listenConfiguration`, else a connection to poll with.
    private func openConnection() throws -> (PostgresConnection, ChangeFeedMode) {
        let opened = try PostgresConnection(configuration)
        let reason: String
        if opened.sessionOptionsApplied {
            try opened.listen(Self.channel)
            if try ChangeFeedProbe.notificationsArrive(on: opened, configuration: configuration, timeout: probeTimeout,
                                                         others: deliver) {
                return (opened, .listening)
            }
            try opened.unlisten(Self.channel)
            reason = "LISTEN through DATABASE_URL gets no notifications (a pooler in transaction mode?)"
        } else {
            // A known pooler: no LISTEN through it at all, which would stay behind on a pooled server connection
            // and push every change to whichever client holds that connection next.
            reason = "DATABASE_URL goes through a pooler (it refused the session's startup options), where LISTEN gets nothing"
        }
        guard let listenConfiguration else {
            return (opened, .polling(interval: changePollInterval, reason: reason))
        }
        let direct = try PostgresConnection(listenConfiguration)
        try direct.listen(Self.channel)
        // Sent through DATABASE_URL, as the triggers' notifications are: they must reach the direct listener.
        if try ChangeFeedProbe.notificationsArrive(on: direct, configuration: configuration, timeout: probeTimeout,
                                                     others: deliver) {
            opened.close()
            return (direct, .listeningDirectly)
        }
        direct.close()
        return (opened, .polling(interval: changePollInterval,
                                 reason: "neither DATABASE_URL nor DATABASE_LISTEN_URL delivers notifications"))
    }
}
