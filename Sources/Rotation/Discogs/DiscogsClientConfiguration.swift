import Foundation

/// How the client paces itself and retries. Discogs allows about 60 authenticated requests per moving minute.
public struct DiscogsClientConfiguration: Sendable {
    public var baseURL: URL
    /// `DISCOGS_USER_TOKEN`; sent as `Authorization: Discogs token=...`, never printed.
    public var token: String?
    /// A store's own OAuth token from the vault (Tokens/); when set it is sent instead of `token`.
    public var oauth: DiscogsOAuthSigning?
    public var userAgent = "RotationReviewConsole/1.0"
    public var timeoutSeconds: Double = 30
    /// Retries of a request that got 429, 5xx or no answer.
    public var maxRetries = 5
    public var backoffBaseSeconds: Double = 1
    public var maxBackoffSeconds: Double = 60
    /// When the remaining allowance falls to this, the client waits before its next request.
    public var rateLimitFloor = 2
    /// Length of Discogs' moving rate-limit window.
    public var rateLimitWindowSeconds: Double = 60

    public init(baseURL: URL, token: String?) {
        self.baseURL = baseURL; self.token = token
    }

    /// From the settings: `DISCOGS_API_URL` (default the public API) and `DISCOGS_USER_TOKEN`.
    public init(settings: RotationSettings) throws {
        guard let url = URL(string: settings.discogsBaseURL), let scheme = url.scheme, ["http", "https"].contains(scheme) else {
            throw DiscogsClientError(kind: .transport, resource: "/", message: "DISCOGS_API_URL is not an http(s) URL")
        }
        self.init(baseURL: url, token: settings.discogsUserToken)
    }
}
