import Foundation
import Redis

/// Keeps one session's lease on the release it has open: takes it when a release opens, renews it every third of
/// the TTL on its own thread, deletes it (if still ours) when the release closes or the keeper stops. When the
/// process dies nothing deletes it: the lease lapses after its TTL. Redis being down only skips renewals; the
/// keeper tries again at the next interval.
public final class ReleaseLeaseKeeper: @unchecked Sendable {
    public let presence: ReleasePresence
    public let reviewer: String
    public let session: String

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var wanted: Int64?
    private var held: Int64?
    private var stopped = false
    private var started = false
    private var finished = false

    public init(presence: ReleasePresence, reviewer: String, session: String = UUID().uuidString) {
        self.presence = presence
        self.reviewer = reviewer
        self.session = session
    }

    /// The release this session has open (nil: none). Takes effect at once on the keeper's thread.
    public func open(_ releaseID: Int64?) {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return }
        wanted = releaseID
        if !started {
            started = true
            // Weak: a keeper nobody holds any more stops renewing, and its lease lapses.
            let thread = Thread { [weak self] in
                while let keeper = self, keeper.step() {}
            }
            thread.name = "rotation presence lease"
            thread.start()
        }
        condition.broadcast()
    }

    /// Deletes the lease (if still ours) and ends the thread; waits up to `timeout` for the deletion.
    public func stop(timeout: TimeInterval = 3) {
        condition.lock()
        stopped = true
        wanted = nil
        condition.broadcast()
        let deadline = Date().addingTimeInterval(timeout)
        while started && !finished {
            if !condition.wait(until: deadline) { break }
        }
        condition.unlock()
    }

    /// One take, renewal or deletion, then a wait until the next renewal or a change; false once stopped.
    private func step() -> Bool {
        condition.lock()
        let target = wanted
        let previous = held
        let stopping = stopped
        condition.unlock()
        var nowHeld = previous
        var failed = false
        do {
            if let previous, previous != target {
                try presence.release(previous, reviewer: reviewer, session: session)
                nowHeld = nil
            }
            if let target {
                // Another session that was there first keeps its lease; this one takes over when it lapses.
                let holder = try presence.hold(target, reviewer: reviewer, session: session)
                nowHeld = holder?.session == session ? target : nil
            }
        } catch {
            failed = true  // Redis unreachable: try again at the next interval (on stop, the lease lapses by itself)
        }
        condition.lock()
        defer { condition.unlock() }
        held = nowHeld
        if stopping && (nowHeld == nil || failed) {
            finished = true
            condition.broadcast()
            return false
        }
        if wanted == target && !stopped {
            _ = condition.wait(until: Date().addingTimeInterval(presence.settings.renewInterval))
        }
        return true
    }
}
