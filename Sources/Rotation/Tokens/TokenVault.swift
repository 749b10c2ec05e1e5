import Foundation
import Postgres

/// The web app's `discogs_tokens` table with `access_token` and `access_secret` sealed by AES-GCM under
/// `ENCRYPTION_KEY` (the format is in SealedTokenText). Reads plaintext rows too, and reports them as such.
public struct TokenVault: Sendable {
    public let connection: PostgresConnection
    /// Needed to write, and to read a sealed row; nil when `ENCRYPTION_KEY` is unset.
    public let key: TokenEncryptionKey?

    static let tokenColumn = "access_token"
    static let secretColumn = "access_secret"

    public init(connection: PostgresConnection, key: TokenEncryptionKey?) {
        self.connection = connection; self.key = key
    }

    /// Seals and stores a user's token and secret, replacing what the row held. Returns true when the row is new.
    @discardableResult
    public func store(username: String, credentials: DiscogsTokenCredentials) throws -> Bool {
        guard let key else { throw TokenVaultError.keyMissing }
        try Self.validate(username: username, credentials: credentials)
        let token = try SealedTokenText.seal(credentials.accessToken, key: key, username: username, column: Self.tokenColumn)
        let secret = try SealedTokenText.seal(credentials.accessSecret, key: key, username: username, column: Self.secretColumn)
        return try connection.query("""
            INSERT INTO discogs_tokens (username, access_token, access_secret) VALUES ($1, $2, $3)
            ON CONFLICT (username) DO UPDATE SET access_token = EXCLUDED.access_token,
              access_secret = EXCLUDED.access_secret, updated_at = NOW()
            RETURNING (xmax = 0) AS inserted
            """, username, token, secret).scalar(Bool.self)
    }

    /// Every row, by username, without its secrets.
    public func list() throws -> [StoredTokenSummary] {
        try connection.query("""
            SELECT username, access_token, access_secret, token_type, created_at, updated_at, last_used_at, expires_at
            FROM discogs_tokens ORDER BY username
            """).rows.map { row in
            StoredTokenSummary(
                username: try row.decode("username"),
                storage: TokenStorage(token: try row.decode("access_token"), secret: try row.decode("access_secret")),
                tokenType: try row.decode("token_type"), createdAt: try row.decode("created_at"),
                updatedAt: try row.decode("updated_at"), lastUsedAt: try row.decode("last_used_at"),
                expiresAt: try row.decode("expires_at"))
        }
    }

    /// The user's credentials in the clear (opened with the key, or as stored when plaintext); nil when the user
    /// has no row.
    public func credentials(for username: String) throws -> DiscogsTokenCredentials? {
        guard let row = try connection.query("""
            SELECT access_token, access_secret, token_type FROM discogs_tokens WHERE username = $1
            """, username).first else { return nil }
        return DiscogsTokenCredentials(
            accessToken: try SealedTokenText.open(try row.decode("access_token"), key: key, username: username, column: Self.tokenColumn),
            accessSecret: try SealedTokenText.open(try row.decode("access_secret"), key: key, username: username, column: Self.secretColumn),
            tokenType: try row.decode("token_type", as: String?.self) ?? "oauth")
    }

    /// Sets `last_used_at` (the web app's column) after a use of the user's token.
    public func recordUse(of username: String) throws {
        try connection.query("UPDATE discogs_tokens SET last_used_at = NOW() WHERE username = $1", username)
    }

    /// Deletes the user's row; false when there was none.
    @discardableResult
    public func remove(username: String) throws -> Bool {
        try connection.query("DELETE FROM discogs_tokens WHERE username = $1", username).affectedRows > 0
    }

    /// Opens every sealed row with the current key and seals it under `newKey`, in one transaction: a row the
    /// current key does not open (or any other failure) rolls everything back, so the current key keeps working.
    /// Plaintext rows are left as they are and counted. `updated_at` is kept: the credentials did not change.
    public func rotateKey(to newKey: TokenEncryptionKey) throws -> TokenKeyRotationReport {
        try connection.transaction { db in
            var report = TokenKeyRotationReport(reencrypted: 0, plaintextLeft: 0)
            for row in try Self.lockedRows(db) {
                guard row.storage != .plaintext else { report.plaintextLeft += 1; continue }
                let clear = try open(row)
                try Self.write(sealing: clear, under: newKey, row: row, on: db)
                report.reencrypted += 1
            }
            return report
        }
    }

    /// Seals every plaintext value under the key, in one transaction. Returns the number of rows changed. The
    /// web app must then read the sealed form (README, "Discogs tokens").
    @discardableResult
    public func encryptPlaintext() throws -> Int {
        guard let key else { throw TokenVaultError.keyMissing }
        return try connection.transaction { db in
            var changed = 0
            for row in try Self.lockedRows(db) where row.storage != .encrypted {
                try Self.write(sealing: try open(row), under: key, row: row, on: db)
                changed += 1
            }
            return changed
        }
    }

    // MARK: Rows

    private struct LockedRow {
        var id: Int
        var username: String
        var token: String
        var secret: String
        var storage: TokenStorage { TokenStorage(token: token, secret: secret) }
    }

    /// Every row, locked against concurrent changes until the transaction ends, in id order.
    private static func lockedRows(_ db: PostgresConnection) throws -> [LockedRow] {
        try db.query("SELECT id, username, access_token, access_secret FROM discogs_tokens ORDER BY id FOR UPDATE")
            .rows.map { row in
                LockedRow(id: try row.decode("id"), username: try row.decode("username"),
                          token: try row.decode("access_token"), secret: try row.decode("access_secret"))
            }
    }

    private func open(_ row: LockedRow) throws -> DiscogsTokenCredentials {
        DiscogsTokenCredentials(
            accessToken: try SealedTokenText.open(row.token, key: key, username: row.username, column: Self.tokenColumn),
            accessSecret: try SealedTokenText.open(row.secret, key: key, username: row.username, column: Self.secretColumn))
    }

    private static func write(sealing clear: DiscogsTokenCredentials, under key: TokenEncryptionKey, row: LockedRow,
                              on db: PostgresConnection) throws {
        try db.query("UPDATE discogs_tokens SET access_token = $2, access_secret = $3 WHERE id = $1::integer", row.id,
                     try SealedTokenText.seal(clear.accessToken, key: key, username: row.username, column: tokenColumn),
                     try SealedTokenText.seal(clear.accessSecret, key: key, username: row.username, column: secretColumn))
    }

    private static func validate(username: String, credentials: DiscogsTokenCredentials) throws {
        guard !username.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw TokenVaultError.invalidInput("the username is empty")
        }
        for (name, value) in [("access token", credentials.accessToken), ("access secret", credentials.accessSecret)] {
            guard !value.isEmpty else { throw TokenVaultError.invalidInput("the \(name) is empty") }
            guard !value.contains(where: \.isNewline) else { throw TokenVaultError.invalidInput("the \(name) spans lines") }
        }
    }
}
