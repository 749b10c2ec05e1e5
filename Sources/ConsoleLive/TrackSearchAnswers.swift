import Console
import Foundation
import Matching
import Rotation

/// The search form's answers (`ConsoleEffect.prepareTrackSearch`, `.searchTrack`), from `ReviewerTrackSearch` on
/// the site the form asks for. What stops a search now (no site configured, the budget or YouTube's quota spent,
/// a key or SoundCloud's client credentials refused, the release's Discogs body not stored) is an answer the form
/// shows, not a failure; the descriptions carry no key or secret.
enum TrackSearchAnswers {
    /// The track's query and the sites search is configured for (YouTube first); with none, how to configure one.
    static func prepare(_ track: TrackReference, _ search: (SearchSite) throws -> ReviewerTrackSearch) throws -> TrackSearchAnswer {
        var ready: [(site: SearchSite, search: ReviewerTrackSearch)] = []
        var howToConfigure: [String] = []
        for site in SearchSite.allCases {
            do {
                ready.append((site, try search(site)))
            } catch let error as YouTubeSearchError {
                howToConfigure.append(error.description)
            } catch let error as SoundCloudSearchError {
                howToConfigure.append(error.description)
            }
        }
        guard let first = ready.first else { return .unavailable(howToConfigure.joined(separator: "; or ")) }
        return try explained {
            .suggestedQuery(try first.search.suggestedQuery(releaseID: track.releaseID, trackIndex: track.trackIndex).text,
                            sites: ready.map(\.site))
        }
    }

    static func search(_ track: TrackReference, query: TrackSearchRequest, _ search: (SearchSite) throws -> ReviewerTrackSearch)
        throws -> TrackSearchAnswer {
        try explained {
            let result = try search(query.site).search(releaseID: track.releaseID, trackIndex: track.trackIndex,
                                                       queryText: query.text)
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
        } catch let error as SoundCloudSearchError {
            return .unavailable(error.description)
        } catch let error as TrackSearchError {
            return .unavailable(error.description)
        }
    }
}
