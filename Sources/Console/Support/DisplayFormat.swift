import Foundation
import Matching

/// Numbers, sizes, ages and times as the console prints them: short, fixed formats, always in UTC so every
/// reviewer reads the same clock and goldens do not depend on the machine's zone.
public enum DisplayFormat {
    /// "12:03:44 UTC" for today-ish times, "2026-11-20 12:03 UTC" otherwise is not needed: reviews are recent.
    public static func clock(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = ((seconds % 86_400) + 86_400) % 86_400
        return String(format: "%02d:%02d:%02d UTC", day / 3600, day % 3600 / 60, day % 60)
    }

    /// "2026-11-20 12:03" (UTC) for the sync log.
    public static func dateTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
                      parts.hour ?? 0, parts.minute ?? 0)
    }

    /// "950", "12.3k", "1.2M".
    public static func count(_ value: Int) -> String {
        let magnitude = abs(value)
        if magnitude < 1000 { return String(value) }
        if magnitude < 1_000_000 { return String(format: "%.1fk", Double(value) / 1000) }
        return String(format: "%.1fM", Double(value) / 1_000_000)
    }

    /// "1,180,002": exact, for numbers a person confirms (how many keys a clear deletes).
    public static func exact(_ value: Int) -> String {
        let digits = String(abs(value))
        var grouped = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// "512B", "12.0K", "1.5M", "2.0G" (binary units).
    public static func bytes(_ value: Int) -> String {
        let units = ["B", "K", "M", "G", "T"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024 && unit < units.count - 1 { amount /= 1024; unit += 1 }
        return unit == 0 ? "\(value)B" : String(format: "%.1f%@", amount, units[unit])
    }

    /// "45s", "12m", "3h05m", "2d".
    public static func age(seconds: Int) -> String {
        if seconds < 60 { return "\(max(0, seconds))s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86_400 { return String(format: "%dh%02dm", seconds / 3600, seconds % 3600 / 60) }
        return "\(seconds / 86_400)d"
    }

    /// "0.87".
    public static func confidence(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "  – " }
        return String(format: "%.2f", min(1, max(0, value)))
    }

    /// "0.87", or "0.87*" when it was stored on the 0-100 scale (the help's legend explains the marker).
    public static func confidence(_ value: Double?, scale: ConfidenceScale) -> String {
        confidence(value) + (value == nil ? "" : scale.marker)
    }

    /// "87%".
    public static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return String(format: "%.0f%%", value * 100)
    }
}
