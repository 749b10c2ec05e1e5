import Foundation
import Postgres
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive

/// The background samplers and the change feed against real servers: every pane gets its samples, another
/// connection's change arrives as `.dataChanged`, and a statement changing 500 rows gives a few events, not 500.
final class LiveFeedsLiveTests: LiveTestCase {
    private var feeds: LiveFeeds?

    override func tearDown() {
        feeds?.stop()
        feeds = nil
        super.tearDown()
    }

    private func startFeeds() -> LiveFeeds {
        let feeds = LiveFeeds(settings: settings(), inbox: inbox, counters: { [handler] in handler?.serviceCounters })
        feeds.healthInterval = 0.2
        feeds.statsInterval = 0.2
        feeds.changeInterval = 0.25
        feeds.start()
        self.feeds = feeds
        return feeds
    }

    private func changedTracks(_ events: [ConsoleEvent]) -> [Set<TrackReference>] {
        events.compactMap { event in
            guard case .dataChanged(let changes) = event else { return nil }
            return Set(changes.compactMap { change in
                if case .trackMatch(let reference) = change { return reference }
                return nil
            })
        }
    }

    func testPanesAreSampledAndAnotherConnectionsChangeArrives() throws {
        try db.query("INSERT INTO processing_queue (store_username, discogs_id, status) VALUES ($1, 1, 'queued'), ($1, 2, 'failed')",
                     Self.store)
        let feeds = startFeeds()
        var health: HealthSnapshot?
        var cache: CacheSnapshot?
        var queue: QueueSnapshot?
        _ = collectEvents(from: inbox) { events in
            for event in events {
                switch event {
                case .healthChanged(let snapshot): health = snapshot
                case .cacheStatsSampled(let snapshot): cache = snapshot
                case .queueStatsSampled(let snapshot): queue = snapshot
                default: break
                }
            }
            return health != nil && cache != nil && queue != nil
        }
        XCTAssertEqual(health?.postgres.isUp, true, "\(String(describing: health))")
        XCTAssertEqual(health?.redis.isUp, true, "\(String(describing: health))")
        XCTAssertNotNil(cache)
        XCTAssertEqual(queue?.count(.queued), 1)
        XCTAssertEqual(queue?.failed, 1)

        let other = try PostgresConnection(url: databaseURL)
        defer { other.close() }
        try other.query("UPDATE track_matches SET approved = true, updated_at = now() WHERE release_id = $1 AND track_index = 1",
                        Self.release)
        let wanted = TrackReference(releaseID: Self.release, trackIndex: 1)
        let events = collectEvents(from: inbox) { self.changedTracks($0).contains { $0.contains(wanted) } }
        XCTAssertTrue(changedTracks(events).contains { $0.contains(wanted) }, "no dataChanged for \(wanted): \(events)")

        try other.query("UPDATE processing_queue SET status = 'queued' WHERE discogs_id = 2")
        let queueEvents = collectEvents(from: inbox) { events in
            events.contains { if case .dataChanged(let changes) = $0 { return changes.contains(.queueRow(discogsID: 2)) }; return false }
        }
        XCTAssertTrue(queueEvents.contains { if case .dataChanged(let changes) = $0 { return changes.contains(.queueRow(discogsID: 2)) }; return false })
        feeds.stop()
    }

    func testFiveHundredUpdatesInOneStatementAreCoalesced() throws {
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence)
            SELECT 8000, i, 'youtube', 'https://www.youtube.com/watch?v=bulk' || i, 0.5 FROM generate_series(0, 499) AS i
            """)
        let feeds = startFeeds()
        // The feed is listening once start() returns; drop the samplers' events so far.
        _ = inbox.drain()

        let other = try PostgresConnection(url: databaseURL)
        defer { other.close() }
        try other.query("UPDATE track_matches SET approved = true, updated_at = now() WHERE release_id = 8000")

        let wanted = Set((0..<500).map { TrackReference(releaseID: 8000, trackIndex: $0) })
        let events = collectEvents(from: inbox) { events in
            wanted.isSubset(of: self.changedTracks(events).reduce(into: Set()) { $0.formUnion($1) })
        }
        let batches = changedTracks(events)
        let seen = batches.reduce(into: Set<TrackReference>()) { $0.formUnion($1) }
        XCTAssertTrue(wanted.isSubset(of: seen), "\(wanted.subtracting(seen).count) of 500 changes never arrived")
        XCTAssertGreaterThanOrEqual(batches.count, 1)
        XCTAssertLessThan(batches.count, 50, "500 row changes should be coalesced into a few events, got \(batches.count)")
        feeds.stop()
    }
}
