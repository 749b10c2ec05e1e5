import Foundation
@testable import Matching
import XCTest

/// The evaluation with candidates from a search source: the same metrics, plus the searches and quota they cost.
final class SearchEvaluationTests: XCTestCase {
    /// Hands over each release's own videos as if a search had found them, at 101 units a track.
    struct VideosAsSearchResults: EvaluationCandidateSource {
        var name: String { "stub" }
        var includesReleaseVideos: Bool { false }
        func candidates(for release: DiscogsRelease) throws -> SearchedCandidates {
            let tracks = release.tracklist.filter(\.isMatchable).count
            let videos = ReleaseVideosProvider().candidates(for: release).map { video -> CandidateVideo in
                var found = video; found.source = name; return found
            }
            return SearchedCandidates(videos: videos, usage: SearchUsage(
                provider: name, includesReleaseVideos: false, searches: tracks, quotaUnits: 101 * tracks, releases: 1))
        }
    }

    struct FailingSource: EvaluationCandidateSource {
        struct Refused: Error {}
        var name: String { "failing" }
        var includesReleaseVideos: Bool { true }
        func candidates(for release: DiscogsRelease) throws -> SearchedCandidates { throw Refused() }
    }

    func testSearchedCandidatesScoreAsTheReleaseVideosAndTheQuotaAddsUp() throws {
        let fixtures = try Fixtures.discogs()
        let set = LabelSet(labelsFile: fixtures.appendingPathComponent("labels.json"))
        let plain = try MatcherEvaluation().evaluate([set])
        let searched = try MatcherEvaluation().evaluate([set], source: VideosAsSearchResults())
        XCTAssertEqual(searched.overall, plain.overall, "the same candidates score the same, whatever their source")
        XCTAssertNil(plain.search)
        let usage = try XCTUnwrap(searched.search)
        XCTAssertEqual(usage.releases, searched.releases.count)
        XCTAssertEqual(usage.quotaUnits, searched.releases.compactMap(\.search?.quotaUnits).reduce(0, +))
        XCTAssertEqual(usage.quotaUnits, 101 * usage.searches)
        XCTAssertEqual(searched.labelSets.first?.search, usage)
        XCTAssertEqual(try XCTUnwrap(usage.quotaUnitsPerRelease), Double(usage.quotaUnits) / Double(usage.releases), accuracy: 1e-9)

        let json = String(decoding: try JSONEncoder().encode(searched), as: UTF8.self)
        XCTAssertTrue(json.contains("\"quota_units_per_release\""), json.prefix(300).description)
        let decoded = try JSONDecoder().decode(EvaluationReport.self, from: Data(json.utf8))
        XCTAssertEqual(decoded.search, usage)
        XCTAssertTrue(EvaluationReportFormatter.table(searched).contains("search: stub only (no Discogs videos)"))
    }

    func testASourceErrorStopsTheEvaluation() throws {
        let fixtures = try Fixtures.discogs()
        let set = LabelSet(labelsFile: fixtures.appendingPathComponent("labels.json"))
        XCTAssertThrowsError(try MatcherEvaluation().evaluate([set], source: FailingSource())) {
            XCTAssertTrue($0 is FailingSource.Refused, "\($0)")
        }
    }
}
