import Foundation
import Terminal
@testable import Console

/// Data and helpers shared by the console tests: a few stores, releases and tracks that look like the real thing,
/// and a way to drive `update` the way the event loop does, answering effects by hand.
enum ConsoleFixtures {
    static let reviewer = ConsoleSession(user: "alice", readOnly: false, grants: [.review, .admin])
    static let epoch = Date(timeIntervalSince1970: 1_763_700_000)  // 2025-11-21 04:40:00 UTC

    static let stores = [
        StoreRow(name: "deepgroove-records", pending: 42, unmatched: 7),
        StoreRow(name: "tokyo-vinyl-exchange", pending: 18, unmatched: 3),
        StoreRow(name: "berlin-basement", pending: 0, unmatched: 12),
    ]

    static let releases = [
        ReleaseRow(discogsID: 1_000_001, title: "Blue Train", artist: "John Coltrane", catno: "BLP 1577", pending: 3),
        ReleaseRow(discogsID: 1_000_002, title: "Kind of Blue", artist: "Miles Davis", catno: "CL 1355", pending: 1),
        ReleaseRow(discogsID: 1_000_003, title: "風街ろまん", artist: "はっぴいえんど", catno: "URL-1001", pending: 2),
    ]

    static func evidence(_ title: Double, _ artist: Double, _ duration: Double) -> [ScoreEvidence] {
        [ScoreEvidence(signal: "title", value: title, weight: 0.5),
         ScoreEvidence(signal: "artist", value: artist, weight: 0.3),
         ScoreEvidence(signal: "duration", value: duration, weight: 0.2)]
    }

    static func tracks(release: Int64 = 1_000_001) -> [TrackRow] {
        let seen = Date(timeIntervalSince1970: 1_763_690_000)
        return [
            TrackRow(releaseID: release, index: 0, position: "A1", title: "Blue Train", duration: "10:43",
                     platform: .youtube, url: "https://www.youtube.com/watch?v=XpZHUVjQydI", confidence: 0.93,
                     status: .approved, updatedAt: seen, verifiedBy: "matcher",
                     candidates: [CandidateOption(url: "https://www.youtube.com/watch?v=XpZHUVjQydI", platform: .youtube,
                                               title: "John Coltrane - Blue Train", confidence: 0.93,
                                               evidence: evidence(0.98, 0.95, 0.80))]),
            TrackRow(releaseID: release, index: 1, position: "A2", title: "Moment's Notice", duration: "9:10",
                     platform: .youtube, url: "https://www.youtube.com/watch?v=moment01", confidence: 0.72,
                     status: .pending, updatedAt: seen,
                     candidates: [
                        CandidateOption(url: "https://www.youtube.com/watch?v=moment01", platform: .youtube,
                                     title: "Moment's Notice (Remastered)", confidence: 0.72, evidence: evidence(0.9, 0.7, 0.4)),
                        CandidateOption(url: "https://soundcloud.com/bluenote/moments-notice", platform: .soundcloud,
                                     title: "Moments Notice", confidence: 0.66, evidence: evidence(0.85, 0.6, 0.3)),
                     ]),
            TrackRow(releaseID: release, index: 2, position: "B1", title: "Locomotion", duration: "7:14",
                     status: .unmatched,
                     candidates: [CandidateOption(url: "https://www.youtube.com/watch?v=loco", platform: .youtube,
                                               title: "Locomotion live 1961", confidence: 0.41,
                                               evidence: evidence(0.6, 0.3, 0.1))]),
            TrackRow(releaseID: release, index: 3, position: "B2", title: "I'm Old Fashioned", duration: "7:58",
                     platform: .soundcloud, url: "https://soundcloud.com/jazz/old-fashioned", confidence: 0.61,
                     status: .pending, updatedAt: seen),
            TrackRow(releaseID: release, index: 4, position: "B3", title: "Lazy Bird", duration: "7:00",
                     platform: .youtube, url: "https://www.youtube.com/watch?v=lazybird", confidence: 0.78,
                     status: .pending, updatedAt: seen),
        ]
    }

    static func emptyState(size: TerminalSize = TerminalSize(columns: 80, rows: 24),
                           session: ConsoleSession = reviewer) -> ConsoleState {
        ConsoleState(session: session, themeNames: ["default", "light", "monochrome"], themeName: "default",
                     bulkApproveThreshold: 0.7, size: size, now: epoch)
    }

    /// A review screen with stores, releases and tracks loaded, focus on the tracks, cursor on A1.
    static func loadedState(size: TerminalSize = TerminalSize(columns: 80, rows: 24),
                            session: ConsoleSession = reviewer) -> ConsoleState {
        var state = emptyState(size: size, session: session)
        var effects = ConsoleUpdate.update(&state, .started)
        effects = ConsoleUpdate.update(&state, .storesLoaded(id(effects, "loadStores"), stores))
        effects = ConsoleUpdate.update(&state, .releasesLoaded(id(effects, "loadReleases"), store: stores[0].name,
                                                               releases, nextPage: nil))
        _ = ConsoleUpdate.update(&state, .tracksLoaded(id(effects, "loadTracks"), releaseID: releases[0].discogsID, tracks()))
        state.review.focus = .tracks
        return state
    }

    /// The request id of the first effect whose case name starts with `name`.
    static func id(_ effects: [ConsoleEffect], _ name: String, file: StaticString = #filePath, line: UInt = #line) -> RequestID {
        guard let effect = effects.first(where: { "\($0)".hasPrefix(name) }) else {
            fatalError("no \(name) effect in \(effects)")
        }
        return effect.requestID
    }

    static func press(_ state: inout ConsoleState, _ keys: KeyEvent...) -> [ConsoleEffect] {
        keys.flatMap { ConsoleUpdate.update(&state, .key($0)) }
    }

    static func type(_ state: inout ConsoleState, _ text: String) -> [ConsoleEffect] {
        text.flatMap { ConsoleUpdate.update(&state, .key(.character($0))) }
    }
}
