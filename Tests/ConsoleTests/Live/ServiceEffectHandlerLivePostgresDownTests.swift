import Foundation
import LocalServers
import Postgres
import Redis
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive

/// Postgres stopped under the handler (on servers of its own): effects answer `.requestFailed` without the
/// password, and work again once Postgres is back, both for a handler that had connected and for one that never did.
final class ServiceEffectHandlerLivePostgresDownTests: XCTestCase {
    var servers: LocalServers!

    override func setUpWithError() throws {
        servers = try LocalServers.start()
        let db = try PostgresConnection(url: servers.postgresURL!)
        try LiveServers.migrate(db)
        try db.query("""
            INSERT INTO releases (discogs_id, store_username, title, artist, tracklist)
            VALUES (1, 'down-store', 'Outage', 'Nobody', '[{"position": "A1", "title": "Quiet"}]')
            """)
        try db.query("INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence) VALUES (1, 0, 'youtube', 'https://youtu.be/abc', 0.5)")
        db.close()
    }

    override func tearDown() {
        servers?.stop()
    }

    func testEffectsFailWithoutThePasswordAndRecoverWhenPostgresIsBack() throws {
        let url = servers.postgresURL!
        let password = try XCTUnwrap(URLComponents(string: url)?.password)
        let settings = RotationSettings(environment: ["DATABASE_URL": url, "REDIS_URL": servers.redisURL!])
        let inbox = ConsoleEventInbox()
        let connected = ServiceEffectHandler(settings: settings, reviewer: "down-tester")
        connected.perform(.loadStores(RequestID(1)), events: inbox)
        guard case .storesLoaded? = inbox.drain().first else { return XCTFail("loads while Postgres is up") }
        connected.perform(.loadTracks(RequestID(2), releaseID: 1), events: inbox)
        guard case .tracksLoaded(_, _, let rows)? = inbox.drain().first, let row = rows.first else { return XCTFail() }

        servers.stopPostgres()
        let neverConnected = ServiceEffectHandler(settings: settings, reviewer: "down-tester")
        let effects: [ConsoleEffect] = [
            .loadStores(RequestID(10)), .loadReleases(RequestID(11), store: "down-store", after: nil),
            .loadTracks(RequestID(12), releaseID: 1), .loadQueue(RequestID(13), .attention, after: nil),
            .review(RequestID(14), ReviewCommand(decision: .approve, targets: [ReviewTarget(row)])),
            .undo(RequestID(15)),
        ]
        for handler in [connected, neverConnected] {
            for effect in effects {
                handler.perform(effect, events: inbox)
                let events = inbox.drain()
                XCTAssertEqual(events.count, 1, "\(effect): \(events)")
                guard case .requestFailed(let id, let message)? = events.first else {
                    XCTFail("\(effect) should fail while Postgres is down: \(events)")
                    continue
                }
                XCTAssertEqual(id, effect.requestID)
                XCTAssertFalse(message.contains(password), "the password leaked: \(message)")
                XCTAssertFalse(message.isEmpty)
                XCTAssertTrue(message.localizedCaseInsensitiveContains("postgres") || message.contains("connect"), message)
            }
        }

        // Redis alone still serves the cache screen and key clears, with or without an earlier database connection.
        let redis = try RedisConnection(url: servers.redisURL!)
        try redis.set("match:1:0", "{}")
        for handler in [connected, neverConnected] {
            handler.perform(.loadCacheKeys(RequestID(16), after: nil), events: inbox)
            let keys = inbox.drain()
            guard case .cacheKeysLoaded(_, let rows, _, _)? = keys.first else {
                XCTFail("the cache keys list without Postgres: \(keys)")
                continue
            }
            XCTAssertEqual(rows.map(\.key), ["match:1:0"])
        }
        connected.perform(.clearCache(RequestID(17), .key("match:1:0")), events: inbox)
        guard case .cacheClearFinished(_, 1)? = inbox.drain().last else { return XCTFail("a key clear needs only Redis") }
        XCTAssertFalse(try redis.exists("match:1:0"))

        try servers.startPostgres()
        for handler in [connected, neverConnected] {
            handler.perform(.loadStores(RequestID(20)), events: inbox)
            let events = inbox.drain()
            guard case .storesLoaded(_, let stores)? = events.first else { return XCTFail("works again: \(events)") }
            XCTAssertEqual(stores.map(\.name), ["down-store"])
        }
        neverConnected.perform(.review(RequestID(21), ReviewCommand(decision: .approve, targets: [ReviewTarget(row)])), events: inbox)
        let approved = inbox.drain()
        XCTAssertEqual(approved.first?.applied?.rows.first?.status, .approved, "\(approved)")
    }
}
