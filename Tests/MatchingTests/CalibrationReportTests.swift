import Foundation
import Matching
import XCTest

/// The calibration computation on a decision log with a known answer (no servers).
final class CalibrationReportTests: XCTestCase {
    /// 220 decisions: 0.52 → 2 approved, 3 replaced, 5 rejected; 0.62 → 6/2/2; 0.70 → 18/1/1; 0.85 → 120/0/0;
    /// 0.97 → 60/0/0. The 0.70s come as a REAL reads back (0.69999998807907), which must stay in the 0.70 band.
    static func knownDecisions() -> [CalibrationDecision] {
        func many(_ confidence: Double, _ approved: Int, _ replaced: Int, _ rejected: Int) -> [CalibrationDecision] {
            Array(repeating: CalibrationDecision(confidence: confidence, verdict: .approved), count: approved)
                + Array(repeating: CalibrationDecision(confidence: confidence, verdict: .replaced), count: replaced)
                + Array(repeating: CalibrationDecision(confidence: confidence, verdict: .rejected), count: rejected)
        }
        return many(0.52, 2, 3, 5) + many(0.62, 6, 2, 2) + many(Double(Float(0.7)), 18, 1, 1) + many(0.85, 120, 0, 0)
            + many(0.97, 60, 0, 0)
    }

    static let knownPending: [Double: Int] = [0.56: 3, Double(Float(0.72)): 4, 0.74: 1, 0.78: 2, 0.3: 5]

    func testBandsCountEachVerdictAndThePendingTracks() {
        let report = CalibrationReport(decisions: Self.knownDecisions(), pending: Self.knownPending,
                                       settings: CalibrationSettings())
        XCTAssertEqual(report.bands.map(\.lower), [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95])
        XCTAssertEqual(report.bands.last?.upper, 1)
        XCTAssertEqual(report.bands.map(\.approved), [2, 0, 6, 0, 18, 0, 0, 120, 0, 60])
        XCTAssertEqual(report.bands.map(\.replaced), [3, 0, 2, 0, 1, 0, 0, 0, 0, 0])
        XCTAssertEqual(report.bands.map(\.rejected), [5, 0, 2, 0, 1, 0, 0, 0, 0, 0])
        XCTAssertEqual(report.bands.map(\.pending), [0, 3, 0, 0, 5, 2, 0, 0, 0, 0], "0.30 is in no band")
        XCTAssertEqual(report.decided, 220)
        XCTAssertEqual(report.decidedBelowReview, 0)
        XCTAssertEqual(report.bands[0].approvalRate ?? -1, 0.2, accuracy: 1e-12)
        XCTAssertNil(report.bands[1].approvalRate)
    }

    func testPrecisionIntervalAndReviewLoadPerThreshold() throws {
        let report = CalibrationReport(decisions: Self.knownDecisions(), pending: Self.knownPending,
                                       settings: CalibrationSettings())
        let byThreshold = Dictionary(uniqueKeysWithValues: report.thresholds.map { ($0.threshold, $0) })
        let at50 = try XCTUnwrap(byThreshold[0.5]), at65 = try XCTUnwrap(byThreshold[0.65])
        let at75 = try XCTUnwrap(byThreshold[0.75]), at80 = try XCTUnwrap(byThreshold[0.8])
        XCTAssertEqual([at50.decided, at50.approved, at50.reviewLoad], [220, 206, 0])
        XCTAssertEqual(at50.precision ?? 0, 206.0 / 220, accuracy: 1e-12)
        XCTAssertEqual(at50.interval?.lower ?? 0, 0.896032, accuracy: 1e-6)
        XCTAssertEqual(at50.interval?.upper ?? 0, 0.961718, accuracy: 1e-6)
        XCTAssertEqual([at65.decided, at65.approved, at65.reviewLoad], [200, 198, 20 + 3])
        XCTAssertEqual(at65.interval?.lower ?? 0, 0.964278, accuracy: 1e-6)
        XCTAssertEqual([at75.decided, at75.approved, at75.reviewLoad], [180, 180, 40 + 3 + 5])
        XCTAssertEqual(at75.interval?.lower ?? 0, 0.979105, accuracy: 1e-6)
        XCTAssertEqual(at75.interval?.upper ?? 0, 1, accuracy: 1e-12)
        XCTAssertEqual(at80.reviewLoad, 40 + 3 + 5 + 2)
    }

    func testTheSuggestionIsTheLowestThresholdWhoseLowerBoundMeetsTheTarget() {
        let decisions = Self.knownDecisions()
        func suggestion(target: Double, minimum: Int = 30) -> ThresholdSuggestion {
            CalibrationReport(decisions: decisions, settings: CalibrationSettings(targetPrecision: target, minimumDecisions: minimum)).suggestion
        }
        guard case .threshold(let strict) = suggestion(target: 0.97) else { return XCTFail("a threshold for 0.97") }
        XCTAssertEqual(strict.threshold, 0.75)
        guard case .threshold(let looser) = suggestion(target: 0.95) else { return XCTFail("a threshold for 0.95") }
        XCTAssertEqual(looser.threshold, 0.65)
        XCTAssertEqual(suggestion(target: 0.99), .targetNotReached)
        XCTAssertEqual(suggestion(target: 0.97, minimum: 221), .notEnoughDecisions(decided: 220, minimum: 221))
        // 60 decisions at 0.95 and above: with 100 required at least, only thresholds up to 0.85 may be judged.
        guard case .threshold(let supported) = suggestion(target: 0.97, minimum: 100) else { return XCTFail("0.75") }
        XCTAssertEqual(supported.threshold, 0.75)
    }

    func testNoDecisionsIsNotEnoughDecisionsNeverANumber() throws {
        let report = CalibrationReport(decisions: [], pending: [0.6: 2], settings: CalibrationSettings())
        XCTAssertEqual(report.suggestion, .notEnoughDecisions(decided: 0, minimum: 30))
        XCTAssertTrue(report.thresholds.allSatisfy { $0.precision == nil && $0.interval == nil })
        XCTAssertEqual(CalibrationText.suggestion(report), ["No suggestion: not enough decisions (now 0.80)",
                                                            "0 in the bands; at least 30 needed at or above a threshold"])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        XCTAssertEqual((json?["suggestion"] as? [String: Any])?["status"] as? String, "not_enough_decisions")
    }

    func testDecisionsBelowTheReviewThresholdAreCountedApart() {
        let report = CalibrationReport(decisions: [CalibrationDecision(confidence: 0.3, verdict: .rejected),
                                                   CalibrationDecision(confidence: 1.0, verdict: .approved)],
                                       settings: CalibrationSettings())
        XCTAssertEqual(report.decidedBelowReview, 1)
        XCTAssertEqual(report.bands.last?.approved, 1, "1.0 is in the last band")
    }

    func testTheJSONShapeIsStable() throws {
        let report = CalibrationReport(decisions: Self.knownDecisions(), pending: Self.knownPending,
                                       settings: CalibrationSettings())
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["settings", "bands", "thresholds", "suggestion", "decided_below_review", "decided"])
        let band = try XCTUnwrap((object["bands"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(band.keys), ["lower", "upper", "approved", "replaced", "rejected", "pending", "decided",
                                        "approval_rate", "interval"])
        let threshold = try XCTUnwrap((object["thresholds"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(threshold.keys), ["threshold", "decided", "approved", "review_load", "precision", "interval"])
        let suggestion = try XCTUnwrap(object["suggestion"] as? [String: Any])
        XCTAssertEqual(suggestion["status"] as? String, "threshold")
        XCTAssertEqual((suggestion["outcome"] as? [String: Any])?["threshold"] as? Double, 0.75)
        XCTAssertEqual(try JSONDecoder().decode(CalibrationReport.self, from: JSONEncoder().encode(report)), report)
    }

    func testTheTextHasABandTableAChartAndTheSuggestion() {
        let report = CalibrationReport(decisions: Self.knownDecisions(), pending: Self.knownPending,
                                       settings: CalibrationSettings())
        let lines = CalibrationText.lines(report)
        XCTAssertTrue(lines.contains { $0.hasPrefix("0.50–0.55") && $0.contains("20.0%") }, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("≥ 0.80") && $0.hasSuffix("◀ now") })
        XCTAssertEqual(Array(lines.prefix(2)), ["Suggested auto-approve threshold: 0.75 (now 0.80)",
                                                "for precision ≥ 97.0%: 95% lower bound 97.9% over 180 decisions"])
        XCTAssertTrue(lines.allSatisfy { $0.count <= 78 }, "fits an 80-column window's pane")
        // Share approved 0.2 of 20 cells = 4 full cells; the band's middle (0.525) marks cell 10.
        XCTAssertEqual(CalibrationText.chartBar(0.2, marker: 0.525), "████······┃·········")
        XCTAssertEqual(CalibrationText.chartBar(nil, marker: 0.975), "                   ┃")
    }
}
