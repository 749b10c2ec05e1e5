import Foundation
import Synchronization

/// Remembers that Redis just failed, so that a console does not wait out a connect timeout on every action while
/// Redis is down: after a failure Redis is skipped for a while (1 s, doubling up to `maximumDelay`, 30 s unless
/// said otherwise); a success resets it.
final class RedisBackoff: Sendable {
    private struct Schedule {
        var retryAt: Date?
        var delay: TimeInterval = 1
    }

    private let schedule = Mutex(Schedule())
    private let maximumDelay: TimeInterval

    init(maximumDelay: TimeInterval = 30) {
        self.maximumDelay = maximumDelay
    }

    var shouldSkip: Bool {
        schedule.withLock { schedule in
            guard let retryAt = schedule.retryAt else { return false }
            return Date() < retryAt
        }
    }

    func recordFailure() {
        schedule.withLock { schedule in
            schedule.retryAt = Date().addingTimeInterval(schedule.delay)
            schedule.delay = min(schedule.delay * 2, maximumDelay)
        }
    }

    func recordSuccess() {
        schedule.withLock { schedule in
            schedule.retryAt = nil
            schedule.delay = 1
        }
    }
}
