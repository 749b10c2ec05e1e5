import Foundation

// The benchmarks' one home for measuring and summarising: timing a body, medians and percentiles, alternating
// rounds against a floor, and ratios. Every group uses these; none keeps a copy of its own.

/// Seconds `body` took on the continuous clock; a body that throws is reported and counted as measured.
func seconds(_ body: () throws -> Void) -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    do { try body() } catch { print("  benchmark body failed: \(error)") }
    return seconds(clock.now - start)
}

/// A duration in seconds.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// The middle value (the upper of the two middles for an even count); 0 for no values.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

/// The value below which `fraction` of the values lie (0.9: p90); 0 for no values.
func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
}

/// `value` as a multiple of `floor`; 0 when the floor is not positive (nothing to compare with).
func ratio(_ value: Double, to floor: Double) -> Double {
    floor > 0 ? value / floor : 0
}

/// The median seconds of our code and of the floor it is measured against.
struct Comparison {
    var ours: Double
    var floor: Double
    var ratio: Double { ours / floor }
    var overheadPercent: Double { (ratio - 1) * 100 }
}

/// Runs both bodies `rounds` times, alternating, and returns the median seconds of each.
func compare(rounds: Int, ours: () throws -> Void, floor: () throws -> Void) -> Comparison {
    var oursTimes: [Double] = []
    var floorTimes: [Double] = []
    for round in 0..<rounds {
        // Alternate which goes first, so neither always runs on a warmer cache.
        if round % 2 == 0 {
            floorTimes.append(seconds(floor)); oursTimes.append(seconds(ours))
        } else {
            oursTimes.append(seconds(ours)); floorTimes.append(seconds(floor))
        }
    }
    return Comparison(ours: median(oursTimes), floor: median(floorTimes))
}
