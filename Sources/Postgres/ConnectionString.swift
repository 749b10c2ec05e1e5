import CLibpq
import Foundation

/// A Postgres connection string (a `postgres://` URL or a libpq keyword/value conninfo) read the way libpq reads
/// it, through `PQconninfoParse`: the one place that knows which of its values are secrets and how to show it
/// without them.
public struct ConnectionString: Sendable, Equatable {
    /// One keyword libpq found in the text, with its value.
    public struct Option: Sendable, Equatable {
        public let keyword: String
        public let value: String
        /// libpq marks password fields (`password`, `sslpassword`, and any it adds later) for hiding.
        public let isSecret: Bool
    }

    /// What is printed in place of a connection string libpq cannot parse: its text may hold a password anywhere.
    public static let unparseable = "(unparseable connection string)"

    /// The text handed to libpq: the given text, with a URL's user info made unambiguous (see `normalized(_:)`).
    public let text: String
    /// The options written in the text, in libpq's order; defaults are not included.
    public let options: [Option]
    /// The URL scheme (`postgres` or `postgresql`) when the text is a URL, nil for the keyword form.
    public let urlScheme: String?

    /// Nil when libpq cannot parse the text (bad percent-encoding, an unknown keyword, an unterminated quote...).
    public init?(parsing text: String) {
        guard let normalized = Self.normalized(text) else { return nil }
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(normalized, &errorMessage) else {
            // libpq's message may quote the offending text, password included: never kept.
            if let errorMessage { PQfreemem(errorMessage) }
            return nil
        }
        defer { PQconninfoFree(parsed) }
        var options: [Option] = []
        var cursor = parsed
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val {
                let display = cursor.pointee.dispchar.map { String(cString: $0) } ?? ""
                options.append(Option(keyword: String(cString: keyword), value: String(cString: value),
                                      isSecret: display.contains("*")))
            }
            cursor += 1
        }
        self.text = normalized
        self.options = options
        urlScheme = Self.urlScheme(of: normalized)
    }

    public func value(_ keyword: String) -> String? {
        options.first { $0.keyword == keyword }?.value
    }

    /// Every secret value the text carries (passwords, key passphrases), for scrubbing messages.
    public var secrets: [String] {
        options.filter { $0.isSecret && !$0.value.isEmpty }.map(\.value)
    }

    /// The same target rebuilt from the parsed options, in the form it was written in, every secret shown as
    /// `***`. Built from parsed values, never by editing the original text, so no part of a secret survives.
    public var redacted: String {
        urlScheme.map(redactedURL(scheme:)) ?? redactedKeywords
    }

    /// Redacts any connection string; `unparseable` when libpq cannot read it.
    public static func redact(_ text: String) -> String {
        ConnectionString(parsing: text)?.redacted ?? unparseable
    }

    /// Where a connection goes first, as people write it; the rest in libpq's order.
    private static let leadingKeywords = ["host", "hostaddr", "port", "dbname", "user", "password"]

    private var redactedKeywords: String {
        let leading = Self.leadingKeywords.compactMap { keyword in options.first { $0.keyword == keyword } }
        let rest = options.filter { !Self.leadingKeywords.contains($0.keyword) }
        return (leading + rest).map { option in
            "\(option.keyword)=\(option.isSecret ? "***" : Self.quotedKeywordValue(option.value))"
        }.joined(separator: " ")
    }

    private func redactedURL(scheme: String) -> String {
        let inAuthority: Set = ["user", "password", "host", "port", "dbname"]
        var url = "\(scheme)://"
        let password = options.first { $0.keyword == "password" }
        if let user = value("user") { url += Self.percentEncoded(user) }
        if password != nil { url += ":***" }
        if value("user") != nil || password != nil { url += "@" }
        url += hostsAndPorts
        url += "/"
        if let dbname = value("dbname") { url += Self.percentEncoded(dbname) }
        let query = options.filter { !inAuthority.contains($0.keyword) }.map { option in
            "\(option.keyword)=\(option.isSecret ? "***" : Self.percentEncoded(option.value))"
        }
        if !query.isEmpty { url += "?" + query.joined(separator: "&") }
        return url
    }

    /// `host:port[,host:port...]`: libpq's comma-separated lists of hosts and ports, paired again.
    private var hostsAndPorts: String {
        let hosts = (value("host") ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let ports = value("port").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return hosts.enumerated().map { index, host in
            var text = Self.percentEncoded(host)
            if let ports, !ports.isEmpty {
                let port = ports.count == hosts.count ? ports[index] : ports[0]
                if !port.isEmpty { text += ":" + Self.percentEncoded(port) }
            }
            return text
        }.joined(separator: ",")
    }

    /// Compared by scalars, as libpq compares bytes (`://` then a combining mark is still a URL to libpq).
    private static func urlScheme(of text: String) -> String? {
        let scalars = text.unicodeScalars.drop { $0 == " " }
        for scheme in ["postgresql", "postgres"] {
            let prefix = Array((scheme + "://").unicodeScalars)
            let head = scalars.prefix(prefix.count).map { scalar in
                ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar  // ASCII lowercase
            }
            if head == prefix { return scheme }
        }
        return nil
    }

    /// In a URL, libpq ends the user info at the first `@`, so `postgres://u:p@ss@host/db` reaches host `ss@host`
    /// with password `p`; browsers, Node (the web app's driver) and our Redis URLs end it at the last `@`. Written
    /// the web app's way, the `@`s before the last one in the authority are percent-encoded, and so is a `%` there
    /// that does not start an escape (`p%ss`), so both programs read one `DATABASE_URL` alike.
    /// Nil when the two readings cannot agree: a `?` or `#` before the first `@` that libpq looks for (it looks up to
    /// the first `/`), as in `postgres://u:se?cret@pa@host/db`, where libpq's password is `se?cret` and the rest
    /// would be shown as the host. Such a URL is unparseable (never shown, never used) until it is percent-encoded.
    /// Works on Unicode scalars, as libpq works on bytes: a `/` followed by a combining mark is one Swift
    /// `Character` but still a `/` to libpq.
    static func normalized(_ text: String) -> String? {
        guard urlScheme(of: text) != nil else { return text }
        let scalars = Array(text.unicodeScalars)
        guard let colon = scalars.indices.first(where: { i in
            i + 2 < scalars.count && scalars[i] == ":" && scalars[i + 1] == "/" && scalars[i + 2] == "/"
        }) else { return text }
        let start = colon + 3
        let rest = scalars[start...]
        let libpqCredentialsEnd = rest.firstIndex { $0 == "@" || $0 == "/" } ?? rest.endIndex
        if libpqCredentialsEnd < rest.endIndex, rest[libpqCredentialsEnd] == "@",
           rest[..<libpqCredentialsEnd].contains(where: { $0 == "?" || $0 == "#" }) {
            return nil
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        guard let lastAt = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
        var fixed = String.UnicodeScalarView()
        fixed.append(contentsOf: scalars[..<start])
        for index in start..<lastAt {
            let scalar = scalars[index]
            if scalar == "@" {
                fixed.append(contentsOf: "%40".unicodeScalars)
            } else if scalar == "%" && !startsPercentEscape(scalars[(index + 1)..<lastAt]) {
                fixed.append(contentsOf: "%25".unicodeScalars)
            } else {
                fixed.append(scalar)
            }
        }
        fixed.append(contentsOf: scalars[lastAt...])
        return String(fixed)
    }

    private static func startsPercentEscape(_ following: ArraySlice<Unicode.Scalar>) -> Bool {
        let digits = following.prefix(2)
        return digits.count == 2 && digits.allSatisfy { $0.properties.isASCIIHexDigit }
    }

    private static func quotedKeywordValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "'" || $0 == "\\" || $0.isWhitespace }
        guard needsQuotes else { return value }
        return "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    private static func percentEncoded(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
