import CLibpq

/// What the TLS session to Postgres negotiated, for `rotation health`.
public struct PostgresTLSInfo: Sendable, Equatable, Codable {
    /// libpq's `protocol` attribute, e.g. `TLSv1.3`.
    public var version: String
    /// The effective `sslmode` (`require`, `verify-ca`, `verify-full`, ...).
    public var sslMode: String
    /// The host name (or IP address) libpq matched against the server's certificate: only with `verify-full`;
    /// nil when the name was not checked.
    public var verifiedPeer: String?
}

extension PostgresConnection {
    /// The TLS session of the open connection; nil for a plain connection, a Unix socket, or when closed.
    public var tlsInfo: PostgresTLSInfo? {
        withHandle { handle in
            guard let handle, PQsslInUse(handle) == 1 else { return nil }
            let version = PQsslAttribute(handle, "protocol").map { String(cString: $0) } ?? "TLS"
            let mode = Self.effectiveOption("sslmode", of: handle) ?? "prefer"
            // libpq checks the certificate's names against the host only in verify-full.
            let peer = mode == "verify-full" ? PQhost(handle).map { String(cString: $0) } : nil
            return PostgresTLSInfo(version: version, sslMode: mode, verifiedPeer: peer)
        }
    }

    /// An option's value as libpq resolved it (URL, keywords, environment, defaults). Never a secret: callers ask
    /// for named non-secret options only.
    private static func effectiveOption(_ keyword: String, of handle: OpaquePointer) -> String? {
        guard let options = PQconninfo(handle) else { return nil }
        defer { PQconninfoFree(options) }
        var option = options
        while let name = option.pointee.keyword {
            if String(cString: name) == keyword { return option.pointee.val.map { String(cString: $0) } }
            option += 1
        }
        return nil
    }
}
