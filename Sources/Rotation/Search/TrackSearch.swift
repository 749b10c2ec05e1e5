import Foundation
import Matching
import Postgres

/// Searches for one stored release track on one provider (YouTube or SoundCloud) and scores what comes back with
/// the matcher, against the whole release (so an upload that fits another track better is marked down here, as in
/// the worker), and with the policy (rejected URLs excluded). It stores nothing unless asked (`store`); then it
/// writes the track's candidates and its match through the worker's own write path (`MatchedReleaseWriter`).
public struct TrackSearch<Provider: TrackSearchProvider>: Sendable {
    public let connection: PostgresConnection
    public let provider: Provider
    public var matcher = TrackMatcher()
    public var policy = MatchPolicy.default

    public init(connection: PostgresConnection, provider: Provider) {
        self.connection = connection; self.provider = provider
    }

    /// Searches for the track at `trackIndex` of the stored release `releaseID` (its Discogs body, as the
    /// importers stored it) and scores the results, with the release's own Discogs videos too unless
    /// `includeReleaseVideos` is false. With `store`, the track's candidates and the policy's match are written as
    /// the worker writes them (the release's other tracks untouched), and an approved match through `cache`.
    public func run(releaseID: Int64, trackIndex: Int, includeReleaseVideos: Bool = true,
                    store: Bool = false, cache: MatchCacheWriter? = nil) throws -> TrackSearchResult {
        let release = try StoredTrackReads.release(releaseID, trackIndex: trackIndex, on: connection)
        guard let query = SearchQuery(release: release, trackIndex: trackIndex) else {
            throw TrackSearchError.notSearchable(releaseID: releaseID, trackIndex: trackIndex)
        }
        if store && !includeReleaseVideos { throw TrackSearchError.storeNeedsReleaseVideos }
        let outcome = try provider.searchTrack(query)
        let provided = StaticCandidateProvider(outcome.candidates, includeReleaseVideos: includeReleaseVideos)
        let scored = matcher.match(release, provider: provided).track(at: trackIndex)
        let rejected = try StoredTrackReads.rejectedURLs(releaseID, trackIndex: trackIndex, on: connection)
        let candidates = scored?.candidates ?? []
        var result = TrackSearchResult(
            release: release, trackIndex: trackIndex, outcome: outcome, candidates: candidates,
            decision: policy.decide(candidates, rejectedURLs: rejected), rejectedURLs: rejected)
        if store { result.stored = try write(release, trackIndex: trackIndex, found: outcome.candidates, rejected: rejected, cache: cache) }
        return result
    }

    /// Matches the release as the worker does (its Discogs videos and what search found, the same policy and
    /// rejections) and writes the track's rows in one transaction, then the cache.
    private func write(_ release: DiscogsRelease, trackIndex: Int, found: [CandidateVideo], rejected: Set<String>,
                       cache: MatchCacheWriter?) throws -> TrackSearchStored {
        let configuration = WorkerConfiguration(policy: policy, matcher: matcher)
        var prepared = PreparedRelease(jobs: [], release: release)
        prepared.match(configuration: configuration, rejected: [trackIndex: rejected], searched: found)
        let one = prepared.restricted(to: trackIndex)
        let store = try connection.query(
            "SELECT store_username FROM releases WHERE discogs_id = $1", release.id).first?.decode("store_username", as: String.self)
        let written = try connection.transaction { db in
            try MatchedReleaseWriter.write([one], storeByRelease: store.map { [release.id: $0] } ?? [:], on: db).written
        }
        let cacheFailures = cache?.write(written, repairs: connection).count ?? 0
        return TrackSearchStored(candidates: one.candidateRows.count, match: written.first,
                                 keptExisting: !one.matchRows.isEmpty && written.isEmpty, cacheFailures: cacheFailures)
    }
}

/// A provider `TrackSearch` can ask: YouTube or SoundCloud.
public protocol TrackSearchProvider: Sendable {
    /// The cache first, then the API; the answer as matcher candidates.
    func searchTrack(_ query: SearchQuery) throws -> TrackSearchOutcome
}

extension YouTubeSearchProvider: TrackSearchProvider {
    public func searchTrack(_ query: SearchQuery) throws -> TrackSearchOutcome {
        let outcome = try search(query)
        return TrackSearchOutcome(provider: Self.name, query: query, candidates: outcome.candidates,
                                  fromCache: outcome.fromCache, unitsSpent: outcome.unitsSpent)
    }
}

extension SoundCloudSearchProvider: TrackSearchProvider {
    public func searchTrack(_ query: SearchQuery) throws -> TrackSearchOutcome {
        let outcome = try search(query)
        return TrackSearchOutcome(provider: Self.name, query: query, candidates: outcome.candidates,
                                  fromCache: outcome.fromCache, unitsSpent: 0)
    }
}

/// What one provider's search for a track brought, in its order.
public struct TrackSearchOutcome: Sendable {
    public var provider: String
    public var query: SearchQuery
    public var candidates: [CandidateVideo]
    public var fromCache: Bool
    /// Quota units spent (YouTube; SoundCloud has no unit quota).
    public var unitsSpent: Int
}

/// What `--store` wrote.
public struct TrackSearchStored: Sendable {
    /// `match_candidates` rows written for the track (its earlier ones replaced).
    public var candidates: Int
    /// The `track_matches` row written, when the policy stores one and the row was the matcher's to write.
    public var match: TrackMatch?
    /// The policy chose a match but the track's row was left as it is: a person decided it, or it already held
    /// exactly this match (`MatcherOwnership`).
    public var keptExisting: Bool
    /// Keys whose cache update failed (queued for repair).
    public var cacheFailures: Int
}

/// One track's search, scored.
public struct TrackSearchResult: Sendable {
    public var release: DiscogsRelease
    public var trackIndex: Int
    public var outcome: TrackSearchOutcome
    /// Best first, with each one's evidence.
    public var candidates: [ScoredCandidate]
    /// What the policy would store for the track.
    public var decision: MatchDecision
    public var rejectedURLs: Set<String>
    /// What was written, with `store`; nil otherwise.
    public var stored: TrackSearchStored?

    public var track: DiscogsTrack { release.tracklist[trackIndex] }
}

public enum TrackSearchError: Error, CustomStringConvertible, Sendable {
    case releaseNotStored(Int64)
    case noSuchTrack(releaseID: Int64, trackIndex: Int, tracks: Int)
    case notSearchable(releaseID: Int64, trackIndex: Int)
    case storeNeedsReleaseVideos

    public var description: String {
        switch self {
        case .releaseNotStored(let id):
            "release \(id) has no stored Discogs body (import it first: rotation import releases, or rotation sync)"
        case .noSuchTrack(let id, let index, let count):
            "release \(id) has no track index \(index) (its tracklist has \(count) entries, indexes from 0)"
        case .notSearchable(let id, let index):
            "track \(index) of release \(id) is a heading or has no title: nothing to search for"
        case .storeNeedsReleaseVideos:
            "--store writes what the worker would, which scores the release's Discogs videos too: drop --no-release-videos"
        }
    }
}

/// What every search of one stored track reads: the release's Discogs body (as the importers stored it) and the URLs
/// reviewers rejected for the track.
enum StoredTrackReads {
    static func release(_ releaseID: Int64, trackIndex: Int, on connection: PostgresConnection) throws -> DiscogsRelease {
        guard let body = try connection.query(
            "SELECT body::text AS body FROM discogs_release_bodies WHERE discogs_id = $1", releaseID
        ).first?.decode("body", as: String.self) else {
            throw TrackSearchError.releaseNotStored(releaseID)
        }
        let release = try DiscogsDecoding.decode(DiscogsRelease.self, from: Data(body.utf8))
        guard release.tracklist.indices.contains(trackIndex) else {
            throw TrackSearchError.noSuchTrack(releaseID: releaseID, trackIndex: trackIndex, tracks: release.tracklist.count)
        }
        return release
    }

    static func rejectedURLs(_ releaseID: Int64, trackIndex: Int, on connection: PostgresConnection) throws -> Set<String> {
        Set(try connection.query(
            "SELECT match_url FROM match_rejections WHERE release_id = $1 AND track_index = $2::integer", releaseID, trackIndex
        ).column("match_url", as: String.self))
    }
}
