import Foundation

/// Remembers that Redis just failed, so that a console does not wait out a connect timeout on every action while
/// Redis is down: after a failure Redis is skipped for a while (1 s, doubling up to `maximumDelay`, 30 s unless
/// said otherwise); a success resets it.
final class RedisBackoff: @unchecked Sendable {
    private let lock = NSLock()
    private var retryAt: Date?
    private var delay: TimeInterval = 1
    private let maximumDelay: TimeInterval

    init(maximumDelay: TimeInterval = 30) {
        self.maximumDelay = maximumDelay
    }

    var shouldSkip: Bool {
        lock.lock(); defer { lock.unlock() }
        guard let retryAt else { return false }
        return Date() < retryAt
    }

    func recordFailure() {
        lock.lock(); defer { lock.unlock() }
        retryAt = Date().addingTimeInterval(delay)
        delay = min(delay * 2, maximumDelay)
    }

    func recordSuccess() {
        lock.lock(); defer { lock.unlock() }
        retryAt = nil
        delay = 1
    }
}
