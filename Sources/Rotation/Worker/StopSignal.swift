import Foundation

/// A flag that asks workers to stop after the release in hand. Set by SIGINT/SIGTERM handlers or by tests.
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false

    public init() {}

    public var isStopRequested: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopped
    }

    public func requestStop() {
        lock.lock(); stopped = true; lock.unlock()
    }
}
