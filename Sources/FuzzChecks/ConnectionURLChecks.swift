import CLibpq
import Foundation
import Postgres
import Redis

/// Connection strings carry passwords, and their redacted forms are printed (status line, `health`, errors).
enum ConnectionURLChecks {
    /// `RedisConfiguration(url:)` parses or throws; `redacted` (and the printed forms) must not depend on the
    /// password: the same configuration with another password prints the same.
    static func checkRedis(_ input: [UInt8], _ violations: inout FuzzViolations) {
        let text = String(decoding: input, as: UTF8.self)
        guard let configuration = try? RedisConfiguration(url: text), let password = configuration.password else {
            return
        }
        var other = configuration
        other.password = password == "fuzz-other-password" ? "fuzz-another-password" : "fuzz-other-password"
        violations.expect(configuration.redacted == other.redacted, "Redis redacted form does not show the password",
                          "\(escaped(configuration.redacted)) for password \(escaped(password))")
        violations.expect(configuration.description == other.description && configuration.debugDescription ==
                              other.debugDescription, "Redis printed forms do not show the password",
                          "\(escaped(configuration.debugDescription)) for password \(escaped(password))")
    }

    /// The conninfo options that hold secrets: the password and the passphrase of the client key.
    static let secretOptions = ["password", "sslpassword"]

    /// `PostgresConfiguration(_:).redacted` must not show a secret libpq itself would use (the oracle is
    /// `PQconninfoParse`, the parser `PQconnectdb` uses), for `password` and `sslpassword`:
    /// - written literally once in the input: writing another secret of the same length in its place (which libpq
    ///   confirms parses to the same options) gives the same redacted form, so partial leaks show too, and a secret
    ///   that happens to spell part of the mask (`d=**`) is no false alarm;
    /// - otherwise (percent-encoded, quoted with escapes, or also written elsewhere as in `user=abcd
    ///   password=abcd`), a secret of 4 characters or more occurs in the redacted form fewer times than in the
    ///   input, and not at all when the input does not spell it out.
    static func checkPostgres(_ input: [UInt8], _ violations: inout FuzzViolations) {
        let text = String(decoding: input, as: UTF8.self)
        let redacted = PostgresConfiguration(text).redacted
        _ = PostgresConfiguration(text).description
        // libpq reads a C string: text after a NUL never reaches it, so its parse is no oracle for such input.
        // A string shown as `unparseable` shows nothing of itself (a URL libpq and the web app's driver would read
        // differently is refused that way on purpose).
        guard !text.utf8.contains(0), redacted != ConnectionString.unparseable,
              let options = conninfoOptions(text) else { return }
        for option in secretOptions {
            guard let secret = options[option], !secret.isEmpty else { continue }
            let inInput = occurrences(of: secret, in: text)
            guard inInput == 1, let range = text.range(of: secret) else {
                if secret.count >= 4 {
                    let inRedacted = occurrences(of: secret, in: redacted)
                    violations.expect(inRedacted == 0 || inRedacted < inInput, "Postgres redacted form hides \(option)",
                                      "\(escaped(redacted)) for \(option) \(escaped(secret)) in \(escaped(text))")
                }
                continue
            }
            let replacement = String(repeating: secret.hasPrefix("x") ? "y" : "x", count: secret.utf8.count)
            let swapped = text.replacingCharacters(in: range, with: replacement)
            var expected = options
            expected[option] = replacement
            guard conninfoOptions(swapped) == expected else { continue }
            let swappedRedacted = PostgresConfiguration(swapped).redacted
            if swappedRedacted == ConnectionString.unparseable {
                // No form to compare with: at least the secret itself must not be shown.
                violations.expect(occurrences(of: secret, in: redacted) == 0, "Postgres redacted form hides \(option)",
                                  "\(escaped(redacted)) for \(option) \(escaped(secret)) in \(escaped(text))")
                continue
            }
            violations.expect(swappedRedacted == redacted, "Postgres redacted form does not depend on \(option)",
                              "\(escaped(redacted)) for \(escaped(text)) but \(escaped(swappedRedacted)) for \(escaped(swapped))")
        }
    }

    /// The options libpq parses from a URL or keyword/value string; nil when libpq refuses it.
    static func conninfoOptions(_ text: String) -> [String: String]? {
        var message: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(text, &message) else {
            if let message { PQfreemem(message) }
            return nil
        }
        defer { PQconninfoFree(parsed) }
        var options: [String: String] = [:]
        var option = parsed
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { options[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return options
    }

    private static func occurrences(of needle: String, in haystack: String) -> Int {
        var count = 0
        var rest = haystack[...]
        while let found = rest.range(of: needle) {
            count += 1
            rest = rest[rest.index(after: found.lowerBound)...]
        }
        return count
    }
}
