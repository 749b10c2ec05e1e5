import Foundation
import XCTest
@testable import Matching

final class MatcherEvaluationTests: XCTestCase {
    func id(_ letter: Character) -> String { "https://www.youtube.com/watch?v=" + String(repeating: letter, count: 11) }

    func candidate(_ letter: Character, _ confidence: Double) -> ScoredCandidate {
        ScoredCandidate(url: id(letter), platform: .youtube, videoTitle: String(letter), durationSeconds: nil,
                        source: "test", confidence: confidence, evidence: MatchEvidence(signals: []))
    }

    /// Hand-made results with known answers, so the metric arithmetic itself is tested.
    func testMetricMathOnHandMadeLabels() {
        var tracklist = (0..<9).map { DiscogsTrack(position: "\($0)", title: "T\($0)") }
        tracklist[7].type = .heading
        let release = DiscogsRelease(id: 99, title: "Hand made", tracklist: tracklist)
        let results: [Int: [ScoredCandidate]] = [
            0: [candidate("a", 0.9)],                        // auto, correct
            1: [candidate("b", 0.9)],                        // auto, wrong
            2: [candidate("c", 0.6), candidate("d", 0.4)],   // pending, top-1 wrong
            3: [candidate("e", 0.7)],                        // no labelled video, stored: false match, pending
            4: [candidate("f", 0.3)],                        // no labelled video, unmatched
            5: [candidate("g", 0.9), candidate("h", 0.88)],  // ambiguous: pending, top-1 wrong
            6: [candidate("i", 0.95)],                       // unsure: left out
            8: [],                                           // labelled but no candidate
        ]
        let result = ReleaseMatchResult(releaseID: 99, tracks: results.keys.sorted().map {
            TrackMatchResult(trackIndex: $0, position: "\($0)", title: "T\($0)", candidates: results[$0]!)
        })
        let labels = ReleaseLabels(releaseID: 99, tracks: [
            TrackLabel(trackIndex: 0, videos: ["http://youtu.be/aaaaaaaaaaa"]),
            TrackLabel(trackIndex: 1, videos: [id("c")]),
            TrackLabel(trackIndex: 2, videos: [id("d")]),
            TrackLabel(trackIndex: 3, videos: []),
            TrackLabel(trackIndex: 4, videos: []),
            TrackLabel(trackIndex: 5, videos: [id("h")]),
            TrackLabel(trackIndex: 6, videos: [], confidence: .unsure),
            TrackLabel(trackIndex: 7, videos: [id("z")]),
            TrackLabel(trackIndex: 8, videos: [id("i")]),
            TrackLabel(trackIndex: 42, videos: []),
        ])
        var warnings: [String] = []
        let evaluation = MatcherEvaluation().evaluate(release: release, result: result, labels: labels, warnings: &warnings)
        let m = evaluation.metrics
        XCTAssertEqual(m.tracksEvaluated, 7)
        XCTAssertEqual(m.tracksWithLabelledVideo, 5)
        XCTAssertEqual(m.tracksWithoutLabelledVideo, 2)
        XCTAssertEqual(m.autoApproved, 2)
        XCTAssertEqual(m.autoApprovedCorrect, 1)
        XCTAssertEqual(m.autoApprovePrecision, 0.5)
        XCTAssertEqual(m.autoApproveRecall, 0.2)
        XCTAssertEqual(m.top1Correct, 1)
        XCTAssertEqual(m.top1Accuracy, 0.2)
        XCTAssertEqual(m.falseMatches, 1)
        XCTAssertEqual(m.falseMatchRate, 0.5)
        XCTAssertEqual(m.reviewLoad, 3)
        XCTAssertEqual(warnings.count, 1)
        XCTAssertEqual(evaluation.tracks.map(\.trackIndex), [0, 1, 2, 3, 4, 5, 8])
    }

    func testEmptyDenominatorsAreNotANumber() throws {
        let m = EvaluationMetrics()
        XCTAssertNil(m.autoApprovePrecision)
        XCTAssertNil(m.falseMatchRate)
        let json = String(decoding: try JSONEncoder().encode(m), as: UTF8.self)
        XCTAssertTrue(json.contains("\"auto_approve_precision\":null"), json)
    }

    func testReportAddsUpAndRenders() throws {
        let fixtures = try Fixtures.discogs()
        let report = try MatcherEvaluation().evaluate(
            labelsFile: fixtures.appendingPathComponent("labels.json"),
            releasesDirectory: fixtures.appendingPathComponent("releases"))
        XCTAssertEqual(report.releases.count, 13)
        XCTAssertTrue(report.missingReleases.isEmpty)
        XCTAssertEqual(report.releases.map(\.metrics.tracksEvaluated).reduce(0, +), report.overall.tracksEvaluated)
        XCTAssertEqual(report.releases.map(\.metrics.autoApproved).reduce(0, +), report.overall.autoApproved)
        let table = EvaluationReportFormatter.table(report)
        XCTAssertTrue(table.contains("overall"))
        XCTAssertTrue(table.contains("auto-approve precision"))
        let decoded = try JSONDecoder().decode(EvaluationReport.self, from: JSONEncoder().encode(report))
        XCTAssertEqual(decoded.overall.autoApproved, report.overall.autoApproved)
    }

    func testMissingReleasesAndBadInputAreReported() throws {
        let labels = [ReleaseLabels(releaseID: 123_456_789, tracks: [TrackLabel(trackIndex: 0, videos: [])])]
        let report = MatcherEvaluation().evaluate(labels: labels, releases: [])
        XCTAssertEqual(report.missingReleases, [123_456_789])

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("matching-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let labelsFile = directory.appendingPathComponent("labels.json")
        try Data("[{\"release_id\": 1, \"tracks\": [{\"videos\": []}]}]".utf8).write(to: labelsFile)
        XCTAssertThrowsError(try MatcherEvaluation().evaluate(labelsFile: labelsFile, releasesDirectory: directory)) {
            XCTAssertEqual(($0 as! DiscogsDecodingError).path, "$[0].tracks[0].track_index")
        }
    }

    /// The quality targets on the shared labels (the same targets are checked on unseen releases).
    func testMatcherMeetsTargetsOnSharedLabels() throws {
        let fixtures = try Fixtures.discogs()
        let report = try MatcherEvaluation().evaluate(
            labelsFile: fixtures.appendingPathComponent("labels.json"),
            releasesDirectory: fixtures.appendingPathComponent("releases"))
        let m = report.overall
        let summary = EvaluationReportFormatter.table(report, showTracks: true)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(m.autoApprovePrecision), 0.98, summary)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(m.autoApproveRecall), 0.70, summary)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(m.top1Accuracy), 0.90, summary)
        XCTAssertLessThanOrEqual(try XCTUnwrap(m.falseMatchRate), 0.05, summary)
    }

    /// Every missed track is classed by why it was not auto-approved with a labelled video.
    func testMissesAreClassedByWhy() throws {
        let tracklist = (0..<7).map { DiscogsTrack(position: "\($0)", title: "T\($0)") }
        let release = DiscogsRelease(id: 98, title: "Misses", tracklist: tracklist)
        var dub = candidate("d", 0.9)
        dub.evidence.signals.append(EvidenceSignal(name: "different_mix", value: 0.6, weight: 1, contribution: -0.1))
        let results: [Int: [ScoredCandidate]] = [
            0: [candidate("a", 0.9)],                        // correct approval: no miss
            1: [candidate("b", 0.9)],                        // wrong approval
            2: [candidate("c", 0.9), candidate("e", 0.88)],  // ambiguous
            3: [dub],                                        // wrong version
            4: [candidate("f", 0.6)],                        // labelled, below threshold
            5: [candidate("g", 0.6)],                        // another video proposed
            6: [candidate("h", 0.3)],                        // nothing stored
        ]
        let result = ReleaseMatchResult(releaseID: 98, tracks: results.keys.sorted().map {
            TrackMatchResult(trackIndex: $0, position: "\($0)", title: "T\($0)", candidates: results[$0]!)
        })
        let labels = ReleaseLabels(releaseID: 98, tracks: [
            TrackLabel(trackIndex: 0, videos: [id("a")]), TrackLabel(trackIndex: 1, videos: [id("z")]),
            TrackLabel(trackIndex: 2, videos: [id("c")]), TrackLabel(trackIndex: 3, videos: [id("d")]),
            TrackLabel(trackIndex: 4, videos: [id("f")]), TrackLabel(trackIndex: 5, videos: [id("y")]),
            TrackLabel(trackIndex: 6, videos: [id("h")]),
        ])
        var warnings: [String] = []
        let evaluation = MatcherEvaluation().evaluate(release: release, result: result, labels: labels, warnings: &warnings)
        XCTAssertEqual(evaluation.tracks.map(\.miss), [
            nil, .wrongApproval, .ambiguous, .wrongVersion, .belowThreshold, .wrongCandidate, .noCandidate,
        ])
        XCTAssertEqual(evaluation.metrics.missCount, 6)
        XCTAssertEqual(evaluation.metrics.missCount,
                       evaluation.metrics.tracksWithLabelledVideo - evaluation.metrics.autoApprovedCorrect)
        let json = String(decoding: try JSONEncoder().encode(evaluation.metrics), as: UTF8.self)
        for reason in MissReason.allCases { XCTAssertTrue(json.contains("\"\(reason.rawValue)\":"), json) }
    }

    /// Several labels files: each has its own figures, and the overall figures are their sum.
    func testSeveralLabelSetsAddUp() throws {
        let fixtures = try Fixtures.discogs()
        let labels = try DiscogsDecoding.decode([ReleaseLabels].self, contentsOf: fixtures.appendingPathComponent("labels.json"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("matching-sets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let firstFile = directory.appendingPathComponent("first.json"), secondFile = directory.appendingPathComponent("second.json")
        try JSONEncoder().encode(Array(labels.prefix(4))).write(to: firstFile)
        try JSONEncoder().encode(Array(labels.dropFirst(4))).write(to: secondFile)
        let releases = fixtures.appendingPathComponent("releases")
        let report = try MatcherEvaluation().evaluate([
            LabelSet(labelsFile: firstFile, releaseDirectories: [releases]),
            LabelSet(labelsFile: secondFile, releaseDirectories: [directory, releases]),
        ])
        let whole = try MatcherEvaluation().evaluate(labelsFile: fixtures.appendingPathComponent("labels.json"),
                                                     releasesDirectory: releases)
        XCTAssertEqual(report.labelSets.count, 2)
        XCTAssertEqual(report.labelSets.map(\.overall.tracksEvaluated).reduce(0, +), report.overall.tracksEvaluated)
        XCTAssertEqual(report.overall, whole.overall)
        XCTAssertEqual(report.releases.map(\.releaseID).sorted(), whole.releases.map(\.releaseID).sorted())
        // The releases directory beside a labels file is the default.
        XCTAssertEqual(LabelSet(labelsFile: fixtures.appendingPathComponent("labels.json")).releaseDirectories,
                       [releases])
        let table = EvaluationReportFormatter.table(report)
        XCTAssertTrue(table.contains(firstFile.path) && table.contains(secondFile.path), table)
        XCTAssertTrue(table.contains("misses: "), table)
    }
}
