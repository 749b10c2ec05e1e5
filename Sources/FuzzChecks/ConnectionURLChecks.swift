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

    /// `PostgresConfiguration(_:).redacted` must not show the password libpq itself would send (the oracle is
    /// `PQconninfoParse`, the parser `PQconnectdb` uses):
    /// - a password of 4 characters or more occurs in the redacted form fewer times than in the input (the
    ///   password's own place is gone; elsewhere, as in `user=abcd password=abcd`, it may stay), and not at all when
    ///   it is not written literally in the input (percent-encoded, quoted with escapes);
    /// - when the password is written literally once, writing another password of the same length in its place
    ///   (which libpq confirms parses to the same options) gives the same redacted form: partial leaks show too.
    static func checkPostgres(_ input: [UInt8], _ violations: inout FuzzViolations) {
        let text = String(decoding: input, as: UTF8.self)
        let redacted = PostgresConfiguration(text).redacted
        _ = PostgresConfiguration(text).description
        // libpq reads a C string: text after a NUL never reaches it, so its parse is no oracle for such input.
        guard !text.utf8.contains(0), let options = conninfoOptions(text), let password = options["password"],
              !password.isEmpty
        else { return }

        let inInput = occurrences(of: password, in: text)
        if password.count >= 4 {
            let inRedacted = occurrences(of: password, in: redacted)
            violations.expect(inRedacted == 0 || inRedacted < inInput, "Postgres redacted form hides the password",
                              "\(escaped(redacted)) for password \(escaped(password)) in \(escaped(text))")
        }

        guard inInput == 1, let range = text.range(of: password) else { return }
        let replacement = String(repeating: password.hasPrefix("x") ? "y" : "x", count: password.utf8.count)
        let swapped = text.replacingCharacters(in: range, with: replacement)
        var expected = options
        expected["password"] = replacement
        guard conninfoOptions(swapped) == expected else { return }
        let swappedRedacted = PostgresConfiguration(swapped).redacted
        violations.expect(swappedRedacted == redacted, "Postgres redacted form does not depend on the password",
                          "\(escaped(redacted)) for \(escaped(text)) but \(escaped(swappedRedacted)) for \(escaped(swapped))")
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
