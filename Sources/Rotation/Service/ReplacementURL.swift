import Foundation
import Matching


/// Checks a URL a reviewer supplies as the right recording: http(s) only, on a platform the web app plays.
public enum ReplacementURL {
    /// The platform of `url`, or `ReviewError.invalidURL` saying why it is refused.
    public static func platform(of url: String) throws -> Platform {
        let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed == url, !url.isEmpty else { throw ReviewError.invalidURL("the URL must not be empty or padded with spaces") }
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw ReviewError.invalidURL("only http(s) URLs can be used, got \(url.prefix(80))")
        }
        guard let platform = Platform.infer(fromURL: url) else {
            throw ReviewError.invalidURL("unknown host in \(url.prefix(80)): only YouTube and SoundCloud URLs are playable")
        }
        return platform
    }
}

