import Foundation
import Postgres

/// How `rotation sync STORE` authenticates when the store has a row in `discogs_tokens`.
public enum StoreTokenAuthorization {
    public enum Outcome: Sendable, Equatable {
        /// The store's own token is in the configuration.
        case storeToken
        /// The store has no row: the configuration is unchanged.
        case noStoreToken
        /// The connection's role may not read `discogs_tokens` (only `rotation_admin` may): unchanged.
        case tableNotReadable
    }

    /// Points `configuration` at the store's own token (OAuth, signed with the consumer key and secret from
    /// `environment`) and records its use. Changes nothing when the store has no row or the table is not readable.
    /// Throws when the row cannot be used: no key or a wrong one for a sealed row, or no consumer key and secret.
    public static func apply(store: String, connection: PostgresConnection,
                             environment: [String: String] = ProcessInfo.processInfo.environment,
                             to configuration: inout DiscogsClientConfiguration) throws -> Outcome {
        // A key that does not parse matters only when the store's row is sealed.
        var keyProblem: (any Error)?
        let key: TokenEncryptionKey?
        do { key = try TokenEncryptionKey.fromEnvironment(environment: environment) } catch { key = nil; keyProblem = error }
        let vault = TokenVault(connection: connection, key: key)
        let credentials: DiscogsTokenCredentials?
        do {
            credentials = try vault.credentials(for: store)
        } catch TokenVaultError.keyMissing where keyProblem != nil {
            throw keyProblem!
        } catch let error as PostgresError where error.kind == .insufficientPrivilege {
            return .tableNotReadable
        }
        guard let credentials else { return .noStoreToken }
        func value(_ name: String) -> String? {
            environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let consumerKey = value(DiscogsOAuthSigning.consumerKeyVariable),
              let consumerSecret = value(DiscogsOAuthSigning.consumerSecretVariable) else {
            throw TokenVaultError.consumerMissing(username: store)
        }
        configuration.oauth = DiscogsOAuthSigning(consumerKey: consumerKey, consumerSecret: consumerSecret, credentials: credentials)
        try vault.recordUse(of: store)
        return .storeToken
    }
}
