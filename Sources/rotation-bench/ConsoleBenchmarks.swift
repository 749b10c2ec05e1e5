import Foundation
import Postgres
import Rotation
import Terminal
import TmuxDriver

/// The review console against the budgets of DESIGN.md section 8: a full 200x60 frame (< 2 ms) and the cells a
/// cursor move writes; first paint (< 200 ms) and resident memory (< 50 MB) with 1M `track_matches` rows; and
/// keystroke-to-screen latency of the real `rotation review` under tmux. Prints figures, asserts nothing.
///
/// With fewer than 1M `track_matches` rows it seeds 1M synthetic ones (`SyntheticDataSeeder`, Discogs ids from
/// 9e9 up, about a minute) into the given database and leaves them there. The tmux figures need `tmux` and the
/// `rotation` executable from the same build directory; without them they are reported as not measured.
func runConsoleBenchmarks(postgresURL: String, redisURL: String) throws {
    print("== Console (review console, 200x60) ==")
    consoleFrameBenchmarks()

    let db = try PostgresConnection(url: postgresURL)
    defer { db.close() }
    _ = try MigrationRunner(connection: db).apply()
    try consoleEnsureMillionRows(db)
    let target = try ConsoleFirstScreen(db: db)
    print("  first store \(target.store), its first release \(target.releaseID) (Cat# \(target.catno)), "
          + "\(target.trackCount) tracks")

    consoleInProcessFirstPaint(postgresURL: postgresURL, redisURL: redisURL, target: target)
    guard let rotation = consoleRotationExecutable() else {
        print("  tmux figures (first paint, memory, latency): not measured, no `rotation` executable next to \(CommandLine.arguments[0])")
        print("")
        return
    }
    guard TmuxSession.isInstalled else {
        print("  tmux figures (first paint, memory, latency): not measured, tmux is not installed")
        print("")
        return
    }
    consoleTmuxBenchmarks(rotation: rotation, postgresURL: postgresURL, redisURL: redisURL, target: target)
    print("")
}


/// The size every console figure is measured at.
let consoleFrameSize = TerminalSize(columns: 200, rows: 60)

/// One figure: its name in a column, then the figures.
func consoleLine(_ name: String, _ figures: String) {
    print("  \(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(figures)")
}
