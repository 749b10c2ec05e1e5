import Foundation
import Postgres
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive

/// The search tier as the console reads it from real servers: where each candidate came from
/// (`evidence->>'source'`), and today's quota for the queue pane.
final class SearchConsoleLiveTests: LiveTestCase {
    func testCandidatesCarryTheSourceTheWorkerRecorded() throws {
        try db.query("""
            INSERT INTO match_candidates (release_id, track_index, platform, match_url, title, confidence, evidence)
            VALUES ($1, 3, 'youtube', 'https://www.youtube.com/watch?v=ultimo1', 'Último Tren', 0.45,
                    '{"signals": [], "source": "youtube"}'),
                   ($1, 3, 'youtube', 'https://www.youtube.com/watch?v=ultimo2', 'Último Tren (video)', 0.44,
                    '{"signals": [], "source": "discogs"}'),
                   ($1, 3, 'soundcloud', 'https://soundcloud.com/h/ultimo', 'Ultimo Tren', 0.43,
                    '{"signals": [], "source": "soundcloud"}'),
                   ($1, 3, 'youtube', 'https://www.youtube.com/watch?v=ultimo4', 'Ultimo', 0.42,
                    '{"signals": [], "source": "bandcamp"}')
            """, Self.release)
        let unmatched = try track(3)
        XCTAssertEqual(unmatched.candidates.map(\.source), [.youtubeSearch, .discogs, .soundcloudSearch, .other("bandcamp")])
        XCTAssertEqual(unmatched.candidates.map(\.source.tag), ["yt search", "disc", "sc search", "bandcamp"])
        let older = try track(1)
        XCTAssertEqual(Set(older.candidates.map(\.source)), [.discogs], "rows written before sources were recorded")
    }

    func testQueuePaneQuotaAppearsWhenConfiguredOrUsedToday() throws {
        let ledger = SearchQuotaLedger(connection: db, provider: YouTubeSearchProvider.name, dailyBudget: 10_000)
        XCTAssertNil(LiveFeeds.searchQuota(ledger, keyConfigured: false), "no key and no use today: nothing to show")
        XCTAssertEqual(LiveFeeds.searchQuota(ledger, keyConfigured: true),
                       SearchQuotaSnapshot(unitsUsed: 0, dailyBudget: 10_000, unitsPerSearch: 101))

        try ledger.reserve(101, call: .search)
        XCTAssertEqual(LiveFeeds.searchQuota(ledger, keyConfigured: false)?.unitsUsed, 101,
                       "a worker searched today: shown even where this console has no key")

        try ledger.markExhausted()
        XCTAssertEqual(LiveFeeds.searchQuota(ledger, keyConfigured: true)?.isSpent, true)
    }
}
