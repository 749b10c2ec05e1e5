import ArgumentParser
import Foundation
import Rotation

/// `rotation seed`: synthetic data at scale for the demo and the benchmarks.
struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Create realistic synthetic stores, releases, matches, candidates and queue rows (COPY).",
        discussion: """
            --tracks N alone asks for N track_matches rows in all, in releases of --tracks-per-release tracks \
            (rotation seed --tracks 10000000 gives 10M rows in 1M releases). The older form --releases M \
            [--tracks K] gives M matched releases with K matches each. Either way the releases are spread over \
            --stores stores, plus --queued releases waiting in the queue with bodies a worker can match. Synthetic \
            releases use Discogs ids from 9,000,000,000 up: seeding again replaces them and never touches other rows. \
            A load larger than a table builds that table's secondary indexes after the COPY. Progress goes to stderr \
            (one updating line on a terminal).
            """)

    @OptionGroup var servers: ServerOptions

    @Option(help: "Number of stores.")
    var stores = 10

    @Option(help: "Matched releases (default 1000 unless --tracks alone gives the total).")
    var releases: Int?

    @Option(help: "Without --releases: track_matches rows in all. With --releases: tracks per release (the older form).")
    var tracks: Int?

    @Option(help: "Tracks (track_matches rows) per matched release (default 10).")
    var tracksPerRelease: Int?

    @Option(help: "Queued releases with bodies (default: a twentieth of the matched releases).")
    var queued: Int?

    @Option(help: "Generator seed: the same seed gives the same data.")
    var seed: UInt64 = 1

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func validate() throws {
        guard stores >= 1, (releases ?? 0) >= 0, (tracks ?? 1) >= 1, (tracksPerRelease ?? 1) >= 1, (queued ?? 0) >= 0 else {
            throw ValidationError("--stores, --tracks and --tracks-per-release must be at least 1; --releases and --queued not negative")
        }
        if releases != nil, tracks != nil, tracksPerRelease != nil {
            throw ValidationError("with --releases, give the tracks per release once: --tracks or --tracks-per-release")
        }
    }

    func run() throws {
        let shape = SeedRequest.shape(releases: releases, tracks: tracks, tracksPerRelease: tracksPerRelease)
        let request = SeedRequest(stores: stores, releases: shape.releases, tracksPerRelease: shape.tracksPerRelease,
                                  queuedReleases: queued, seed: seed)
        let line = ProgressLine()
        let started = Date()
        let terminal = isatty(STDERR_FILENO) == 1
        let report = try SyntheticDataSeeder(connection: try servers.postgres()).seed(request, progress: { stage in
            line.end()
            printError("seed: \(stage)")
        }, rows: { table, sent, total in
            // On a terminal one line updates in place; elsewhere only each table's end is written.
            guard terminal || sent == total else { return }
            let rate = Double(sent) / max(Date().timeIntervalSince(started), 0.001)
            line.show("seed: \(table) \(sent.formatted()) of \(total.formatted()) (\(Int(rate).formatted()) rows/s since the start)")
        })
        line.end()
        if json { return try printJSON(report) }
        printLine("""
            seeded \(report.stores) stores, \(report.releases) releases, \(report.trackMatches) track_matches, \
            \(report.candidates) candidates, \(report.queueRows) queue rows, \(report.releaseBodies) release bodies \
            in \(String(format: "%.1f", report.seconds)) s (\(Int(report.rowsPerSecond).formatted()) rows/s; \
            \(report.indexesDeferred) indexes built after the load in \(String(format: "%.1f", report.indexSeconds)) s; \
            replaced \(report.previousRowsRemoved) earlier synthetic rows)
            """)
        if !report.triggersSuppressed {
            printError("seed: note: not the owner of the tables, so the change triggers sent a NOTIFY for every row (slower)")
        }
    }
}
