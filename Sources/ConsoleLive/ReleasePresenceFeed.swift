import Console
import Foundation
import Rotation

/// The console's side of presence (issue 14): holds the lease of the release the review screen has open, and reads
/// the leases of the releases it lists, posting `.releasesHeldByOthers` when who holds what changes.
///
/// It follows the review screen through the effects it already sends: loading a release's tracks opens that
/// release (`ConsoleEffect.loadTracks`), and a first page of a newly chosen store with no release in it means no
/// release is open any more. Read-only mode writes nothing to Redis, so it holds no lease but still shows others'.
final class ReleasePresenceFeed: @unchecked Sendable {
    private let presence: ReleasePresence?
    private let keeper: ReleaseLeaseKeeper?
    private let session: String

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var inbox: ConsoleEventInbox?
    private var store: String?
    private var shown: [Int64] = []
    private var opened: Int64?
    private var lastPosted: [Int64: String]?
    private var started = false
    private var stopped = false

    /// How many listed releases are watched at most (the list pages hold 100 each).
    static let watchLimit = 1000

    init(settings: RotationSettings, reviewer: String, presenceSettings: PresenceSettings) {
        let redis = try? TierConnections.openRedis(settings)
        presence = redis.map { ReleasePresence(redis: $0, settings: presenceSettings) }
        let keeper = settings.readOnly ? nil : presence.map { ReleaseLeaseKeeper(presence: $0, reviewer: reviewer) }
        self.keeper = keeper
        session = keeper?.session ?? UUID().uuidString
    }

    /// The review screen loads the tracks of `releaseID`: it is open now.
    func opening(_ releaseID: Int64, events: ConsoleEventInbox) {
        keeper?.open(releaseID)
        update(events) { $0.opened = releaseID }
    }

    /// The review screen lists these releases of `store` (a later page when `appended`).
    func showing(store: String, releaseIDs: [Int64], appended: Bool, events: ConsoleEventInbox) {
        let closes = !appended && releaseIDs.isEmpty && store != self.currentStore
        if closes { keeper?.open(nil) }
        update(events) { feed in
            if closes { feed.opened = nil }
            if appended || store == feed.store {
                feed.shown = Array(Set(feed.shown + releaseIDs).sorted().prefix(Self.watchLimit))
            } else {
                feed.shown = Array(releaseIDs.prefix(Self.watchLimit))
            }
            feed.store = store
        }
    }

    /// Deletes this console's lease and stops reading.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        keeper?.stop()
    }

    private var currentStore: String? {
        condition.lock(); defer { condition.unlock() }
        return store
    }

    private func update(_ events: ConsoleEventInbox, _ change: (ReleasePresenceFeed) -> Void) {
        guard presence != nil else { return }
        condition.lock()
        defer { condition.unlock() }
        inbox = events
        change(self)
        if !started {
            started = true
            // Weak: a feed whose console is gone stops reading, and its deinit deletes the lease.
            let thread = Thread { [weak self] in
                while let feed = self, feed.step() {}
            }
            thread.name = "rotation presence feed"
            thread.start()
        }
        condition.broadcast()
    }

    deinit { keeper?.stop() }

    /// Reads the watched leases, posts a change, then waits the interval (or for a change); false once stopped.
    private func step() -> Bool {
        guard let presence else { return false }
        condition.lock()
        let watched = shown + (opened.map { [$0] } ?? [])
        let stopping = stopped
        condition.unlock()
        if stopping { return false }
        let others = try? presence.leases(of: watched).values
            .filter { $0.session != session }
            .reduce(into: [Int64: String]()) { $0[$1.releaseID] = $1.reviewer }
        condition.lock()
        defer { condition.unlock() }
        if let others, others != lastPosted, let inbox {
            lastPosted = others
            inbox.post(.releasesHeldByOthers(others))
        }
        // At least every renewal interval, at most every 2 s; at once after a change.
        if !stopped { _ = condition.wait(until: Date().addingTimeInterval(min(2, presence.settings.renewInterval))) }
        return !stopped
    }
}
