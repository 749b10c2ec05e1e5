import XCTest
@testable import Matching

final class MatchPolicyTests: XCTestCase {
    func candidate(_ url: String, _ confidence: Double) -> ScoredCandidate {
        ScoredCandidate(url: url, platform: Platform.infer(fromURL: url), videoTitle: url, durationSeconds: nil,
                        source: "test", confidence: confidence, evidence: MatchEvidence(signals: []))
    }

    let a = "https://www.youtube.com/watch?v=aaaaaaaaaaa"
    let b = "https://www.youtube.com/watch?v=bbbbbbbbbbb"

    func testDefaults() {
        let policy = MatchPolicy()
        XCTAssertEqual(policy.autoApproveThreshold, 0.80)
        XCTAssertEqual(policy.storeThreshold, 0.50)
        XCTAssertEqual(policy.ambiguityMargin, 0.05)
    }

    func testThresholds() {
        let policy = MatchPolicy()
        XCTAssertEqual(policy.decide([candidate(a, 0.80)]), .autoApproved(candidate(a, 0.80)))
        XCTAssertEqual(policy.decide([candidate(a, 0.79)]), .pending(candidate(a, 0.79), reason: .lowConfidence))
        XCTAssertEqual(policy.decide([candidate(a, 0.50)]), .pending(candidate(a, 0.50), reason: .lowConfidence))
        XCTAssertEqual(policy.decide([candidate(a, 0.49)]), .unmatched)
        XCTAssertEqual(policy.decide([]), .unmatched)
        // The best candidate is chosen whatever the input order.
        XCTAssertEqual(policy.decide([candidate(b, 0.6), candidate(a, 0.95)]), .autoApproved(candidate(a, 0.95)))
    }

    func testAmbiguity() {
        let policy = MatchPolicy()
        let close = policy.decide([candidate(a, 0.90), candidate(b, 0.86)])
        XCTAssertEqual(close, .pending(candidate(a, 0.90), reason: .ambiguous(rivalURL: b)))
        XCTAssertTrue(close.isPending)
        XCTAssertEqual(policy.decide([candidate(a, 0.90), candidate(b, 0.84)]), .autoApproved(candidate(a, 0.90)))
        // A rival below auto-approve does not make it ambiguous, however close.
        XCTAssertEqual(policy.decide([candidate(a, 0.82), candidate(b, 0.79)]), .autoApproved(candidate(a, 0.82)))
        // The same video written twice is not a rival.
        XCTAssertEqual(policy.decide([candidate(a, 0.9), candidate("https://youtu.be/aaaaaaaaaaa", 0.9)]).isAutoApproved, true)
    }

    func testConfigurableThresholds() {
        let strict = MatchPolicy(autoApproveThreshold: 0.95, storeThreshold: 0.7, ambiguityMargin: 0.01)
        XCTAssertTrue(strict.decide([candidate(a, 0.9)]).isPending)
        XCTAssertEqual(strict.decide([candidate(a, 0.69)]), .unmatched)
        XCTAssertTrue(strict.decide([candidate(a, 0.99), candidate(b, 0.97)]).isAutoApproved)
    }

    func testRejectedURLsAreNeverProposed() {
        let policy = MatchPolicy()
        let candidates = [candidate(a, 0.95), candidate(b, 0.6)]
        XCTAssertEqual(policy.decide(candidates, rejectedURLs: [a]), .pending(candidate(b, 0.6), reason: .lowConfidence))
        // Rejections compare canonically: another spelling of the same video is still rejected.
        XCTAssertEqual(policy.decide(candidates, rejectedURLs: ["http://youtu.be/aaaaaaaaaaa", b]), .unmatched)
        // A rejected rival does not make the remaining best ambiguous.
        let pair = [candidate(a, 0.9), candidate(b, 0.88)]
        XCTAssertEqual(policy.decide(pair, rejectedURLs: [b]), .autoApproved(candidate(a, 0.9)))
        XCTAssertNil(policy.decide(pair, rejectedURLs: [a, b]).storedCandidate)
    }

    func testPolicyIsCodable() throws {
        let policy = MatchPolicy(autoApproveThreshold: 0.9, storeThreshold: 0.4, ambiguityMargin: 0.1)
        let decoded = try JSONDecoder().decode(MatchPolicy.self, from: JSONEncoder().encode(policy))
        XCTAssertEqual(decoded, policy)
    }

    func withSignal(_ candidate: ScoredCandidate, _ name: String, _ detail: String? = nil) -> ScoredCandidate {
        var out = candidate
        out.evidence.signals.append(EvidenceSignal(name: name, value: 1, weight: 0, contribution: 0, detail: detail))
        return out
    }

    /// Uploads of one recording are not rivals; two recordings close together still are.
    func testDuplicatesOfOneRecordingAreNotAmbiguous() {
        let policy = MatchPolicy()
        let one = "one of 2 uploads of the same title and length (4:25); the first is \(a)"
        let first = withSignal(candidate(a, 0.9), MatchEvidence.sameRecordingSignal, one)
        let second = withSignal(candidate(b, 0.88), MatchEvidence.sameRecordingSignal, one)
        XCTAssertEqual(policy.decide([first, second]), .autoApproved(first))
        let other = withSignal(candidate(b, 0.88), MatchEvidence.sameRecordingSignal, "another recording")
        XCTAssertEqual(policy.decide([first, other]), .pending(first, reason: .ambiguous(rivalURL: b)))
        XCTAssertEqual(policy.decide([first, candidate(b, 0.88)]), .pending(first, reason: .ambiguous(rivalURL: b)))
    }

    /// A candidate whose evidence says it is another version is never approved unseen, however high it scores.
    func testAnotherVersionIsNeverAutoApproved() {
        let policy = MatchPolicy()
        for name in MatchEvidence.versionSignalNames.sorted() {
            let dub = withSignal(candidate(a, 0.95), name)
            XCTAssertEqual(policy.decide([dub]), .pending(dub, reason: .differentVersion), name)
        }
        let byLength = withSignal(candidate(a, 0.95), "version_by_length")
        XCTAssertEqual(policy.decide([byLength]), .autoApproved(byLength))
    }
}
