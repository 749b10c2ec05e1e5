import XCTest
import Terminal
@testable import Console

/// Text from Postgres, Redis and Discogs is hostile until sanitized: it must not reach the terminal as control
/// sequences, and it must not break the columns around it.
final class HostileTextTests: XCTestCase {
    static let invalidUTF8 = String(decoding: [0x41, 0xFF, 0xFE, 0xC0, 0x80, 0x42, 0xED, 0xA0, 0x80] as [UInt8], as: UTF8.self)
    static let titles = [
        "Clear\u{1B}[2J\u{1B}[H screen",
        "OSC \u{1B}]0;pwned\u{07}title \u{1B}]52;c;Y2xpcGJvYXJk\u{07}",
        "bidi \u{202E}evil.exe\u{202C} \u{2066}isolate\u{2069}",
        "C1 \u{9B}31m red \u{85} next-line \u{0}nul\tTab\nnewline",
        String(repeating: "長いタイトル", count: 1700),  // ~10k characters, all wide
        String(repeating: "x", count: 10_000),
        "CJK 東京の夜 한국어 音楽",
        "Emoji 🎷🎺 👩‍🎤 🇯🇵 ✔︎",
        "Combining e\u{301}\u{301}\u{301} Z\u{335}\u{31B}a\u{336}",
        invalidUTF8,
        "unterminated \u{1B}[38;5;",
        "Fillers \u{3164}\u{3164} \u{115F}\u{1160} \u{FFA0} \u{2800}",
        "New \u{1FAE8}\u{1FA77} \u{31350}\u{2EBF0} VS16 \u{2764}\u{FE0F} 1\u{FE0F}\u{20E3} \u{2764}\u{FE0F}\u{200D}\u{1F525}",
        "Tags ok\u{E0069}\u{E0067}\u{E007F} \u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}",
    ]

    func hostileState(_ size: TerminalSize) -> ConsoleState {
        var state = ConsoleFixtures.loadedState(size: size)
        let stores = Self.titles.enumerated().map { StoreRow(name: $1, pending: $0, unmatched: 0) }
        state.stores.replace(with: stores, nextPage: nil)
        state.review.releases.replace(with: Self.titles.enumerated().map {
            ReleaseRow(discogsID: Int64($0), title: $1, artist: $1, catno: $1, pending: 1)
        }, nextPage: nil)
        state.review.tracks.replace(with: Self.titles.enumerated().map {
            TrackRow(releaseID: 1_000_001, index: $0, position: String($1.prefix(3)), title: $1, duration: $1,
                     platform: .youtube, url: "https://www.youtube.com/watch?v=\($1)", confidence: 0.5, status: .pending,
                     verifiedBy: $1,
                     candidates: [CandidateOption(url: $1, platform: nil, title: $1, confidence: 0.4,
                                               evidence: [ScoreEvidence(signal: $1, value: 0.5, weight: 0.5)])])
        }, nextPage: nil)
        state.message = StatusMessage("error from server: \(Self.titles[0])", severity: .error)
        return state
    }

    func assertSafe(_ buffer: CellBuffer, file: StaticString = #filePath, line: UInt = #line) {
        for row in 0..<buffer.height {
            var columns = 0
            for column in 0..<buffer.width {
                let cell = buffer[column, row]
                columns += cell.isContinuation ? 0 : Int(cell.width)
                for scalar in cell.character.unicodeScalars {
                    let value = scalar.value
                    let forbidden = value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x061C
                        || (0x200E...0x200F).contains(value) || (0x202A...0x202E).contains(value)
                        || (0x2066...0x2069).contains(value)
                    XCTAssertFalse(forbidden, "control or bidi scalar U+\(String(value, radix: 16)) at \(column),\(row)",
                                   file: file, line: line)
                }
                if cell.width == 2 {
                    XCTAssertTrue(column + 1 < buffer.width && buffer[column + 1, row].isContinuation,
                                  "wide cell without continuation at \(column),\(row)", file: file, line: line)
                }
            }
            XCTAssertEqual(columns, buffer.width, "row \(row) does not fill the width exactly", file: file, line: line)
        }
    }

    /// Every pane border stays in its column on every row: nothing pushed it sideways.
    func assertBordersAligned(_ buffer: CellBuffer, _ rects: [CellRect], file: StaticString = #filePath, line: UInt = #line) {
        for rect in rects {
            for row in (rect.row + 1)..<(rect.maxRow - 1) {
                XCTAssertEqual(buffer[rect.column, row].character, "│", "left border of \(rect) at row \(row)", file: file, line: line)
                XCTAssertEqual(buffer[rect.maxColumn - 1, row].character, "│", "right border of \(rect) at row \(row)",
                               file: file, line: line)
            }
        }
    }

    func testHostileTitlesRenderSafelyAndAligned() {
        for size in [TerminalSize(columns: 80, rows: 24), TerminalSize(columns: 120, rows: 40), TerminalSize(columns: 200, rows: 60)] {
            for focus in ReviewPane.allCases {
                var state = hostileState(size)
                state.review.focus = focus
                for _ in 0..<Self.titles.count {
                    let buffer = ConsoleView.render(state)
                    assertSafe(buffer)
                    let layout = ConsoleLayout(state: state)
                    assertBordersAligned(buffer, Array(layout.reviewPanes.values))
                    _ = ConsoleFixtures.press(&state, .character("j"))
                }
            }
        }
    }

    func testHostileTextInDialogsAndOtherScreens() {
        var state = hostileState(TerminalSize(columns: 80, rows: 24))
        _ = ConsoleFixtures.press(&state, .character("A"))
        assertSafe(ConsoleView.render(state))
        state.modal = nil
        _ = ConsoleFixtures.press(&state, .character("r"))
        _ = ConsoleFixtures.type(&state, "https://youtube.com/\u{1B}[2J")
        assertSafe(ConsoleView.render(state))
        state.modal = nil
        _ = ConsoleFixtures.press(&state, .character("2"))
        state.inventory.releases.replace(with: Self.titles.enumerated().map {
            InventoryRelease(discogsID: Int64($0), title: $1, artist: $1, trackCount: 3, approved: 1, pending: 1)
        }, nextPage: nil)
        state.inventory.store = Self.titles[2]
        assertSafe(ConsoleView.render(state))
        _ = ConsoleFixtures.press(&state, .character("3"))
        state.cache.keys.replace(with: Self.titles.map { CacheKeyRow(key: $0, store: $0, ttlSeconds: 1, valueSummary: $0) },
                                nextPage: nil)
        assertSafe(ConsoleView.render(state))
        _ = ConsoleFixtures.press(&state, .character("S"))
        if case .cacheClear(var dialog) = state.modal {
            dialog.preview = CacheClearPreview(scope: dialog.scope, keyCount: 3, sample: Self.titles)
            state.modal = .cacheClear(dialog)
        }
        assertSafe(ConsoleView.render(state))
        state.modal = nil
        _ = ConsoleFixtures.press(&state, .character("4"))
        state.queue.rows.replace(with: Self.titles.enumerated().map {
            QueueJobRow(id: Int64($0), store: $1, discogsID: 1, status: .failed, errorMessage: $1)
        }, nextPage: nil)
        _ = ConsoleUpdate.update(&state, .healthChanged(HealthSnapshot(
            postgres: TierStatus(isUp: false, problem: Self.titles[1]), redis: TierStatus(isUp: false, problem: Self.titles[2]))))
        _ = ConsoleUpdate.update(&state, .resized(TerminalSize(columns: 120, rows: 40)))
        assertSafe(ConsoleView.render(state))
    }

    func testFillersShowAsAMarkAndNewEmojiTakeTwoColumns() {
        let state = hostileState(TerminalSize(columns: 200, rows: 60))
        let buffer = ConsoleView.render(state)
        assertSafe(buffer)
        let lines = buffer.lines
        let mark = Character(TerminalText.invisibleMark)
        XCTAssertTrue(lines.contains { $0.contains("Fillers \(mark)\(mark) \(mark)\(mark) \(mark) \(mark)") },
                      "fillers are shown as \(mark)")
        var found = false
        for row in 0..<buffer.height {
            for column in 0..<(buffer.width - 1) where buffer[column, row].character == "\u{1FAE8}" {
                XCTAssertEqual(buffer[column, row].width, 2)
                XCTAssertTrue(buffer[column + 1, row].isContinuation)
                found = true
            }
        }
        XCTAssertTrue(found, "the Unicode 15 emoji is drawn")
        XCTAssertFalse(lines.contains { $0.unicodeScalars.contains { (0xE0000...0xE007F).contains($0.value) } },
                       "no tag character is drawn")
    }

    func testLongTitlesAreCutWithAnEllipsis() {
        let state = hostileState(TerminalSize(columns: 80, rows: 24))
        let lines = ConsoleView.render(state).lines
        XCTAssertTrue(lines.contains { $0.contains("長いタイトル") && $0.contains("…") })
        XCTAssertTrue(lines.contains { $0.contains("xxxxx…") })
    }
}
