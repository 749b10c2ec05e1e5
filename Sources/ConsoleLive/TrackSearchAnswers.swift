import Console
import Foundation
import Matching
import Rotation

/// The search form's answers (`ConsoleEffect.prepareTrackSearch`, `.searchTrack`), from `ReviewerTrackSearch`.
/// What stops a search now (search not configured, the budget or YouTube's quota spent, the key refused, the
/// release's Discogs body not stored) is an answer the form shows, not a failure; the descriptions carry no key.
enum TrackSearchAnswers {
    static func prepare(_ track: TrackReference, _ search: () throws -> ReviewerTrackSearch) throws -> TrackSearchAnswer {
        try explained {
            .suggestedQuery(try search().suggestedQuery(releaseID: track.releaseID, trackIndex: track.trackIndex).text)
        }
    }

    static func search(_ track: TrackReference, query: String, _ search: () throws -> ReviewerTrackSearch) throws -> TrackSearchAnswer {
        try explained {
            let result = try search().search(releaseID: track.releaseID, trackIndex: track.trackIndex, queryText: query)
            return .results(picks(result), unitsSpent: result.outcome.unitsSpent)
        }
    }

    /// The scored uploads as the pick list shows them, best first, URLs rejected for the track marked.
    static func picks(_ result: TrackSearchResult) -> [CandidateOption] {
        result.candidates.map { candidate in
            CandidateOption(
                url: candidate.url, platform: candidate.platform, title: candidate.videoTitle, confidence: candidate.confidence,
                evidence: candidate.evidence.signals.map {
                    ScoreEvidence(signal: $0.name, value: $0.value, weight: $0.weight, contribution: $0.contribution)
                },
                rejected: result.rejectedURLs.contains(candidate.url), source: CandidateSource(recorded: candidate.source))
        }
    }

    private static func explained(_ body: () throws -> TrackSearchAnswer) throws -> TrackSearchAnswer {
        do {
            return try body()
        } catch let error as YouTubeSearchError {
            return .unavailable(error.description)
        } catch let error as TrackSearchError {
            return .unavailable(error.description)
        }
    }
}
