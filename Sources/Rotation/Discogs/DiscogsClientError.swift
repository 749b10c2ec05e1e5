import Foundation

/// A Discogs API request that did not succeed. Its description names the URL path, never the token.
public struct DiscogsClientError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server answered with this status (after retries, for 429 and 5xx).
        case http(status: Int)
        /// No answer: refused, timed out, reset (after retries).
        case transport
    }

    public var kind: Kind
    /// Path and query of the request (the token travels in a header and is never part of it).
    public var resource: String
    public var message: String

    public init(kind: Kind, resource: String, message: String) {
        self.kind = kind; self.resource = resource; self.message = message
    }

    /// Waiting cannot help: the resource does not exist or the request is refused.
    public var isPermanent: Bool {
        if case .http(let status) = kind { return [400, 401, 403, 404, 410].contains(status) }
        return false
    }

    public var description: String {
        switch kind {
        case .http(let status): "Discogs answered HTTP \(status) for \(resource)\(message.isEmpty ? "" : ": \(message)")"
        case .transport: "cannot reach Discogs for \(resource): \(message)"
        }
    }
}

/// Rate-limit headers of the latest response (`X-Discogs-Ratelimit`, `-Used`, `-Remaining`).
public struct DiscogsRateLimit: Sendable, Equatable {
    public var limit: Int?
    public var used: Int?
    public var remaining: Int?
}
