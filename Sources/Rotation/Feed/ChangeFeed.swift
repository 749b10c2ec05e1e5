import Foundation
import Postgres

/// Listens on the triggers' channel (`rotation_changes`) on a dedicated connection and hands typed events to
/// subscribers, from its own thread. After the connection was lost and re-established, subscribers get `.resync`,
/// since notifications sent meanwhile are gone.
public final class ChangeFeed: @unchecked Sendable {
    public static let channel = "rotation_changes"

    /// A handle to remove a subscriber.
    public struct Subscription: Hashable, Sendable {
        let id: Int
    }

    private let configuration: PostgresConfiguration
    private let lock = NSLock()
    private var subscribers: [Int: @Sendable (FeedEvent) -> Void] = [:]
    private var nextID = 0
    private var running = false
    private var thread: Thread?
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
        lock.lock(); defer { lock.unlock() }
        nextID += 1
        subscribers[nextID] = handler
        return Subscription(id: nextID)
    }

    public func unsubscribe(_ subscription: Subscription) {
        lock.lock(); defer { lock.unlock() }
        subscribers[subscription.id] = nil
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
        lock.lock()
        guard !running else { lock.unlock(); return }
        running = true
        lock.unlock()
        let ready = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in run(ready: ready) }
        thread.name = "rotation-change-feed"
        self.thread = thread
        thread.start()
        _ = ready.wait(timeout: .now() + .seconds(Int(configuration.connectTimeout) + 1))
    }

    /// Stops listening and waits for the feed's thread to finish.
    public func stop() {
        lock.lock()
        let wasRunning = running
        running = false
        lock.unlock()
        if wasRunning, thread != nil {
            stopped.wait()
            thread = nil
        }
    }

    private var isRunning: Bool {
        lock.lock(); defer { lock.unlock() }
        return running
    }

    private func publish(_ event: FeedEvent) {
        lock.lock(); let handlers = Array(subscribers.values); lock.unlock()
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
