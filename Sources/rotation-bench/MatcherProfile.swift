import Foundation
import Matching

/// `rotation-bench matcher-profile [--repeat N] [--json FILE] DIR...`: matches every release body (`*.json`) in the
/// directories with the default matcher, and nothing else: no servers, no writes. It is the fixed input for counting
/// the matcher's instructions with callgrind (README "Benchmarks"), and `--json` writes every result with its full
/// evidence, so two builds of the matcher can be compared byte for byte.
func runMatcherProfile(_ arguments: [String]) throws {
    var directories: [String] = []
    var jsonPath: String?
    var rounds = 1
    var index = 0
    while index < arguments.count {
        switch arguments[index] {
        case "--json" where index + 1 < arguments.count:
            jsonPath = arguments[index + 1]; index += 1
        case "--repeat" where index + 1 < arguments.count:
            rounds = max(1, Int(arguments[index + 1]) ?? 1); index += 1
        default:
            directories.append(arguments[index])
        }
        index += 1
    }
    var releases: [DiscogsRelease] = []
    for directory in directories {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        for name in names {
            releases.append(try DiscogsDecoding.decode(
                DiscogsRelease.self, contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name)))
        }
    }
    let matcher = TrackMatcher()
    var results: [ReleaseMatchResult] = []
    var tracks = 0
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<rounds {
        results.removeAll(keepingCapacity: true)
        for release in releases {
            let result = matcher.match(release)
            tracks += result.tracks.count
            results.append(result)
        }
    }
    let elapsed = seconds(clock.now - start)
    print(String(format: "matcher profile: %d releases, %d tracks matched in %.3f s (%d round(s))",
                 releases.count, tracks, elapsed, rounds))
    if let jsonPath {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(results).write(to: URL(fileURLWithPath: jsonPath))
    }
}
