import Console
import Foundation
import Rotation
import Terminal

// MARK: - 1 and 2: frames in memory

/// A full frame, a steady frame and a cursor move on a realistic review screen, all in memory.
func consoleFrameBenchmarks() {
    var state = ConsoleFixture.realisticState(size: consoleFrameSize)
    let terminal = MemoryTerminal(size: consoleFrameSize)
    let presenter = FramePresenter(backend: terminal, minimumSize: ConsoleLayout.minimumSize)
    let frames = 400

    // Warm up (first-touch allocations, caches).
    for _ in 0..<20 { presenter.invalidate(); presenter.present(ConsoleView.render(state)) }

    // A full frame: render, diff against nothing, draw every cell.
    var total: [Double] = [], render: [Double] = [], diff: [Double] = [], draw: [Double] = []
    var fullCells = 0
    for _ in 0..<frames {
        presenter.invalidate()
        terminal.resetCounters()
        total.append(seconds {
            let frame = ConsoleView.render(state)
            fullCells = presenter.present(frame).cellsWritten
        })
        var frame = CellBuffer(size: consoleFrameSize)
        render.append(seconds { frame = ConsoleView.render(state) })
        var runs: [CellRun] = []
        diff.append(seconds { runs = BufferDiff.changes(from: nil, to: frame) })
        let scratch = MemoryTerminal(size: consoleFrameSize)
        draw.append(seconds { scratch.draw(runs) })
    }
    let fullMedian = median(total)
    consoleLine("full frame (render+diff+draw)", String(format: "median %7.1f µs  p90 %7.1f µs  %5ld cells written  budget 2000 µs  ratio %.3f",
        fullMedian * 1e6, percentile(total, 0.9) * 1e6, fullCells, fullMedian / 0.002))
    consoleLine("  of which render", String(format: "median %7.1f µs", median(render) * 1e6))
    consoleLine("  of which diff (vs nothing)", String(format: "median %7.1f µs", median(diff) * 1e6))
    consoleLine("  of which MemoryTerminal draw", String(format: "median %7.1f µs", median(draw) * 1e6))

    // A steady frame: nothing changed since the last one.
    presenter.present(ConsoleView.render(state))
    var steady: [Double] = []
    var steadyCells = 0
    terminal.resetCounters()
    for _ in 0..<frames {
        steady.append(seconds { steadyCells += presenter.present(ConsoleView.render(state)).cellsWritten })
    }
    consoleLine("steady frame (no change)", String(format: "median %7.1f µs  p90 %7.1f µs  %5ld cells written per frame (MemoryTerminal: %ld)",
        median(steady) * 1e6, percentile(steady, 0.9) * 1e6, steadyCells / frames, terminal.cellsWritten / frames))

    // A cursor move in the tracks pane: key, update, render, diff, draw. Down to the last track, then back up.
    state.review.focus = .tracks
    presenter.present(ConsoleView.render(state))
    let count = state.review.tracks.visible.count
    var moveTimes: [Double] = [], moveCells: [Double] = [], moveRuns: [Double] = []
    var counted = 0
    var down = true
    terminal.resetCounters()
    for _ in 0..<frames {
        if state.review.tracks.cursor >= count - 1 { down = false } else if state.review.tracks.cursor == 0 { down = true }
        var statistics: FramePresenter.Statistics?
        moveTimes.append(seconds {
            _ = ConsoleUpdate.update(&state, .key(.character(down ? "j" : "k")))
            statistics = presenter.present(ConsoleView.render(state))
        })
        moveCells.append(Double(statistics?.cellsWritten ?? 0))
        moveRuns.append(Double(statistics?.runs ?? 0))
        counted += 1
    }
    consoleLine("cursor move j/k in tracks", String(format: "median %7.1f µs  p90 %7.1f µs  (key+update+render+diff+draw, %ld tracks)",
        median(moveTimes) * 1e6, percentile(moveTimes, 0.9) * 1e6, count))
    consoleLine("  cells written per move", String(format: "median %.0f  min %.0f  max %.0f  (%ld runs median; MemoryTerminal mean %.1f) of %ld cells = %.1f %%",
        median(moveCells), moveCells.min() ?? 0, moveCells.max() ?? 0, Int(median(moveRuns)),
        Double(terminal.cellsWritten) / Double(counted), consoleFrameSize.columns * consoleFrameSize.rows,
        median(moveCells) / Double(consoleFrameSize.columns * consoleFrameSize.rows) * 100))
}

/// A review screen as a curator sees it mid-session, built through `update` as the event loop would.
private enum ConsoleFixture {
    static func realisticState(size: TerminalSize) -> ConsoleState {
        let epoch = Date(timeIntervalSince1970: 1_763_700_000)
        var state = ConsoleState(session: ConsoleSession(user: "bench"), themeNames: ["default", "light"],
                                 themeName: "default", size: size, now: epoch)
        var effects = ConsoleUpdate.update(&state, .started)
        let stores = (0..<20).map { StoreRow(name: storeNames[$0 % storeNames.count] + ($0 < storeNames.count ? "" : "-\($0)"),
                                             pending: 50_000 - $0 * 1_700, unmatched: 900 + $0 * 13) }
        effects = ConsoleUpdate.update(&state, .storesLoaded(loadID(effects), stores))
        let releases = (0..<100).map { index in
            ReleaseRow(discogsID: 9_000_000_000 + Int64(index), title: titles[index % titles.count] + (index < titles.count ? "" : " (\(index))"),
                       artist: artists[index % artists.count], catno: "SYN-\(index * 37)", pending: 10 - index % 9)
        }
        effects = ConsoleUpdate.update(&state, .releasesLoaded(loadID(effects), store: stores[0].name, releases, nextPage: "more"))
        let releaseID = releases[0].discogsID
        let seen = epoch.addingTimeInterval(-3_600)
        let tracks = (0..<12).map { index -> TrackRow in
            let status: TrackRowStatus = index % 5 == 4 ? .unmatched : (index % 3 == 0 ? .approved : .pending)
            let candidates = (0..<4).map { candidate(track: index, rank: $0) }
            return TrackRow(releaseID: releaseID, index: index, position: "\(index < 6 ? "A" : "B")\(index % 6 + 1)",
                            title: trackTitles[index % trackTitles.count], duration: "\(3 + index % 5):\(10 + index * 3 % 50)",
                            platform: status == .unmatched ? nil : (index % 2 == 0 ? .youtube : .soundcloud),
                            url: status == .unmatched ? nil : candidates[0].url,
                            confidence: status == .unmatched ? nil : candidates[0].confidence, status: status,
                            updatedAt: status == .unmatched ? nil : seen, verifiedBy: status == .approved ? "matcher" : nil,
                            candidates: candidates)
        }
        _ = ConsoleUpdate.update(&state, .tracksLoaded(loadID(effects), releaseID: releaseID, tracks))
        _ = ConsoleUpdate.update(&state, .healthChanged(HealthSnapshot(
            postgres: TierStatus(isUp: true, roundTripMilliseconds: 0.4), redis: TierStatus(isUp: true, roundTripMilliseconds: 0.2))))
        for sample in 0..<ConsoleState.historyLength {
            let wave = Double(sample % 17) / 17
            _ = ConsoleUpdate.update(&state, .cacheStatsSampled(CacheSnapshot(
                totalKeys: 1_012_345, matchKeys: 998_765, scanAgeSeconds: 12, memoryUsedBytes: 412 << 20,
                memoryMaxBytes: 1 << 30, evictions: 0, opsPerSecond: 800 + 400 * wave, hitRate: 0.93,
                serviceHits: 120_000 + sample, serviceMisses: 9_000,
                ttlSpread: CacheTTLSpread(buckets: [.init("<1h", 41_000), .init("1-6h", 250_000), .init("6-12h", 300_000),
                                                    .init("12-24h", 407_765)]))))
            _ = ConsoleUpdate.update(&state, .queueStatsSampled(QueueSnapshot(
                counts: [.queued: 1_000 - sample, .processing: 4, .completed: 95_000 + sample, .failed: 12],
                oldestQueuedSeconds: 340, throughputPerMinute: 300 + 60 * wave, stuck: 1, failed: 12)))
        }
        _ = ConsoleUpdate.update(&state, .tick(epoch))
        return state
    }

    static func candidate(track index: Int, rank: Int) -> CandidateOption {
        let youtube = rank % 2 == 0
        let url = youtube ? "https://www.youtube.com/watch?v=cand\(index)x\(rank)aZ" : "https://soundcloud.com/label/track-\(index)-\(rank)"
        let suffix = rank == 0 ? "(Official Audio)" : "live \(2000 + rank)"
        let title = artists[0] + " - " + trackTitles[index % trackTitles.count] + " " + suffix
        let rankValue = Double(rank)
        let confidence: Double = 0.92 - rankValue * 0.11 - Double(index % 4) * 0.03
        let evidence: [ScoreEvidence] = [
            ScoreEvidence(signal: "title", value: 0.95 - rankValue * 0.1, weight: 0.45),
            ScoreEvidence(signal: "artist", value: 0.9, weight: 0.3),
            ScoreEvidence(signal: "duration", value: 0.8 - rankValue * 0.2, weight: 0.15),
            ScoreEvidence(signal: "channel", value: rank == 0 ? 1 : 0.2, weight: 0.1),
            ScoreEvidence(signal: "live penalty", value: rank == 0 ? 0 : 1, weight: 0.1, contribution: rank == 0 ? 0 : -0.1),
        ]
        return CandidateOption(url: url, platform: youtube ? .youtube : .soundcloud, title: title, confidence: confidence,
                               evidence: evidence, rejected: rank == 3)
    }

    static func loadID(_ effects: [ConsoleEffect]) -> RequestID {
        (effects.last { if case .loadStores = $0 { return true }; if case .loadReleases = $0 { return true }
                        if case .loadTracks = $0 { return true }; return false } ?? effects[0]).requestID
    }

    static let storeNames = ["deepgroove-records", "tokyo-vinyl-exchange", "berlin-basement", "récords-de-montréal",
                             "sound-of-são-paulo", "kyiv-crate-diggers", "lagos-highlife-house", "detroit-techno-depot"]
    static let artists = ["John Coltrane", "はっぴいえんど", "Fela Kuti & Africa 70", "Björk", "Кино", "Ryuichi Sakamoto",
                          "Os Mutantes", "Underground Resistance", "Αφροδίτη Μάνου"]
    static let titles = ["Blue Train", "風街ろまん", "Zombie", "Homogenic", "Группа крови", "B-2 Unit",
                         "A Divina Comédia ou Ando Meio Desligado", "Interstellar Fugitives", "Τα Παράθυρα"]
    static let trackTitles = ["Blue Train", "Moment's Notice", "Locomotion", "I'm Old Fashioned", "Lazy Bird",
                              "夏なんです", "Hold On (Extended Mix)", "Жизнь в стеклах", "Riot in Lagos", "Hyperballad",
                              "Ave Lúcifer", "Jupiter Jazz"]
}
