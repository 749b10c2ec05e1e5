import Foundation
import Postgres
import Rotation
import XCTest

final class FeedTests: XCTestCase {
    /// Collects events and lets a test wait for one that matches, without sleeping for a fixed time.
    final class Collector: @unchecked Sendable {
        private let condition = NSCondition()
        private var events: [FeedEvent] = []

        func add(_ event: FeedEvent) {
            condition.lock(); events.append(event); condition.broadcast(); condition.unlock()
        }

        func wait(timeout: TimeInterval = 10, for predicate: (FeedEvent) -> Bool) -> FeedEvent? {
            let deadline = Date().addingTimeInterval(timeout)
            condition.lock(); defer { condition.unlock() }
            while true {
                if let index = events.firstIndex(where: predicate) {
                    let event = events[index]
                    events.removeSubrange(...index)
                    return event
                }
                guard condition.wait(until: deadline) else { return nil }
            }
        }
    }

    func testChangesByPlainSQLArriveAsTypedEvents() throws {
        let (url, db) = try TestDatabase.fresh()
        let feed = ChangeFeed(url: url)
        let collector = Collector()
        feed.subscribe { collector.add($0) }
        feed.start()
        defer { feed.stop() }

        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence) VALUES (77, 4, 'youtube', 'u', 0.6)
            """)
        try db.query("UPDATE track_matches SET approved = true WHERE release_id = 77")
        try db.query("DELETE FROM track_matches WHERE release_id = 77")
        try db.query("INSERT INTO processing_queue (store_username, discogs_id) VALUES ('s', 88)")

        let expected: [ChangeEvent] = [
            ChangeEvent(table: .trackMatches, releaseID: 77, trackIndex: 4, operation: .insert),
            ChangeEvent(table: .trackMatches, releaseID: 77, trackIndex: 4, operation: .update),
            ChangeEvent(table: .trackMatches, releaseID: 77, trackIndex: 4, operation: .delete),
            ChangeEvent(table: .processingQueue, releaseID: 88, trackIndex: nil, operation: .insert),
        ]
        for event in expected {
            XCTAssertEqual(collector.wait { if case .change = $0 { true } else { false } }, .change(event))
        }
        XCTAssertEqual(expected[0].key, TrackKey(releaseID: 77, trackIndex: 4))
    }

    func testAReconnectSendsResyncAndEventsFlowAgain() throws {
        let (url, db) = try TestDatabase.fresh()
        let feed = ChangeFeed(url: url)
        let collector = Collector()
        feed.subscribe { collector.add($0) }
        feed.start()
        defer { feed.stop() }

        try db.query("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE application_name = 'rotation-feed' AND datname = current_database()
            """)
        XCTAssertNotNil(collector.wait { $0 == .resync }, "subscribers are told to reload after a reconnect")
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence) VALUES (5, 1, 'youtube', 'u', 0.6)
            """)
        XCTAssertEqual(collector.wait { if case .change = $0 { true } else { false } },
                       .change(ChangeEvent(table: .trackMatches, releaseID: 5, trackIndex: 1, operation: .insert)))
    }

    func testMalformedPayloadsAreIgnored() {
        XCTAssertNil(ChangeEvent(payload: "not json"))
        XCTAssertNil(ChangeEvent(payload: #"{"table":"other","operation":"INSERT"}"#))
        XCTAssertNil(ChangeEvent(payload: String(repeating: "x", count: 10_000)))
    }
}
