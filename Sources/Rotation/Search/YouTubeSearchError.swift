import Foundation

/// A YouTube search that did not succeed, typed by what the caller should do about it. Its description names the
/// API resource with the key redacted, never the key.
public struct YouTubeSearchError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The API says the project's daily quota is spent (403 `quotaExceeded`): nothing more until midnight Pacific.
        case quotaExceeded
        /// Our own daily budget (`YOUTUBE_DAILY_QUOTA`, shared through Postgres) has no room for this call: it was
        /// not made.
        case budgetExhausted(needed: Int, remaining: Int)
        /// The API refused the key (400 `keyInvalid`, or 403 `forbidden`/`accessNotConfigured`).
        case keyInvalid
        /// 5xx after retries.
        case server(status: Int)
        /// Any other HTTP error (400 `badRequest`, 404...).
        case http(status: Int, reason: String)
        /// No answer in time (after retries).
        case timeout
        /// Refused, reset, DNS (after retries).
        case transport
        /// A 2xx whose body is not the expected JSON.
        case badResponse
        /// YOUTUBE_API_KEY or another setting missing or wrong.
        case notConfigured
    }

    public var kind: Kind
    /// Path and query of the request with `key=` redacted.
    public var resource: String
    public var message: String

    public init(kind: Kind, resource: String, message: String) {
        self.kind = kind; self.resource = resource; self.message = message
    }

    /// Waiting until the next quota day or fixing the configuration is needed; a retry now cannot help.
    public var isPermanentToday: Bool {
        switch kind {
        case .quotaExceeded, .budgetExhausted, .keyInvalid, .notConfigured, .http: true
        case .server, .timeout, .transport, .badResponse: false
        }
    }

    public var description: String {
        let at = resource.isEmpty ? "" : " for \(resource)"
        let detail = message.isEmpty ? "" : ": \(message)"
        switch kind {
        case .quotaExceeded: return "YouTube's daily quota is used up (quotaExceeded)\(at); searching resumes after midnight Pacific time"
        case .budgetExhausted(let needed, let remaining):
            return "YouTube search budget reached: the call needs \(needed) units (a search is paid with its videos call) and \(remaining) of today's YOUTUBE_DAILY_QUOTA remain; not called (resets at midnight Pacific time)"
        case .keyInvalid: return "YouTube refused the API key (keyInvalid)\(at): check YOUTUBE_API_KEY"
        case .server(let status): return "YouTube answered HTTP \(status)\(at)\(detail)"
        case .http(let status, let reason): return "YouTube answered HTTP \(status) \(reason)\(at)\(detail)"
        case .timeout: return "YouTube did not answer in time\(at)"
        case .transport: return "cannot reach YouTube\(at)\(detail)"
        case .badResponse: return "YouTube's answer could not be read\(at)\(detail)"
        case .notConfigured: return message
        }
    }
}
