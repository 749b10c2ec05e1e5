import Foundation
import Matching
import Postgres

/// The read path's compute tier: matches one track from the release body the importers stored, with the same
/// matcher and policy as the worker (rejected URLs excluded). Nil when the body is unknown or no candidate reaches
/// the store threshold.
public struct StoredReleaseMatchComputer: TrackMatchComputing {
    public let connection: PostgresConnection
    public let configuration: WorkerConfiguration

    public init(connection: PostgresConnection, configuration: WorkerConfiguration = WorkerConfiguration()) {
        self.connection = connection
        self.configuration = configuration
    }

    public func computeMatch(for key: TrackKey) throws -> ComputedMatch? {
        guard let body = try connection.query(
            "SELECT body::text AS body FROM discogs_release_bodies WHERE discogs_id = $1", key.releaseID
        ).first?.decode("body", as: String.self) else { return nil }
        let release = try DiscogsDecoding.decode(DiscogsRelease.self, from: Data(body.utf8))
        guard let track = configuration.matcher.match(release).track(at: key.trackIndex) else { return nil }
        let rejected = Set(try connection.query(
            "SELECT match_url FROM match_rejections WHERE release_id = $1 AND track_index = $2", key.releaseID, key.trackIndex
        ).column("match_url", as: String.self))
        let decision = configuration.policy.decide(track.candidates, rejectedURLs: rejected)
        guard let chosen = decision.storedCandidate, let platform = chosen.platform else { return nil }
        return ComputedMatch(platform: platform.rawValue, matchURL: chosen.url, confidence: min(1, max(0, chosen.confidence)),
                             approved: decision.isAutoApproved)
    }
}
