import Foundation
import Postgres
import Synchronization

/// Listens on the triggers' channel (`rotation_changes`) on a dedicated connection and hands typed events to
/// subscribers, from its own thread. After the connection was lost and re-established, subscribers get `.resync`,
/// since notifications sent meanwhile are gone.
public final class ChangeFeed: Sendable {
    public static let channel = "rotation_changes"

    /// A handle to remove a subscriber.
    public struct Subscription: Hashable, Sendable {
        let id: Int
    }

    private let configuration: PostgresConfiguration
    private struct Listeners {
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

    /// `configuration` names the database; the feed opens its own connection to it.
    public init(configuration: PostgresConfiguration, pollInterval: TimeInterval = 0.25) {
        var configuration = configuration
        configuration.applicationName = "rotation-feed"
        self.configuration = configuration
        self.pollInterval = pollInterval
    }

    public convenience init(url: String) {
        self.init(configuration: PostgresConfiguration(url))
    }

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
        var signalled = false
        var everConnected = false
        var knownGeneration = 0
        var lostConnection = false
        var backoff: TimeInterval = 0.2
        while isRunning {
            do {
                if connection == nil {
                    let opened = try PostgresConnection(configuration)
                    try opened.listen(Self.channel)
                    connection = opened
                    knownGeneration = opened.generation
                    if everConnected { publish(.resync) }
                    everConnected = true
                }
                if !signalled { ready.signal(); signalled = true }
                guard let connection else { continue }
                let notifications = try connection.waitForNotifications(timeout: pollInterval)
                if connection.generation != knownGeneration {
                    // The client reconnected (and listened again) inside the call.
                    knownGeneration = connection.generation
                    publish(.resync)
                }
                lostConnection = false
                backoff = 0.2
                for notification in notifications where notification.channel == Self.channel {
                    if let event = ChangeEvent(payload: notification.payload) { publish(.change(event)) }
                }
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
}
