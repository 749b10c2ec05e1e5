import Foundation

/// Checks a URL a reviewer types in the replace form: http or https, a host the matcher knows (YouTube or
/// SoundCloud, which decides the platform), nothing else. The service checks again; this gives the answer while
/// typing.
public enum ReplacementURLCheck {
    public enum Verdict: Equatable, Sendable {
        case valid(url: String, platform: MatchPlatform)
        case invalid(String)
    }

    public static func validate(_ raw: String) -> Verdict {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .invalid("type or paste a YouTube or SoundCloud URL") }
        if text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            return .invalid("a URL cannot contain spaces or control characters")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return .invalid("not a URL; it should start with https://")
        }
        guard scheme == "https" || scheme == "http" else {
            return .invalid("only http and https URLs are accepted, not \(scheme):")
        }
        guard let host = components.host?.lowercased(), !host.isEmpty else { return .invalid("the URL has no host") }
        guard let platform = platform(forHost: host) else {
            return .invalid("\(host) is neither YouTube nor SoundCloud; other platforms are refused")
        }
        if components.path.isEmpty || components.path == "/" {
            if !(components.queryItems ?? []).contains(where: { $0.name == "v" }) {
                return .invalid("the URL points at \(host) itself, not a recording")
            }
        }
        return .valid(url: text, platform: platform)
    }

    /// The platform a host belongs to (subdomains included), nil for anything else.
    public static func platform(forHost host: String) -> MatchPlatform? {
        func within(_ domain: String) -> Bool { host == domain || host.hasSuffix("." + domain) }
        if within("youtube.com") || within("youtu.be") || within("youtube-nocookie.com") { return .youtube }
        if within("soundcloud.com") || within("snd.sc") { return .soundcloud }
        return nil
    }
}
