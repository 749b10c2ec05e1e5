import Foundation
import Matching

/// Releases matched before the worker runs, for the benchmark's write floor: a worker given these (in
/// `WorkerConfiguration.matchesInAdvance`) claims, loads and writes exactly as usual, with the same statements and
/// the same rows, but takes each release's candidates and matches from here instead of running the matcher. The
/// worker's throughput against this floor is what matching costs it. Rejected URLs are not consulted: the rows were
/// decided when they were prepared.
public final class MatchesInAdvance: Sendable {
    let releases: [Int64: PreparedRelease]

    /// Matches every release with `configuration` (matcher, policy, candidate floor), as the worker would.
    public init(_ releases: [DiscogsRelease], configuration: WorkerConfiguration) {
        var prepared: [Int64: PreparedRelease] = [:]
        for release in releases where prepared[release.id] == nil {
            var matched = PreparedRelease(jobs: [], release: release)
            matched.match(configuration: configuration, rejected: [:])
            prepared[release.id] = matched
        }
        self.releases = prepared
    }

    public var count: Int { releases.count }

    /// The prepared rows of `job`'s release, as the job's own; nil when it was not prepared.
    func prepared(for job: QueueJob) -> PreparedRelease? {
        guard var matched = releases[job.discogsID] else { return nil }
        matched.jobs = [job]
        return matched
    }
}
