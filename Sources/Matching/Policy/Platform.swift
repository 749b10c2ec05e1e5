import Foundation

/// Where a recording is hosted, as stored in `track_matches.platform`.
public enum Platform: String, Codable, Sendable, CaseIterable {
    case youtube
    case soundcloud

    /// The platform of an http(s) URL from its host (`init(host:)`); nil for other hosts, other schemes and
    /// unparsable text. Whether a URL may be stored as a recording is `RecordingURL.validate`.
    public static func infer(fromURL text: String) -> Platform? {
        MatchURL.httpHost(of: text).flatMap(Platform.init(host:))
    }

    /// The platform a lowercased host belongs to: youtube.com and its subdomains (www., m., music.) and youtu.be
    /// are YouTube; soundcloud.com and its subdomains are SoundCloud; nil for anything else. These are the hosts
    /// the web app plays.
    public init?(host: String) {
        func within(_ domain: String) -> Bool { host == domain || host.hasSuffix("." + domain) }
        if within("youtube.com") || within("youtu.be") {
            self = .youtube
        } else if within("soundcloud.com") {
            self = .soundcloud
        } else {
            return nil
        }
    }
}

/// URL helpers for comparing match URLs: the same YouTube video written several ways compares equal.
public enum MatchURL {
    /// The lowercased host of an http or https URL (trailing dot removed); nil otherwise.
    static func httpHost(of text: String) -> String? {
        URLComponents(string: trimmingSpace(text)).flatMap(httpHost(of:))
    }

    /// `text` without leading and trailing whitespace and newlines (`CharacterSet.whitespacesAndNewlines`: the
    /// separators Z*, U+0009...U+000D and U+0085), cut on scalars without bridging to NSString.
    static func trimmingSpace(_ text: String) -> String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x09...0x0D, 0x20, 0x85: return true
            default:
                switch scalar.properties.generalCategory {
                case .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
                default: return false
                }
            }
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        if first == scalars.startIndex, last == scalars.index(before: scalars.endIndex) { return text }
        return String(scalars[first...last])
    }

    /// The same, of a URL already parsed (from the trimmed text).
    private static func httpHost(of components: URLComponents) -> String? {
        guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              var host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        if host.hasSuffix(".") { host.removeLast() }
        return host
    }

    /// The YouTube video id of a watch, youtu.be, embed, shorts, live or /v/ URL; nil for anything else.
    public static func youTubeVideoID(_ text: String) -> String? {
        // Parsed once: the host rule and the path read the same components.
        guard let components = URLComponents(string: trimmingSpace(text)),
              let host = httpHost(of: components), Platform(host: host) == .youtube
        else { return nil }
        let segments = components.path.split(separator: "/").map(String.init)
        var id: String?
        if host.hasSuffix("youtu.be") {
            id = segments.first
        } else if segments.first == "watch" || components.path == "/watch" {
            id = components.queryItems?.first { $0.name == "v" }?.value
        } else if segments.count >= 2, ["embed", "shorts", "v", "live", "e"].contains(segments[0]) {
            id = segments[1]
        }
        guard let id, !id.isEmpty,
              id.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") })
        else { return nil }
        return id
    }

    /// `https://www.youtube.com/watch?v=ID` for any YouTube form (http, youtu.be, m., `&feature=...`, `&t=`);
    /// nil when the URL is not a YouTube video.
    public static func canonicalYouTube(_ text: String) -> String? {
        youTubeVideoID(text).map { "https://www.youtube.com/watch?v=\($0)" }
    }

    /// The form used when URLs are compared: canonical YouTube URLs, other URLs trimmed with scheme and host
    /// lowercased and `http` upgraded to `https`.
    public static func comparisonKey(_ text: String) -> String {
        if let youtube = canonicalYouTube(text) { return youtube }
        let trimmed = trimmingSpace(text)
        guard var components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https"
        else { return trimmed }
        components.scheme = "https"
        components.host = components.host?.lowercased()
        if components.path.hasSuffix("/"), components.path.count > 1 { components.path.removeLast() }
        return components.string ?? trimmed
    }

    /// Whether two URLs name the same recording.
    public static func same(_ a: String, _ b: String) -> Bool { comparisonKey(a) == comparisonKey(b) }
}
