import Foundation
import Postgres
import Rotation
import XCTest

/// Issue 14, item 4: the Discogs token vault on a real Postgres (private server): sealed at rest, tampering and a
/// wrong key detected, key rotation all-or-nothing, plaintext rows of the web app read and sealed, and sync
/// signing with the store's own token.
final class TokenVaultTests: XCTestCase {
    private var db: PostgresConnection!
    private var url = ""
    private var keyHex = ""
    private var key: TokenEncryptionKey!
    private let token = "TokVault-Access-7f3a9c"
    private let secret = "TokVault-Secret-e81b22"

    override func setUpWithError() throws {
        (url, db) = try TestDatabase.fresh()
        keyHex = TokenEncryptionKey.randomHex()
        key = try TokenEncryptionKey(hex: keyHex)
    }

    override func tearDownWithError() throws {
        db?.close()
    }

    private func vault(_ key: TokenEncryptionKey? = nil) -> TokenVault {
        TokenVault(connection: db, key: key ?? self.key)
    }

    private func rawRows() throws -> [(username: String, token: String, secret: String)] {
        try db.query("SELECT username, access_token, access_secret FROM discogs_tokens ORDER BY id").rows.map {
            (try $0.decode("username"), try $0.decode("access_token"), try $0.decode("access_secret"))
        }
    }

    private func assertDoesNotDecrypt(_ expression: @autoclosure () throws -> Any?, username: String, column: String,
                                      file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            XCTAssertEqual(error as? TokenVaultError, .doesNotDecrypt(username: username, column: column),
                           "\(error)", file: file, line: line)
        }
    }

    func testKeysAreHexOf32Or64CharactersAndNeverShown() throws {
        let hex128 = String(repeating: "0123456789abcdef", count: 2)
        XCTAssertEqual(try TokenEncryptionKey(hex: hex128).bits, 128)
        XCTAssertEqual(try TokenEncryptionKey(hex: " " + hex128.uppercased() + hex128 + "\n").bits, 256)
        for bad in ["", "abc", String(repeating: "a", count: 48), String(repeating: "g", count: 32)] {
            XCTAssertThrowsError(try TokenEncryptionKey(hex: bad)) { error in
                guard case .badKey(let name, _) = error as? TokenVaultError else { return XCTFail("\(error)") }
                XCTAssertEqual(name, "ENCRYPTION_KEY")
                if !bad.isEmpty { XCTAssertFalse("\(error)".contains(bad), "\(error)") }
            }
        }
        XCTAssertNil(try TokenEncryptionKey.fromEnvironment(environment: [:]))
        XCTAssertFalse("\(try TokenEncryptionKey(hex: hex128))".contains(hex128))
        let credentials = DiscogsTokenCredentials(accessToken: token, accessSecret: secret)
        XCTAssertFalse("\(credentials)".contains(token) || "\(credentials)".contains(secret))
    }

    func testAStoredTokenIsSealedInTheTableAndRoundTrips() throws {
        XCTAssertTrue(try vault().store(username: "store-a", credentials: DiscogsTokenCredentials(accessToken: token, accessSecret: secret)))
        let aes128 = try TokenEncryptionKey(hex: String(TokenEncryptionKey.randomHex().prefix(32)))
        try vault(aes128).store(username: "store-b", credentials: DiscogsTokenCredentials(accessToken: "b-" + token, accessSecret: "b-" + secret))

        let tableText = try db.query("SELECT t::text FROM discogs_tokens t").column("t", as: String.self).joined()
        XCTAssertFalse(tableText.contains(token) || tableText.contains(secret), tableText)
        for row in try rawRows() {
            XCTAssertTrue(row.token.hasPrefix("enc:v1:") && row.secret.hasPrefix("enc:v1:"), "\(row)")
        }
        // 12-byte nonce + ciphertext (as long as the plaintext) + 16-byte tag.
        XCTAssertEqual(Data(base64Encoded: String(try rawRows()[0].token.dropFirst(7)))?.count, 12 + token.utf8.count + 16)
        XCTAssertEqual(try vault().credentials(for: "store-a"), DiscogsTokenCredentials(accessToken: token, accessSecret: secret))
        XCTAssertEqual(try vault(aes128).credentials(for: "store-b")?.accessSecret, "b-" + secret)
        XCTAssertNil(try vault().credentials(for: "nobody"))

        // Storing again replaces the row (and seals with a fresh nonce).
        let before = try rawRows()[0]
        XCTAssertFalse(try vault().store(username: "store-a", credentials: DiscogsTokenCredentials(accessToken: token, accessSecret: secret)))
        XCTAssertNotEqual(try rawRows()[0].token, before.token)
        XCTAssertEqual(try vault().list().map(\.username), ["store-a", "store-b"])
        XCTAssertEqual(try vault().list().map(\.storage), [.encrypted, .encrypted])
        XCTAssertTrue(try vault().remove(username: "store-b"))
        XCTAssertFalse(try vault().remove(username: "store-b"))
    }

    func testTamperingIsDetectedByTheTag() throws {
        try vault().store(username: "a", credentials: DiscogsTokenCredentials(accessToken: token, accessSecret: secret))
        try vault().store(username: "b", credentials: DiscogsTokenCredentials(accessToken: token, accessSecret: secret))
        let original = try rawRows()[0]

        // One bit of the ciphertext flipped.
        var bytes = try XCTUnwrap(Data(base64Encoded: String(original.token.dropFirst(7))))
        bytes[14] ^= 0x01
        try db.query("UPDATE discogs_tokens SET access_token = $1 WHERE username = 'a'", "enc:v1:" + bytes.base64EncodedString())
        assertDoesNotDecrypt(try vault().credentials(for: "a"), username: "a", column: "access_token")

        // The token and the secret swapped: each is intact, but sealed for the other column.
        try db.query("UPDATE discogs_tokens SET access_token = $1, access_secret = $2 WHERE username = 'a'", original.secret, original.token)
        assertDoesNotDecrypt(try vault().credentials(for: "a"), username: "a", column: "access_token")

        // Another user's sealed values copied over: sealed for another username.
        try db.query("UPDATE discogs_tokens SET access_token = $1, access_secret = $2 WHERE username = 'a'", original.token, original.secret)
        XCTAssertEqual(try vault().credentials(for: "a")?.accessToken, token)
        try db.query("""
            UPDATE discogs_tokens SET (access_token, access_secret) = (SELECT access_token, access_secret FROM discogs_tokens WHERE username = 'a')
            WHERE username = 'b'
            """)
        assertDoesNotDecrypt(try vault().credentials(for: "b"), username: "b", column: "access_token")

        // Cut short, or not base64 at all.
        for garbage in ["enc:v1:AAAA", "enc:v1:not base64!", "enc:v1:"] {
            try db.query("UPDATE discogs_tokens SET access_secret = $1 WHERE username = 'a'", garbage)
            XCTAssertThrowsError(try vault().credentials(for: "a")) { error in
                XCTAssertEqual(error as? TokenVaultError, .malformed(username: "a", column: "access_secret"))
            }
        }
    }

    func testAWrongKeyIsAClearErrorAndAMissingOneIsNamed() throws {
        try vault().store(username: "a", credentials: DiscogsTokenCredentials(accessToken: token, accessSecret: secret))
        let wrong = try TokenEncryptionKey(hex: TokenEncryptionKey.randomHex())
        XCTAssertThrowsError(try vault(wrong).credentials(for: "a")) { error in
            XCTAssertTrue("\(error)".hasPrefix("ENCRYPTION_KEY does not decrypt the stored tokens: wrong key?"), "\(error)")
            XCTAssertFalse("\(error)".contains(token) || "\(error)".contains(secret))
        }
        XCTAssertThrowsError(try TokenVault(connection: db, key: nil).credentials(for: "a")) { error in
            XCTAssertEqual(error as? TokenVaultError, .keyMissing)
        }
        XCTAssertThrowsError(try TokenVault(connection: db, key: nil).store(username: "c", credentials: DiscogsTokenCredentials(accessToken: "t", accessSecret: "s")))
        XCTAssertThrowsError(try vault().store(username: "c", credentials: DiscogsTokenCredentials(accessToken: "t\nx", accessSecret: "s")))
        XCTAssertThrowsError(try vault().store(username: "c", credentials: DiscogsTokenCredentials(accessToken: "t", accessSecret: "")))
    }

    func testRotationReencryptsEveryRowInOneStep() throws {
        for user in ["a", "b", "c"] {
            try vault().store(username: user, credentials: DiscogsTokenCredentials(accessToken: "\(user)-" + token, accessSecret: "\(user)-" + secret))
        }
        try db.query("INSERT INTO discogs_tokens (username, access_token, access_secret) VALUES ('web', 'plain-t', 'plain-s')")
        let before = try rawRows()
        let newKey = try TokenEncryptionKey(hex: TokenEncryptionKey.randomHex())

        XCTAssertEqual(try vault().rotateKey(to: newKey), TokenKeyRotationReport(reencrypted: 3, plaintextLeft: 1))
        let after = try rawRows()
        for (old, new) in zip(before, after) where old.username != "web" {
            XCTAssertNotEqual(old.token, new.token)
            XCTAssertNotEqual(old.secret, new.secret)
            XCTAssertEqual(try vault(newKey).credentials(for: new.username)?.accessSecret, "\(new.username)-" + secret)
            assertDoesNotDecrypt(try vault().credentials(for: new.username), username: new.username, column: "access_token")
        }
        XCTAssertEqual(after.last?.token, "plain-t")
    }

    func testARotationThatFailsMidwayLeavesTheOldKeyWorking() throws {
        for user in ["a", "b", "c", "d"] {
            try vault().store(username: user, credentials: DiscogsTokenCredentials(accessToken: "\(user)-" + token, accessSecret: "\(user)-" + secret))
        }
        let before = try rawRows()
        let newKey = try TokenEncryptionKey(hex: TokenEncryptionKey.randomHex())

        // The server refuses the third row's update, after the first two were rewritten in the same transaction.
        try db.executeScript("""
            CREATE FUNCTION refuse_c() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.username = 'c' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER refuse_c BEFORE UPDATE ON discogs_tokens FOR EACH ROW EXECUTE FUNCTION refuse_c();
            """)
        XCTAssertThrowsError(try vault().rotateKey(to: newKey))
        XCTAssertEqual(try rawRows().map(\.token), before.map(\.token))
        XCTAssertEqual(try rawRows().map(\.secret), before.map(\.secret))
        try db.executeScript("DROP TRIGGER refuse_c ON discogs_tokens; DROP FUNCTION refuse_c();")

        // A row the current key does not open, last in line: the rows before it are rolled back too.
        var bytes = try XCTUnwrap(Data(base64Encoded: String(before[3].secret.dropFirst(7))))
        bytes[bytes.count - 1] ^= 0x80
        try db.query("UPDATE discogs_tokens SET access_secret = $1 WHERE username = 'd'", "enc:v1:" + bytes.base64EncodedString())
        assertDoesNotDecrypt(try vault().rotateKey(to: newKey), username: "d", column: "access_secret")
        XCTAssertEqual(try rawRows().prefix(3).map(\.token), before.prefix(3).map(\.token))
        for user in ["a", "b", "c"] {
            XCTAssertEqual(try vault().credentials(for: user)?.accessToken, "\(user)-" + token)
        }
    }

    func testPlaintextRowsOfTheWebAppAreReadReportedAndSealed() throws {
        try db.query("INSERT INTO discogs_tokens (username, access_token, access_secret, scope) VALUES ('web', $1, $2, 'identity')", token, secret)
        try vault().store(username: "ours", credentials: DiscogsTokenCredentials(accessToken: "o", accessSecret: "p"))
        XCTAssertEqual(try vault().list().map(\.storage), [.encrypted, .plaintext])
        XCTAssertEqual(try TokenVault(connection: db, key: nil).credentials(for: "web"),
                       DiscogsTokenCredentials(accessToken: token, accessSecret: secret))

        XCTAssertEqual(try vault().encryptPlaintext(), 1)
        XCTAssertEqual(try vault().list().map(\.storage), [.encrypted, .encrypted])
        let tableText = try db.query("SELECT t::text FROM discogs_tokens t").column("t", as: String.self).joined()
        XCTAssertFalse(tableText.contains(token) || tableText.contains(secret), tableText)
        XCTAssertEqual(try vault().credentials(for: "web"), DiscogsTokenCredentials(accessToken: token, accessSecret: secret))
        XCTAssertEqual(try db.query("SELECT scope FROM discogs_tokens WHERE username = 'web'").scalar(String.self), "identity")
        XCTAssertEqual(try vault().encryptPlaintext(), 0)
    }

    func testSyncSignsWithTheStoresOwnTokenWhenItHasOne() throws {
        let server = try SyncFixtureServer(releasesDirectory: ImportFixtures.releasesDirectory)
        defer { server.stop() }
        try vault().store(username: "svek", credentials: DiscogsTokenCredentials(accessToken: token, accessSecret: "s&cret/" + secret))
        let environment = ["ENCRYPTION_KEY": keyHex, "DISCOGS_CONSUMER_KEY": "ck-1", "DISCOGS_CONSUMER_SECRET": "cs-2"]

        var configuration = DiscogsClientConfiguration(baseURL: server.baseURL, token: "user-token-9")
        XCTAssertEqual(try StoreTokenAuthorization.apply(store: "svek", connection: db, environment: environment, to: &configuration), .storeToken)
        XCTAssertFalse("\(String(describing: configuration.oauth))".contains(secret))
        _ = try DiscogsClient(configuration: configuration, sleep: { _ in }).releaseBody(id: 1)
        let header = try XCTUnwrap(server.requests.last?.authorization)
        XCTAssertTrue(header.hasPrefix("OAuth "), header)
        XCTAssertTrue(header.contains(#"oauth_token="\#(token)""#), header)
        XCTAssertTrue(header.contains(#"oauth_consumer_key="ck-1""#), header)
        XCTAssertTrue(header.contains(#"oauth_signature_method="PLAINTEXT""#), header)
        // PLAINTEXT: encode(consumer secret) & encode(token secret), encoded again as a header value.
        XCTAssertTrue(header.contains(#"oauth_signature="cs-2%26s%2526cret%252F\#(secret)""#), header)
        XCTAssertNotNil(try db.query("SELECT last_used_at FROM discogs_tokens WHERE username = 'svek'").scalar(Date?.self))

        // A store without a row keeps DISCOGS_USER_TOKEN.
        var plain = DiscogsClientConfiguration(baseURL: server.baseURL, token: "user-token-9")
        XCTAssertEqual(try StoreTokenAuthorization.apply(store: "other", connection: db, environment: environment, to: &plain), .noStoreToken)
        _ = try DiscogsClient(configuration: plain, sleep: { _ in }).releaseBody(id: 1)
        XCTAssertEqual(server.requests.last?.authorization, "Discogs token=user-token-9")

        // The row cannot be used: no consumer key, a wrong key, a malformed key.
        var unused = plain
        XCTAssertThrowsError(try StoreTokenAuthorization.apply(store: "svek", connection: db, environment: ["ENCRYPTION_KEY": keyHex], to: &unused)) {
            XCTAssertEqual($0 as? TokenVaultError, .consumerMissing(username: "svek"))
        }
        var wrong = environment
        wrong["ENCRYPTION_KEY"] = TokenEncryptionKey.randomHex()
        XCTAssertThrowsError(try StoreTokenAuthorization.apply(store: "svek", connection: db, environment: wrong, to: &unused)) {
            XCTAssertEqual($0 as? TokenVaultError, .doesNotDecrypt(username: "svek", column: "access_token"))
        }
        wrong["ENCRYPTION_KEY"] = "not-hex"
        XCTAssertThrowsError(try StoreTokenAuthorization.apply(store: "svek", connection: db, environment: wrong, to: &unused)) {
            guard case .badKey = $0 as? TokenVaultError else { return XCTFail("\($0)") }
        }
        // A malformed key does not stop a sync of a store without a row.
        XCTAssertEqual(try StoreTokenAuthorization.apply(store: "other", connection: db, environment: wrong, to: &unused), .noStoreToken)
        XCTAssertNil(unused.oauth)
    }

    /// Only rotation_admin may read discogs_tokens: a sync run by another role keeps DISCOGS_USER_TOKEN.
    func testARoleThatMayNotReadTheTableSyncsWithTheUserToken() throws {
        try vault().store(username: "svek", credentials: DiscogsTokenCredentials(accessToken: token, accessSecret: secret))
        let name = "vault_readonly_\(UInt32.random(in: 0...UInt32.max))"
        let password = "pw-\(UInt64.random(in: 0...UInt64.max))"
        try db.query("CREATE ROLE \(db.quoteIdentifier(name)) LOGIN PASSWORD '\(password)' IN ROLE rotation_readonly")
        let admin = db!
        addTeardownBlock { _ = try? admin.query("DROP ROLE \(admin.quoteIdentifier(name))") }
        var components = try XCTUnwrap(URLComponents(string: url))
        components.user = name
        components.password = password
        let readonly = try PostgresConnection(url: try XCTUnwrap(components.string))
        defer { readonly.close() }
        var configuration = DiscogsClientConfiguration(baseURL: URL(string: "http://127.0.0.1:1")!, token: "user-token-9")
        XCTAssertEqual(try StoreTokenAuthorization.apply(store: "svek", connection: readonly, environment: ["ENCRYPTION_KEY": keyHex],
                                                         to: &configuration), .tableNotReadable)
        XCTAssertNil(configuration.oauth)
    }
}
