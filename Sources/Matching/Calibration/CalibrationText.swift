import Foundation

/// A calibration report as text: the suggestion first (so a small window shows it without scrolling), then the band
/// table with its reliability chart and the thresholds table. The CLI prints these lines; the console's Calibration screen draws the same lines. Numbers only, so
/// nothing here needs sanitizing (the caller's printing sanitizes anyway).
public enum CalibrationText {
    /// Width of the chart's bars, in cells.
    public static let chartWidth = 20

    public static func lines(_ report: CalibrationReport) -> [String] {
        suggestion(report) + [""] + bandLines(report) + [""] + thresholdLines(report)
    }

    /// The header, then one line per band: counts, the share approved, and a bar of that share with `┃` where a
    /// calibrated score would put it (the band's middle confidence).
    public static func bandLines(_ report: CalibrationReport) -> [String] {
        var lines = [pad("Band", 11) + lpad("Appr", 6) + lpad("Repl", 6) + lpad("Rej", 6) + lpad("Pend", 6)
            + lpad("Approved", 10) + "  Reliability"]
        for band in report.bands {
            let rate = band.approvalRate
            lines.append(pad(range(band), 11) + lpad("\(band.approved)", 6) + lpad("\(band.replaced)", 6)
                + lpad("\(band.rejected)", 6) + lpad("\(band.pending)", 6) + lpad(rate.map(percent) ?? "–", 10) + "  "
                + chartBar(rate, marker: (band.lower + band.upper) / 2))
        }
        lines.append("█ share approved · ┃ the band's confidence (a calibrated score: they meet)")
        return lines
    }

    /// The header, then one line per candidate threshold; `◀ now` marks the threshold in force.
    public static func thresholdLines(_ report: CalibrationReport) -> [String] {
        var lines = [pad("Threshold", 11) + lpad("Decided", 8) + lpad("Precision", 11) + lpad("95% interval", 15)
            + lpad("Review load", 13)]
        for outcome in report.thresholds {
            let interval = outcome.interval.map { "\(percent($0.lower))–\(percent($0.upper))" } ?? "–"
            let now = abs(outcome.threshold - report.settings.currentThreshold) < 1e-6 ? "  ◀ now" : ""
            lines.append(pad("≥ " + number(outcome.threshold), 11) + lpad("\(outcome.decided)", 8)
                + lpad(outcome.precision.map(percent) ?? "–", 11) + lpad(interval, 15) + lpad("\(outcome.reviewLoad)", 13) + now)
        }
        return lines
    }

    /// Two lines: the suggested threshold and what backs it, or why there is none.
    public static func suggestion(_ report: CalibrationReport) -> [String] {
        let target = percent(report.settings.targetPrecision)
        let now = number(report.settings.currentThreshold)
        switch report.suggestion {
        case .threshold(let outcome):
            let lower = outcome.interval.map { percent($0.lower) } ?? "–"
            return ["Suggested auto-approve threshold: \(number(outcome.threshold)) (now \(now))",
                    "for precision ≥ \(target): 95% lower bound \(lower) over \(outcome.decided) decisions"]
        case .notEnoughDecisions(let decided, let minimum):
            return ["No suggestion: not enough decisions (now \(now))",
                    "\(decided) in the bands; at least \(minimum) needed at or above a threshold"]
        case .targetNotReached:
            return ["No suggestion: no threshold reaches precision ≥ \(target) (now \(now))",
                    "with 95% confidence (the interval's lower bound)"]
        }
    }

    /// `fraction` of `chartWidth` cells in eighths, `·` for the rest, `┃` at `marker` (a fraction too); blank
    /// without a fraction (no decisions in the band) except for the marker.
    public static func chartBar(_ fraction: Double?, marker: Double, width: Int = chartWidth) -> String {
        let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        let eighths = fraction.map { Int((min(1, max(0, $0)) * Double(width * 8)).rounded()) }
        var cells: [Character] = (0..<width).map { offset in
            guard let eighths else { return " " }
            let filled = eighths - offset * 8
            return filled >= 8 ? "█" : filled > 0 ? partials[filled - 1] : "·"
        }
        cells[min(width - 1, max(0, Int(marker * Double(width))))] = "┃"
        return String(cells)
    }

    public static func range(_ band: CalibrationBand) -> String { "\(number(band.lower))–\(number(band.upper))" }
    public static func number(_ value: Double) -> String { String(format: "%.2f", value) }
    public static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func lpad(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}
