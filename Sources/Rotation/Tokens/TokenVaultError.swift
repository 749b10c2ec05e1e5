/// What can go wrong with the token vault. No case carries a token, a secret or a key.
public enum TokenVaultError: Error, Equatable, CustomStringConvertible {
    /// `ENCRYPTION_KEY` (or the new key) is not 32 or 64 hex characters.
    case badKey(name: String, reason: String)
    /// An encrypted row exists and no key was given.
    case keyMissing
    /// The GCM tag did not verify: the key is not the one the value was sealed with, or the value was altered.
    case doesNotDecrypt(username: String, column: String)
    /// A value with our prefix whose rest is not base64 of nonce, ciphertext and tag: it was altered.
    case malformed(username: String, column: String)
    case noToken(username: String)
    /// The store has an OAuth token but the Discogs application's consumer key and secret are not set.
    case consumerMissing(username: String)
    /// A username that is empty, or a token or secret that is empty or spans lines.
    case invalidInput(String)

    public var description: String {
        switch self {
        case .badKey(let name, let reason):
            return "\(name) \(reason)"
        case .keyMissing:
            return "\(TokenEncryptionKey.environmentVariable) is not set: it is needed to read or write encrypted Discogs tokens"
        case .doesNotDecrypt(let username, let column):
            return "\(TokenEncryptionKey.environmentVariable) does not decrypt the stored tokens: wrong key? "
                + "(the \(column) of '\(username)' fails its GCM tag check; a value altered in the table fails the same way)"
        case .malformed(let username, let column):
            return "the \(column) of '\(username)' starts with \(SealedTokenText.prefix) but is not a sealed value: altered in the table?"
        case .noToken(let username):
            return "no Discogs token stored for '\(username)'"
        case .consumerMissing(let username):
            return "'\(username)' has an OAuth token in discogs_tokens: set \(DiscogsOAuthSigning.consumerKeyVariable) and "
                + "\(DiscogsOAuthSigning.consumerSecretVariable) (the web app's Discogs application) to use it, "
                + "or pass --user-token to sync with DISCOGS_USER_TOKEN"
        case .invalidInput(let reason):
            return reason
        }
    }
}
