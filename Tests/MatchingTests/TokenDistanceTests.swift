import XCTest
@testable import Matching

/// The banded edit distance agrees with the full table wherever the answer is within the limit, and says "over the
/// limit" exactly where the full table does; long hostile words are measured by the same rule.
final class TokenDistanceTests: XCTestCase {
    /// The textbook optimal-string-alignment table, every cell computed.
    private func fullDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let n = a.count, m = b.count
        var d = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in 0...n { d[i][0] = i }
        for j in 0...m { d[0][j] = j }
        guard n > 0, m > 0 else { return d[n][m] }
        for i in 1...n {
            for j in 1...m {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[n][m]
    }

    func testBandedDistanceAgreesWithTheFullTable() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet = Array("abc".utf8)
        for _ in 0..<3000 {
            let a = (0..<next(12)).map { _ in alphabet[next(alphabet.count)] }
            let b = (0..<next(12)).map { _ in alphabet[next(alphabet.count)] }
            let limit = next(4)
            let expected = fullDistance(a, b)
            let banded = TokenMatch.distance(a, b, limit: limit)
            if expected <= limit {
                XCTAssertEqual(banded, expected, "\(a) \(b) limit \(limit)")
            } else {
                XCTAssertEqual(banded, limit + 1, "\(a) \(b) limit \(limit)")
            }
        }
    }

    func testLongHostileWordsAreMeasured() {
        let long = [UInt8](repeating: UInt8(ascii: "a"), count: 65_536)
        var changed = long
        changed[40_000] = UInt8(ascii: "b")
        XCTAssertEqual(TokenMatch.distance(long, changed, limit: 2), 1)
        XCTAssertFalse(TokenMatch.similar(String(repeating: "a", count: 65_536), String(repeating: "b", count: 65_535)))
        XCTAssertTrue(TokenMatch.similar(String(decoding: long, as: UTF8.self), String(decoding: changed, as: UTF8.self)))
    }
}
