import Foundation
import Rotation
import Terminal

/// The `[cache.alerts]` table of `$XDG_CONFIG_HOME/rotation/config.toml` (the file that holds `[keys]`), applied over
/// the environment's `CACHE_ALERT_*`: every command and the console get their thresholds through `ServerOptions`.
///
/// ```toml
/// [cache.alerts]
/// hit_rate_percent = 60   # flag ours under 60 %
/// lookup_ms = 150
/// ```
enum CacheAlertConfig {
    /// The thresholds with the file's values applied, and what was wrong with the file (each bad entry skipped).
    static func apply(to thresholds: inout CacheAlertThresholds, environment: [String: String]) -> [String] {
        guard let directory = UserConfigDirectory.path(environment: environment) else { return [] }
        let file = URL(fileURLWithPath: directory).appendingPathComponent("config.toml")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: text)
        } catch {
            return ["\(file.path): \(error.description); the cache alert thresholds keep their defaults"]
        }
        guard case .table(let cache)? = document.root["cache"]?.value,
              case .table(let alerts)? = cache["alerts"]?.value else { return [] }
        let values = alerts.entries.map { entry -> (key: String, value: Double?, line: Int) in
            switch entry.value {
            case .integer(let value): (entry.key, Double(value), entry.line)
            case .float(let value): (entry.key, value, entry.line)
            default: (entry.key, nil, entry.line)
            }
        }
        return thresholds.apply(configValues: values).map { "\(file.path): \($0)" }
    }
}
