import Foundation
import XCTest

/// `rotation matcher eval`: one or several labels files, per-file and overall figures, and why each miss happened.
final class MatcherEvalCLITests: CLITestCase {
    func testMatcherEval() throws {
        let result = try ok(["matcher", "eval", "--labels", CLILocations.fixture("labels.json"),
                             "--releases", CLILocations.fixture("releases"), "--json"]).object()
        let overall = try XCTUnwrap(result.object("overall"), "\(result)")
        for field in ["tracks_evaluated", "auto_approved", "auto_approve_precision", "auto_approve_recall", "top1_accuracy",
                      "false_match_rate", "review_load"] {
            XCTAssertNotNil(overall[field], "missing \(field): \(overall)")
        }
        XCTAssertGreaterThan(overall.int("tracks_evaluated") ?? 0, 0)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(overall.double("auto_approve_precision")), 0.98)
        XCTAssertFalse((result.array("releases") ?? []).isEmpty)
        XCTAssertNotNil(result.object("policy"))

        let missing = try rotation(["matcher", "eval", "--labels", "/nonexistent/labels.json", "--releases", CLILocations.fixture("releases")])
        XCTAssertNotEqual(missing.status, 0, "\(missing)")
        XCTAssertTrue(missing.stderr.contains("labels file not found"), "\(missing)")
    }

    /// Two labels files: each has its figures, the overall ones add up, and every miss class is reported.
    func testSeveralLabelsFilesWithMissBreakdown() throws {
        let labelsData = try Data(contentsOf: URL(fileURLWithPath: CLILocations.fixture("labels.json")))
        let labels = try XCTUnwrap(JSONSerialization.jsonObject(with: labelsData) as? [Any])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eval-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("first.json").path, second = directory.appendingPathComponent("second.json").path
        try JSONSerialization.data(withJSONObject: Array(labels.prefix(5))).write(to: URL(fileURLWithPath: first))
        try JSONSerialization.data(withJSONObject: Array(labels.dropFirst(5))).write(to: URL(fileURLWithPath: second))

        let arguments = ["matcher", "eval", "--labels", first, "--labels", second, "--releases", CLILocations.fixture("releases")]
        let report = try ok(arguments + ["--json"]).object()
        let sets = try XCTUnwrap(report.array("label_sets") as? [[String: Any]], "\(report)")
        XCTAssertEqual(sets.map { $0["labels"] as? String }, [first, second])
        let overall = try XCTUnwrap(report.object("overall"))
        for field in ["tracks_evaluated", "tracks_with_labelled_video", "auto_approved_correct", "review_load"] {
            XCTAssertEqual(sets.compactMap { ($0["overall"] as? [String: Any])?.int(field) }.reduce(0, +), overall.int(field), field)
        }
        let misses = try XCTUnwrap(overall.object("misses"), "\(overall)")
        XCTAssertEqual(Set(misses.keys), ["wrong_approval", "ambiguous", "wrong_version", "below_threshold",
                                          "wrong_candidate", "no_candidate"])
        let missCount = misses.values.compactMap { ($0 as? NSNumber)?.intValue }.reduce(0, +)
        XCTAssertEqual(missCount, (overall.int("tracks_with_labelled_video") ?? 0) - (overall.int("auto_approved_correct") ?? 0))
        // Each track says why it was missed (absent when it was not).
        let tracks = (report.array("releases") as? [[String: Any]] ?? []).flatMap { $0.array("tracks") as? [[String: Any]] ?? [] }
        XCTAssertEqual(tracks.filter { $0["miss"] != nil }.count, missCount)

        let text = try ok(arguments).stdout
        XCTAssertTrue(text.contains(first) && text.contains(second), text)
        XCTAssertTrue(text.contains("misses: \(missCount) of "), text)
    }

    /// Without --releases, each labels file's releases are read from the releases/ directory beside it.
    func testReleasesBesideTheLabelsFileByDefault() throws {
        let result = try ok(["matcher", "eval", "--labels", CLILocations.fixture("labels.json"), "--json"]).object()
        XCTAssertFalse((result.array("releases") ?? []).isEmpty, "\(result)")
        XCTAssertEqual(result.array("missing_releases")?.count, 0)

        let noLabels = try rotation(["matcher", "eval", "--releases", CLILocations.fixture("releases")])
        XCTAssertNotEqual(noLabels.status, 0, "\(noLabels)")
        let badDirectory = try rotation(["matcher", "eval", "--labels", CLILocations.fixture("labels.json"),
                                         "--releases", "/nonexistent/releases"])
        XCTAssertNotEqual(badDirectory.status, 0, "\(badDirectory)")
        XCTAssertTrue(badDirectory.stderr.contains("releases directory not found"), "\(badDirectory)")
    }
}
