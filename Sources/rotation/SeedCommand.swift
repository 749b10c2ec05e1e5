import ArgumentParser
import Foundation
import Rotation

/// `rotation seed`: synthetic data at scale for the demo and the benchmarks.
struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Create realistic synthetic stores, releases, matches, candidates and queue rows (COPY).",
        discussion: """
            --releases matched releases with --tracks matches each (so --releases 100000 --tracks 10 gives 1M \
            track_matches rows), spread over --stores stores, plus --queued releases waiting in the queue with bodies \
            a worker can match. Synthetic releases use Discogs ids from 9,000,000,000 up: seeding again replaces \
            them and never touches other rows.
            """)

    @OptionGroup var servers: ServerOptions

    @Option(help: "Number of stores.")
    var stores = 10

    @Option(help: "Matched releases.")
    var releases = 1000

    @Option(help: "Tracks (track_matches rows) per matched release.")
    var tracks = 10

    @Option(help: "Queued releases with bodies (default: a twentieth of --releases).")
    var queued: Int?

    @Option(help: "Generator seed: the same seed gives the same data.")
    var seed: UInt64 = 1

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func validate() throws {
        guard stores >= 1, releases >= 0, tracks >= 1, (queued ?? 0) >= 0 else {
            throw ValidationError("--stores and --tracks must be at least 1; --releases and --queued not negative")
        }
    }

    func run() throws {
        let request = SeedRequest(stores: stores, releases: releases, tracksPerRelease: tracks, queuedReleases: queued, seed: seed)
        let report = try SyntheticDataSeeder(connection: try servers.postgres()).seed(request) { printError("seed: \($0)") }
        if json { return try printJSON(report) }
        printLine("""
            seeded \(report.stores) stores, \(report.releases) releases, \(report.trackMatches) track_matches, \
            \(report.candidates) candidates, \(report.queueRows) queue rows, \(report.releaseBodies) release bodies \
            in \(String(format: "%.1f", report.seconds)) s (replaced \(report.previousRowsRemoved) earlier synthetic rows)
            """)
        if !report.triggersSuppressed {
            printError("seed: note: not the owner of the tables, so the change triggers sent a NOTIFY for every row (slower)")
        }
    }
}
