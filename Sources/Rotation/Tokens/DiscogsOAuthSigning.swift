import Foundation

/// OAuth 1.0a with the PLAINTEXT signature, as Discogs takes it over HTTPS: the web app's Discogs application
/// (`DISCOGS_CONSUMER_KEY`, `DISCOGS_CONSUMER_SECRET`) acting for a user whose token is in the vault. Its
/// description never shows a secret.
public struct DiscogsOAuthSigning: Sendable, CustomStringConvertible {
    public static let consumerKeyVariable = "DISCOGS_CONSUMER_KEY"
    public static let consumerSecretVariable = "DISCOGS_CONSUMER_SECRET"

    public var consumerKey: String
    public var consumerSecret: String
    public var credentials: DiscogsTokenCredentials

    public init(consumerKey: String, consumerSecret: String, credentials: DiscogsTokenCredentials) {
        self.consumerKey = consumerKey; self.consumerSecret = consumerSecret; self.credentials = credentials
    }

    /// The `Authorization` header of one request (RFC 5849 3.5.1; PLAINTEXT signature of 3.4.4).
    public func authorizationHeader(nonce: String = UUID().uuidString.replacingOccurrences(of: "-", with: ""),
                                    timestamp: Int = Int(Date().timeIntervalSince1970)) -> String {
        let signature = Self.encode(consumerSecret) + "&" + Self.encode(credentials.accessSecret)
        let parameters = [
            ("oauth_consumer_key", consumerKey), ("oauth_nonce", nonce), ("oauth_signature", signature),
            ("oauth_signature_method", "PLAINTEXT"), ("oauth_timestamp", String(timestamp)),
            ("oauth_token", credentials.accessToken), ("oauth_version", "1.0"),
        ]
        return "OAuth " + parameters.map { "\($0.0)=\"\(Self.encode($0.1))\"" }.joined(separator: ", ")
    }

    public var description: String { "Discogs OAuth signing (hidden)" }

    /// RFC 3986 percent-encoding: everything but the unreserved characters.
    static func encode(_ text: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
