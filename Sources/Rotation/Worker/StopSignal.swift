import Foundation
import Synchronization

/// A flag that asks workers to stop after the release in hand. Set by SIGINT/SIGTERM handlers or by tests.
public final class StopSignal: Sendable {
    private let stopped = Mutex(false)

    public init() {}

    public var isStopRequested: Bool {
        stopped.withLock { $0 }
    }

    public func requestStop() {
        stopped.withLock { $0 = true }
    }
}
