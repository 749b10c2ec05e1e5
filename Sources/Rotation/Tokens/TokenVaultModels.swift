import Foundation

/// A store's Discogs OAuth credentials in the clear, as `sync` needs them. Its description never shows them.
public struct DiscogsTokenCredentials: Sendable, Equatable, CustomStringConvertible {
    public var accessToken: String
    public var accessSecret: String
    /// The row's `token_type` (`oauth` unless the web app wrote something else).
    public var tokenType: String

    public init(accessToken: String, accessSecret: String, tokenType: String = "oauth") {
        self.accessToken = accessToken; self.accessSecret = accessSecret; self.tokenType = tokenType
    }

    public var description: String { "Discogs \(tokenType) credentials (hidden)" }
}

/// How a row's two secret columns are stored.
public enum TokenStorage: String, Sendable, Codable {
    /// Both sealed by us (`enc:v1:`).
    case encrypted
    /// Both plaintext, as the web app may have written them.
    case plaintext
    /// One of each: left by a hand edit or a half-finished change; `tokens encrypt` seals the rest.
    case mixed

    init(token: String, secret: String) {
        switch (SealedTokenText.isSealed(token), SealedTokenText.isSealed(secret)) {
        case (true, true): self = .encrypted
        case (false, false): self = .plaintext
        default: self = .mixed
        }
    }
}

/// One row of `discogs_tokens` as `tokens list` shows it: never a token or a secret.
public struct StoredTokenSummary: Sendable, Codable, Equatable {
    public var username: String
    public var storage: TokenStorage
    public var tokenType: String?
    public var createdAt: Date?
    public var updatedAt: Date?
    public var lastUsedAt: Date?
    public var expiresAt: Date?

    /// The table's column names, for `--json`.
    enum CodingKeys: String, CodingKey {
        case username, storage
        case tokenType = "token_type", createdAt = "created_at", updatedAt = "updated_at"
        case lastUsedAt = "last_used_at", expiresAt = "expires_at"
    }
}

/// What `rotate-key` did.
public struct TokenKeyRotationReport: Sendable, Equatable {
    /// Rows sealed again under the new key.
    public var reencrypted: Int
    /// Plaintext rows left as they are (`tokens encrypt` seals them).
    public var plaintextLeft: Int

    public init(reencrypted: Int, plaintextLeft: Int) {
        self.reencrypted = reencrypted; self.plaintextLeft = plaintextLeft
    }
}
