import Foundation

/// Where and how the SoundCloud provider searches. From the environment: `SOUNDCLOUD_CLIENT_ID` and
/// `SOUNDCLOUD_CLIENT_SECRET` (OAuth client credentials; the secret is never printed), `SOUNDCLOUD_API_URL` (default
/// https://api.soundcloud.com) and `SOUNDCLOUD_AUTH_URL` (default https://secure.soundcloud.com, where tokens are
/// issued); the search cache's TTL is `YOUTUBE_SEARCH_CACHE_DAYS`'s, shared by both providers (`SearchEnvironment`).
public struct SoundCloudSearchConfiguration: Sendable {
    public static let defaultAPIURL = URL(string: "https://api.soundcloud.com")!
    public static let defaultAuthURL = URL(string: "https://secure.soundcloud.com")!

    public var apiURL: URL
    public var authURL: URL
    public var clientID: String
    /// Sent only in the token request's Basic authorization; no message ever shows it.
    public var clientSecret: String
    public var cacheTTLSeconds: Double
    /// Tracks asked of one search.
    public var limit = 10
    public var timeoutSeconds: Double = 15
    /// A token is renewed this long before it expires, so a search never starts with one about to lapse.
    public var tokenRenewalMarginSeconds: Double = 60

    public init(apiURL: URL = Self.defaultAPIURL, authURL: URL = Self.defaultAuthURL, clientID: String,
                clientSecret: String, cacheTTLSeconds: Double = SearchEnvironment.defaultCacheTTLSeconds) {
        self.apiURL = apiURL; self.authURL = authURL; self.clientID = clientID; self.clientSecret = clientSecret
        self.cacheTTLSeconds = cacheTTLSeconds
    }

    /// From the environment (`SearchEnvironment`, which reads only SoundCloud's variables and the shared cache TTL);
    /// an error names the variable that is missing or wrong, never a value.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let settings = SearchEnvironment(environment)
        guard let id = settings.value("SOUNDCLOUD_CLIENT_ID"), let secret = settings.value("SOUNDCLOUD_CLIENT_SECRET") else {
            throw SoundCloudSearchError(kind: .notConfigured,
                                        message: "set SOUNDCLOUD_CLIENT_ID and SOUNDCLOUD_CLIENT_SECRET to search SoundCloud")
        }
        do {
            self.init(apiURL: try settings.url("SOUNDCLOUD_API_URL", default: Self.defaultAPIURL),
                      authURL: try settings.url("SOUNDCLOUD_AUTH_URL", default: Self.defaultAuthURL),
                      clientID: id, clientSecret: secret, cacheTTLSeconds: try settings.cacheTTLSeconds())
        } catch let error as SearchSettingError {
            throw SoundCloudSearchError(kind: .notConfigured, message: error.description)
        }
    }
}

/// A SoundCloud search that did not succeed, typed by what the caller should do. Its description never holds the
/// client secret or a token.
public struct SoundCloudSearchError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The token endpoint refused the client id and secret (401/400 `invalid_client`).
        case credentialsInvalid
        /// 429: too many requests (or tokens) for now.
        case rateLimited
        /// 5xx.
        case server(status: Int)
        /// Any other HTTP error.
        case http(status: Int)
        case timeout
        case transport
        /// A 2xx whose body is not the expected JSON.
        case badResponse
        /// SOUNDCLOUD_CLIENT_ID / SOUNDCLOUD_CLIENT_SECRET or a URL missing or wrong.
        case notConfigured
    }

    public var kind: Kind
    public var message: String

    public init(kind: Kind, message: String = "") { self.kind = kind; self.message = message }

    public var description: String {
        let detail = message.isEmpty ? "" : ": \(message)"
        switch kind {
        case .credentialsInvalid: return "SoundCloud refused the client credentials: check SOUNDCLOUD_CLIENT_ID and SOUNDCLOUD_CLIENT_SECRET"
        case .rateLimited: return "SoundCloud answered 429 (too many requests); try again later"
        case .server(let status): return "SoundCloud answered HTTP \(status)\(detail)"
        case .http(let status): return "SoundCloud answered HTTP \(status)\(detail)"
        case .timeout: return "SoundCloud did not answer in time"
        case .transport: return "cannot reach SoundCloud\(detail)"
        case .badResponse: return "SoundCloud's answer could not be read\(detail)"
        case .notConfigured: return message
        }
    }
}
