import Foundation
import Postgres
import XCTest

/// Redaction by parsing: hostile passwords in every place a connection string can carry one never reach
/// `redacted`, `description` or the error of a failed connection.
final class ConnectionStringTests: XCTestCase {
    /// Passwords that broke pattern-based redaction or that need quoting or escaping somewhere.
    static let hostilePasswords = [
        "hunter@2@Xq", "pa%ss%Zq", "sp ace Qz", "qu'ote\\Zx", "K:olon/Sl#h?&=Wv", "ünï$(id)`x`Yk", "%41%42xJ",
    ]

    private func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }

    private func keywordQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// Every way of writing `password` into a target that refuses connections (port 1), with the secret keyword.
    private func targets(with password: String) -> [String] {
        var targets = [
            "postgres://u:\(encoded(password))@127.0.0.1:1/x",
            "postgresql://127.0.0.1:1/x?user=u&password=\(encoded(password))",
            "postgres://u@127.0.0.1:1/x?sslpassword=\(encoded(password))&sslmode=disable",
            "host=127.0.0.1 port=1 user=u password=\(keywordQuoted(password)) dbname=x",
            "host=127.0.0.1 port=1 sslpassword=\(keywordQuoted(password)) sslmode=disable",
        ]
        // Written raw into the user info, as people do (only `/`, `?` and `#` end an authority, and a valid
        // escape such as `%41` is decoded, as in any URL).
        if !password.contains(where: { "/?#".contains($0) }), (password.removingPercentEncoding ?? password) == password {
            targets.append("postgres://u:\(password)@127.0.0.1:1/x")
        }
        return targets
    }

    func testHostilePasswordsNeverAppearInRedactedFormsOrConnectionErrors() {
        for password in Self.hostilePasswords {
            for target in targets(with: password) {
                let configuration = PostgresConfiguration(target, connectTimeout: 2)
                XCTAssertNotNil(configuration.parsed, "libpq parses \(target)")
                XCTAssertTrue(configuration.parsed?.secrets.contains(password) == true,
                              "the password is read whole from \(target): \(configuration.parsed?.secrets ?? [])")
                var dumped = ""
                dump(configuration, to: &dumped)
                let texts = [configuration.redacted, configuration.description, "\(configuration)"]
                for text in texts {
                    XCTAssertFalse(text.contains(password), "\(text) shows the password of \(target)")
                    XCTAssertFalse(text.contains(encoded(password)), "\(text) shows the encoded password")
                    XCTAssertTrue(text.contains("***"), text)
                }
                XCTAssertThrowsError(try PostgresConnection(configuration)) { error in
                    let message = "\(error)"
                    XCTAssertTrue(message.contains("127.0.0.1"), message)
                    XCTAssertFalse(message.contains(password), "\(message) shows the password of \(target)")
                }
            }
        }
    }

    /// The report of issue 9: an `@` in the password showed its tail (`***@ss@`).
    func testAnUnencodedAtInTheUserInfoEndsItAtTheLastAt() throws {
        let parsed = try XCTUnwrap(ConnectionString(parsing: "postgres://u:p@ss@127.0.0.1:1/x"))
        XCTAssertEqual(parsed.value("user"), "u")
        XCTAssertEqual(parsed.value("password"), "p@ss")
        XCTAssertEqual(parsed.value("host"), "127.0.0.1")
        XCTAssertEqual(parsed.redacted, "postgres://u:***@127.0.0.1:1/x")
    }

    /// Found by fuzzing: with a `?` before the first `@`, libpq's password (`se?cret`) and the web app's reading
    /// (`se?cret@pa`) differ, and the tail was shown as the host. Such a URL is unparseable until percent-encoded.
    func testAQuestionMarkBeforeTheFirstAtMakesTheURLUnparseable() throws {
        XCTAssertNil(ConnectionString(parsing: "postgres://u:se?cret@pa@127.0.0.1/db"))
        XCTAssertEqual(ConnectionString.redact("postgres://u:se?cret@pa@127.0.0.1/db"), ConnectionString.unparseable)
        XCTAssertNil(ConnectionString(parsing: "postgres://h?password=x@y"))
        // Percent-encoded, the same password is fine; an `@` in the query after the host stays the query's.
        let encoded = try XCTUnwrap(ConnectionString(parsing: "postgres://u:se%3Fcret%40pa@127.0.0.1/db"))
        XCTAssertEqual(encoded.value("password"), "se?cret@pa")
        XCTAssertEqual(encoded.redacted, "postgres://u:***@127.0.0.1/db")
        XCTAssertEqual(ConnectionString.redact("postgres://u:p@h?sslpassword=a@b"), "postgres://u:***@h/?sslpassword=***")
    }

    /// Found by fuzzing: a `/` followed by a combining mark is one Swift `Character` but a `/` to libpq; the user
    /// info is found by scalars, so it ends where libpq's does.
    func testASlashFollowedByACombiningMarkStillEndsTheAuthority() throws {
        let parsed = try XCTUnwrap(ConnectionString(parsing: "postgres://u:pw@h/\u{301}d@b"))
        XCTAssertEqual(parsed.value("password"), "pw")
        XCTAssertEqual(parsed.value("host"), "h")
        XCTAssertFalse(parsed.redacted.contains("pw"), parsed.redacted)
    }

    /// The other report: `?sslpassword=` was printed whole.
    func testSSLPasswordIsASecretInURLsAndKeywords() throws {
        XCTAssertEqual(ConnectionString.redact("postgres://db/x?sslpassword=keyPass&sslmode=require"),
                       "postgres://db/x?sslmode=require&sslpassword=***")
        XCTAssertEqual(ConnectionString.redact("host=db sslpassword=keyPass sslmode=require"),
                       "host=db sslmode=require sslpassword=***")
    }

    func testRedactedFormsKeepEverythingButTheSecrets() {
        XCTAssertEqual(ConnectionString.redact("postgres://ana@db.example:6432/rotation?application_name=x%20y"),
                       "postgres://ana@db.example:6432/rotation?application_name=x%20y")
        XCTAssertEqual(ConnectionString.redact("host=/run/postgresql dbname='my db' user=ana"),
                       "host=/run/postgresql dbname='my db' user=ana")
        XCTAssertEqual(ConnectionString.redact("postgres://h1:5432,h2:5433/x"), "postgres://h1:5432,h2:5433/x")
    }

    /// libpq's own parse errors quote the text; none of it is shown, and no connection is tried.
    func testUnparseableStringsShowNothingOfThemselves() {
        for text in ["postgres://u:pw@h/db?bogus=hunterZq", "host=h password='hunterZq", "postgres://u:pw@h/db%zzhunterZq",
                     "nonsense hunterZq"] {
            let configuration = PostgresConfiguration(text)
            XCTAssertNil(configuration.parsed, text)
            XCTAssertEqual(configuration.redacted, ConnectionString.unparseable)
            XCTAssertThrowsError(try PostgresConnection(configuration)) { error in
                XCTAssertFalse("\(error)".contains("hunterZq"), "\(error)")
                XCTAssertTrue("\(error)".contains("cannot be parsed"), "\(error)")
            }
        }
    }
}
