import Foundation

/// What a process's resident memory is made of, from `/proc/PID/smaps`: Rss per group of mappings (the Swift
/// runtime, Foundation, ICU, FoundationNetworking with libcurl's dependencies, libpq with TLS and Kerberos, the
/// executable, heap and anonymous memory), and how much of it is clean file pages shared with other processes.
struct ResidentMemoryParts {
    /// Kilobytes of Rss per group, largest first.
    var groups: [(name: String, kilobytes: Double)] = []
    var sharedClean = 0.0
    var privateTotal = 0.0
    var anonymous = 0.0

    /// Groups by a substring of the mapped file's name; the first that matches wins.
    private static let groupOf: [(group: String, patterns: [String])] = [
        ("Swift runtime", ["libswift", "libdispatch", "libBlocksRuntime"]),
        ("ICU (lib_FoundationICU, FoundationInternationalization) and libstdc++", ["FoundationICU", "FoundationInternationalization", "libstdc++"]),
        ("FoundationNetworking, libcurl and what only libcurl needs", ["FoundationNetworking", "libcurl", "gnutls", "nghttp2", "idn2", "rtmp", "ssh2",
                                                                         "psl", "brotli", "p11-kit", "tasn1", "nettle", "hogweed", "gmp", "unistring", "libffi", "zstd"]),
        ("Foundation, FoundationEssentials", ["libFoundation", "FoundationEssentials"]),
        ("libpq, hiredis, OpenSSL, Kerberos, LDAP", ["libpq", "hiredis", "libssl", "libcrypto", "krb5", "gssapi", "ldap", "lber", "sasl", "com_err", "keyutils", "resolv"]),
        ("libc, libm, ld.so, ncurses", ["libc.so", "libm.so", "ld-linux", "ncurses", "tinfo", "libgcc"]),
        ("heap and anonymous", ["[heap]", "[anon]", "[stack]"]),
    ]

    init(smaps: String) {
        var totals: [String: Double] = [:]
        var current = "[anon]"
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.contains("-") && !first.hasSuffix(":") {
                current = fields.count > 5 ? String(fields[5]) : "[anon]"
            } else if fields.count >= 2, let kilobytes = Double(fields[1]) {
                switch first {
                case "Rss:":
                    let group = Self.groupOf.first { $0.patterns.contains { current.contains($0) } }?.group
                        ?? (current.hasPrefix("/") ? "the executable and other files" : "heap and anonymous")
                    totals[group, default: 0] += kilobytes
                case "Shared_Clean:": sharedClean += kilobytes
                case "Private_Clean:", "Private_Dirty:": privateTotal += kilobytes
                case "Anonymous:": anonymous += kilobytes
                default: break
                }
            }
        }
        groups = totals.map { ($0.key, $0.value) }.sorted { $0.kilobytes > $1.kilobytes }
    }

    /// "12.3 MB Swift runtime, 5.0 MB Foundation, …".
    var summary: String {
        groups.map { String(format: "%.1f MB %@", $0.kilobytes / 1024, $0.name) }.joined(separator: ", ")
    }
}
