import XCTest
@testable import Matching

final class ConfidenceBandTests: XCTestCase {
    func testBandsFollowThePolicysThresholdsInclusively() {
        let policy = MatchPolicy()
        XCTAssertEqual(policy.band(of: 0.95), .autoApprove)
        XCTAssertEqual(policy.band(of: 0.80), .autoApprove)
        XCTAssertEqual(policy.band(of: 0.79), .review)
        XCTAssertEqual(policy.band(of: 0.50), .review)
        XCTAssertEqual(policy.band(of: 0.49), .belowStore)
        XCTAssertEqual(policy.band(of: 0), .belowStore)
    }

    func testConfiguredThresholdsMoveTheBands() {
        let policy = MatchPolicy(autoApproveThreshold: 0.9, storeThreshold: 0.3)
        XCTAssertEqual(policy.band(of: 0.85), .review)
        XCTAssertEqual(policy.band(of: 0.35), .review)
        XCTAssertEqual(policy.band(of: 0.29), .belowStore)
    }

    func testASingleCandidateIsDecidedByItsBand() {
        let policy = MatchPolicy(autoApproveThreshold: 0.9, storeThreshold: 0.3)
        for confidence in [0.1, 0.29, 0.3, 0.6, 0.89, 0.9, 1.0] {
            let candidate = ScoredCandidate(url: "https://www.youtube.com/watch?v=aaaaaaaaaaa", platform: .youtube,
                                            videoTitle: "t", durationSeconds: nil, source: "test",
                                            confidence: confidence, evidence: MatchEvidence(signals: []))
            let decision = policy.decide([candidate])
            switch policy.band(of: confidence) {
            case .autoApprove: XCTAssertEqual(decision, .autoApproved(candidate), "\(confidence)")
            case .review: XCTAssertEqual(decision, .pending(candidate, reason: .lowConfidence), "\(confidence)")
            case .belowStore: XCTAssertEqual(decision, .unmatched, "\(confidence)")
            }
        }
    }
}
