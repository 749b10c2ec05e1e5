import Foundation
import Matching

/// A release matched in memory, with the rows it will write.
struct PreparedRelease {
    var jobs: [QueueJob]
    let release: DiscogsRelease
    var candidateRows: [CandidateRow] = []
    var matchRows: [MatchRow] = []
    var tracks = 0
    var autoApproved = 0
    var pending = 0
    var unmatched = 0
    /// Matchable tracks the policy left unmatched (no candidate at or above the store threshold): what search is for.
    var unmatchedTrackIndices: [Int] = []
    /// Tracks searched for and the search's outcome, when the worker searched.
    var searchedTracks = 0
    var searchAPISeconds = 0.0
    /// Search was needed but could not be made now: the job goes back to the queue with this reason.
    var searchDeferral: SearchDeferral?
    /// Set by `restricted(to:)`: only this track's candidates and match are written (and its old candidates replaced).
    private(set) var onlyTrack: Int?

    init(jobs: [QueueJob], release: DiscogsRelease) {
        self.jobs = jobs; self.release = release
    }

    /// The release's rows for the track at `trackIndex` only (its candidates, its match if any), for a write that
    /// leaves the release's other tracks as they are.
    func restricted(to trackIndex: Int) -> PreparedRelease {
        var one = self
        one.onlyTrack = trackIndex
        one.candidateRows = candidateRows.filter { $0.trackIndex == trackIndex }
        one.matchRows = matchRows.filter { $0.track_index == trackIndex }
        return one
    }

    /// A `match_candidates` row, written with COPY.
    struct CandidateRow {
        var releaseID: Int64
        var trackIndex: Int
        var platform: String
        var url: String
        var title: String
        var confidence: Double
        var evidence: MatchEvidence
        /// Who proposed it ("discogs", "youtube"): written into the evidence JSON as `source`.
        var source: String

        /// One line of COPY text format, built as bytes: the evidence is encoded by hand because Foundation's
        /// JSONEncoder costs more than matching the release.
        func appendCopyLine(to line: inout CopyLine) {
            line.appendRaw(String(releaseID)); line.separator()
            line.appendRaw(String(trackIndex)); line.separator()
            line.appendField(platform); line.separator()
            line.appendField(url); line.separator()
            line.appendField(title); line.separator()
            line.appendNumber(confidence); line.separator()
            EvidenceJSON.append(evidence, source: source, to: &line, forCopy: true)
            line.endLine()
        }
    }

    /// A `track_matches` row, sent as one element of a JSON array to `jsonb_to_recordset`.
    struct MatchRow {
        var release_id: Int64
        var track_index: Int
        var platform: String
        var match_url: String
        var confidence: Double
        var approved: Bool
        var verified_by: String?

        var json: String {
            "{\"release_id\":\(release_id),\"track_index\":\(track_index),\"platform\":\(CopyText.jsonString(platform)),"
                + "\"match_url\":\(CopyText.jsonString(match_url)),\"confidence\":\(confidence),\"approved\":\(approved),"
                + "\"verified_by\":\(verified_by.map(CopyText.jsonString) ?? "null")}"
        }
    }

    /// Runs the matcher and the policy over the release's Discogs videos and what search found (`searched`).
    /// Only candidates on a known platform can become matches; rejected URLs never. Replaces an earlier run's rows.
    mutating func match(configuration: WorkerConfiguration, rejected: [Int: Set<String>], searched: [CandidateVideo] = []) {
        candidateRows = []; matchRows = []; unmatchedTrackIndices = []
        tracks = 0; autoApproved = 0; pending = 0; unmatched = 0
        let result = searched.isEmpty ? configuration.matcher.match(release)
            : configuration.matcher.match(release, provider: StaticCandidateProvider(searched, includeReleaseVideos: true))
        for track in result.tracks {
            tracks += 1
            var seen: Set<String> = []
            // Candidates come best first: the floor keeps the nearest few of an unmatched track visible.
            for (rank, candidate) in track.candidates.enumerated() where seen.insert(candidate.url).inserted {
                if rank >= configuration.candidatesKeptPerTrack && candidate.confidence <= configuration.candidateFloor { break }
                candidateRows.append(CandidateRow(
                    releaseID: release.id, trackIndex: track.trackIndex,
                    platform: candidate.platform?.rawValue ?? "other", url: candidate.url,
                    title: candidate.videoTitle, confidence: min(1, max(0, candidate.confidence)),
                    evidence: candidate.evidence, source: candidate.source))
            }
            let decision = configuration.policy.decide(track.candidates, rejectedURLs: rejected[track.trackIndex] ?? [])
            guard let chosen = decision.storedCandidate, let platform = chosen.platform else {
                unmatched += 1
                unmatchedTrackIndices.append(track.trackIndex)
                continue
            }
            if decision.isAutoApproved { autoApproved += 1 } else { pending += 1 }
            matchRows.append(MatchRow(
                release_id: release.id, track_index: track.trackIndex, platform: platform.rawValue,
                match_url: chosen.url, confidence: min(1, max(0, chosen.confidence)),
                approved: decision.isAutoApproved, verified_by: decision.isAutoApproved ? configuration.autoApprover : nil))
        }
    }
}
