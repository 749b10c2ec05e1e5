import Foundation

/// The one check for a URL a person gives as a track's recording (the console's replace form as it is typed, the
/// service's replace and reject-with-replacement, the CLI through the service, and the console before it opens or
/// plays a URL): http or https, on a host `Platform(host:)` knows, pointing at a recording rather than at the site.
public enum RecordingURL {
    public enum Verdict: Equatable, Sendable {
        /// `url` is the text as it will be stored (surrounding whitespace removed); `platform` comes from its host.
        case valid(url: String, platform: Platform)
        /// Why the URL is refused, in words a reviewer can act on.
        case invalid(String)
    }

    public static func validate(_ raw: String) -> Verdict {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return .invalid("type or paste a YouTube or SoundCloud URL") }
        if text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            return .invalid("a URL cannot contain spaces or control characters")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return .invalid("not a URL; it should start with https://")
        }
        guard scheme == "https" || scheme == "http" else {
            return .invalid("only http(s) URLs are accepted, not \(scheme):")
        }
        guard let host = MatchURL.httpHost(of: text) else { return .invalid("the URL has no host") }
        guard let platform = Platform(host: host) else {
            return .invalid("\(host) is neither YouTube nor SoundCloud; other platforms are refused (unknown host)")
        }
        if components.path.isEmpty || components.path == "/" {
            if !(components.queryItems ?? []).contains(where: { $0.name == "v" }) {
                return .invalid("the URL points at \(host) itself, not a recording")
            }
        }
        return .valid(url: text, platform: platform)
    }
}
