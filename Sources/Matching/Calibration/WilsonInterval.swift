import Foundation

/// The Wilson score interval of a proportion (successes out of trials): unlike the normal approximation it stays
/// inside [0, 1] and is honest for small counts and for proportions near 0 or 1, which is where a precision lives.
public struct WilsonInterval: Codable, Sendable, Hashable {
    public let lower: Double
    public let upper: Double

    /// z for a two-sided 95 % interval.
    public static let z95 = 1.959963984540054

    /// Nil without trials: there is no proportion to bound.
    public init?(successes: Int, trials: Int, z: Double = WilsonInterval.z95) {
        guard trials > 0, successes >= 0, successes <= trials else { return nil }
        let n = Double(trials), p = Double(successes) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let halfWidth = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        lower = max(0, centre - halfWidth)
        upper = min(1, centre + halfWidth)
    }
}
