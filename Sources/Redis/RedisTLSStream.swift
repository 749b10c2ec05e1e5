import CHiredis
import COpenSSL
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a TLS connection to Redis negotiated, for `rotation health`: the protocol version and the name (or IP
/// address) the server's certificate was verified against.
public struct RedisTLSInfo: Sendable, Equatable, Codable {
    public var version: String
    public var verifiedPeer: String
}

/// One `rediss://` connection: a TCP socket, an OpenSSL session that verifies the server's certificate chain
/// (against the CA file, else the system's trust store) and its host name or IP address, sends SNI and, when
/// configured, a client certificate. hiredis 0.14 has no TLS, so it keeps the protocol only: its formatter builds
/// the command bytes and its reader parses the replies; the bytes travel over OpenSSL here. Timeouts are socket
/// timeouts, as hiredis sets them for plain TCP. Not thread-safe: `RedisConnection` holds its lock around every use.
final class RedisTLSStream {
    private let socket: Int32
    private let context: OpaquePointer
    private let ssl: OpaquePointer
    private let reader: UnsafeMutablePointer<redisReader>
    private let configuration: RedisConfiguration
    let info: RedisTLSInfo

    private init(
        socket: Int32, context: OpaquePointer, ssl: OpaquePointer, configuration: RedisConfiguration,
        info: RedisTLSInfo
    ) {
        self.socket = socket
        self.context = context
        self.ssl = ssl
        self.configuration = configuration
        self.info = info
        self.reader = redisReaderCreate()
    }

    deinit {
        redisReaderFree(reader)
        SSL_free(ssl)
        SSL_CTX_free(context)
        Glibc.close(socket)
    }

    private var target: String { configuration.endpointDescription }

    // MARK: Connecting

    /// Connects, handshakes and verifies. Certificate problems are reported as what they are (not trusted, name
    /// mismatch, handshake refused), never with a secret.
    static func open(_ configuration: RedisConfiguration, host: String, port: Int, tls: RedisTLSOptions) throws
        -> RedisTLSStream
    {
        let target = configuration.endpointDescription
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw RedisError.connectionRefused("\(target): cannot create a TLS context: \(openSSLErrors())")
        }
        var ownedContext: OpaquePointer? = context
        defer { if let ownedContext { SSL_CTX_free(ownedContext) } }
        _ = rotation_ssl_ctx_min_tls12(context)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if let caFile = tls.caFile {
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                throw RedisError.invalidConfiguration(
                    "cannot read the TLS CA file '\(caFile)' (REDIS_TLS_CA / tls_ca): \(openSSLErrors())")
            }
        } else if SSL_CTX_set_default_verify_paths(context) != 1 {
            throw RedisError.invalidConfiguration("cannot load the system's trusted certificates: \(openSSLErrors())")
        }
        if let certificateFile = tls.certificateFile {
            guard SSL_CTX_use_certificate_chain_file(context, certificateFile) == 1 else {
                throw RedisError.invalidConfiguration(
                    "cannot read the TLS client certificate '\(certificateFile)' (REDIS_TLS_CERT / tls_cert): "
                        + openSSLErrors())
            }
            let keyFile = tls.keyFile ?? certificateFile
            guard SSL_CTX_use_PrivateKey_file(context, keyFile, SSL_FILETYPE_PEM) == 1,
                SSL_CTX_check_private_key(context) == 1
            else {
                throw RedisError.invalidConfiguration(
                    "cannot use the TLS client key '\(keyFile)' (REDIS_TLS_KEY / tls_key): \(openSSLErrors())")
            }
        }

        let socket = try connectSocket(host: host, port: port, configuration: configuration)
        var ownedSocket: Int32? = socket
        defer { if let ownedSocket { Glibc.close(ownedSocket) } }
        guard let ssl = SSL_new(context) else {
            throw RedisError.connectionRefused("\(target): cannot create a TLS session: \(openSSLErrors())")
        }
        var ownedSSL: OpaquePointer? = ssl
        defer { if let ownedSSL { SSL_free(ownedSSL) } }
        SSL_set_fd(ssl, socket)

        // The name the certificate must carry: the URL's host unless `tls_servername` says otherwise. An IP
        // address is checked against the certificate's IP entries and is never sent as SNI (RFC 6066).
        let expectedName = tls.serverName ?? host
        if isIPAddress(expectedName) {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), expectedName) == 1 else {
                throw RedisError.invalidConfiguration("cannot verify against the IP address '\(expectedName)'")
            }
        } else {
            guard SSL_set1_host(ssl, expectedName) == 1, rotation_ssl_set_sni(ssl, expectedName) == 1 else {
                throw RedisError.invalidConfiguration("cannot verify against the host name '\(expectedName)'")
            }
        }

        try setTimeouts(socket, configuration.connectTimeout)
        ERR_clear_error()
        let result = SSL_connect(ssl)
        if result != 1 {
            throw handshakeFailure(ssl, result: result, expectedName: expectedName, configuration: configuration)
        }
        try setTimeouts(socket, configuration.commandTimeout)
        let version = SSL_get_version(ssl).map { String(cString: $0) } ?? "TLS"
        let peer = SSL_get0_peername(ssl).map { String(cString: $0) } ?? expectedName
        let stream = RedisTLSStream(
            socket: socket, context: context, ssl: ssl, configuration: configuration,
            info: RedisTLSInfo(version: version, verifiedPeer: peer))
        ownedContext = nil
        ownedSocket = nil
        ownedSSL = nil
        return stream
    }

    /// A TCP connection within the connect timeout, trying each address the host resolves to.
    private static func connectSocket(host: String, port: Int, configuration: RedisConfiguration) throws -> Int32 {
        let target = configuration.endpointDescription
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &found)
        guard status == 0, let first = found else {
            throw RedisError.connectionRefused("\(target): cannot resolve the host: \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(first) }
        let deadline = ContinuousClock.now + configuration.connectTimeout
        var lastError = "no address"
        var timedOut = false
        var address: UnsafeMutablePointer<addrinfo>? = first
        while let candidate = address {
            address = candidate.pointee.ai_next
            let fd = Glibc.socket(candidate.pointee.ai_family, candidate.pointee.ai_socktype, candidate.pointee.ai_protocol)
            if fd < 0 { lastError = String(cString: strerror(errno)); continue }
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            if Glibc.connect(fd, candidate.pointee.ai_addr, candidate.pointee.ai_addrlen) != 0 && errno != EINPROGRESS {
                lastError = String(cString: strerror(errno))
                Glibc.close(fd)
                continue
            }
            let remaining = max(deadline - ContinuousClock.now, .zero)
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&descriptor, 1, Int32(remaining / .milliseconds(1)))
            if ready == 0 {
                timedOut = true
                Glibc.close(fd)
                continue
            }
            var socketError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length)
            if ready < 0 || socketError != 0 {
                lastError = String(cString: strerror(ready < 0 ? errno : socketError))
                Glibc.close(fd)
                continue
            }
            _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
            var on: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            return fd
        }
        if timedOut {
            throw RedisError.timeout(
                "connecting to \(target) took longer than \(RedisConnection.format(configuration.connectTimeout))")
        }
        throw RedisError.connectionRefused("\(target): \(lastError)")
    }

    private static func setTimeouts(_ socket: Int32, _ duration: Duration) throws {
        let (seconds, attoseconds) = max(duration, .milliseconds(1)).components
        var value = timeval(tv_sec: .init(seconds), tv_usec: .init(attoseconds / 1_000_000_000_000))
        let size = socklen_t(MemoryLayout<timeval>.size)
        guard setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &value, size) == 0,
            setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &value, size) == 0
        else { throw RedisError.connectionRefused("cannot set the socket timeouts: \(String(cString: strerror(errno)))") }
    }

    /// Says which part of the handshake failed: the chain (not trusted), the name, or the TLS exchange itself.
    private static func handshakeFailure(
        _ ssl: OpaquePointer, result: Int32, expectedName: String, configuration: RedisConfiguration
    ) -> RedisError {
        let savedErrno = errno
        let target = configuration.endpointDescription
        let code = SSL_get_error(ssl, result)
        let verify = SSL_get_verify_result(ssl)
        if verify != X509_V_OK {
            let reason = X509_verify_cert_error_string(verify).map { String(cString: $0) } ?? "code \(verify)"
            if verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH {
                return .connectionRefused(
                    "\(target): TLS name mismatch: the server's certificate is not valid for '\(expectedName)' (\(reason))")
            }
            return .connectionRefused(
                "\(target): TLS certificate not trusted: \(reason) (check REDIS_TLS_CA / tls_ca)")
        }
        if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE)
            || (code == SSL_ERROR_SYSCALL && (savedErrno == EAGAIN || savedErrno == EWOULDBLOCK))
        {
            return .timeout(
                "the TLS handshake with \(target) took longer than \(RedisConnection.format(configuration.connectTimeout))")
        }
        let details = openSSLErrors()
        let why = details.isEmpty ? (savedErrno != 0 ? String(cString: strerror(savedErrno)) : "the server closed the connection") : details
        return .connectionRefused("\(target): TLS handshake failed: \(why)")
    }

    // MARK: Commands

    /// Sends one command and reads its reply (a hiredis `redisReply`, freed by the caller).
    func roundTrip(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafePointer<CChar>?>, _ lengths: UnsafePointer<Int>,
                   action: String) throws -> UnsafeMutableRawPointer
    {
        try send(Self.format(argc, argv, lengths), action: action)
        return try readReply(action: action)
    }

    /// The wire bytes of one command, from hiredis' formatter.
    static func format(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafePointer<CChar>?>, _ lengths: UnsafePointer<Int>)
        -> [UInt8]
    {
        var formatted: UnsafeMutablePointer<CChar>?
        let length = redisFormatCommandArgv(&formatted, argc, argv, lengths)
        guard length > 0, let formatted else { return [] }
        defer { redisFreeCommand(formatted) }
        return Array(UnsafeRawBufferPointer(start: formatted, count: Int(length)))
    }

    /// Writes every byte (one TLS record or more).
    func send(_ bytes: [UInt8], action: String) throws {
        guard !bytes.isEmpty else { throw RedisError.protocolError("\(action): hiredis could not format the command") }
        var offset = 0
        while offset < bytes.count {
            ERR_clear_error()
            let written = bytes.withUnsafeBytes { buffer in
                SSL_write(ssl, buffer.baseAddress! + offset, Int32(min(buffer.count - offset, Int(Int32.max))))
            }
            if written <= 0 {
                if wasInterrupted(written) { continue }
                throw failure(written, while: action)
            }
            offset += Int(written)
        }
    }

    /// Reads until hiredis' reader has one whole reply.
    func readReply(action: String) throws -> UnsafeMutableRawPointer {
        while true {
            var raw: UnsafeMutableRawPointer?
            if redisReaderGetReply(reader, &raw) != REDIS_OK {
                let reason = withUnsafeBytes(of: reader.pointee.errstr) { bytes in
                    String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                throw RedisError.protocolError("\(action) on \(target): \(reason)")
            }
            if let raw { return raw }
            try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16 * 1024) { buffer in
                ERR_clear_error()
                let count = SSL_read(ssl, buffer.baseAddress, Int32(buffer.count))
                if count <= 0 {
                    if wasInterrupted(count) { return }  // read again
                    throw failure(count, while: action)
                }
                buffer.withMemoryRebound(to: CChar.self) { _ = redisReaderFeed(reader, $0.baseAddress, Int(count)) }
            }
        }
    }

    /// An idle connection has no reply to read. TLS 1.3 session tickets can arrive after the handshake, so a
    /// readable socket is read without blocking: records that carry no data leave the connection open; data, the
    /// end of the session or an error mean the server closed it (or sent what we cannot match to a command).
    func peerHasClosed() -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) != 0 else { return SSL_pending(ssl) > 0 }
        let flags = fcntl(socket, F_GETFL)
        _ = fcntl(socket, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(socket, F_SETFL, flags) }
        var byte: UInt8 = 0
        ERR_clear_error()
        let count = SSL_peek(ssl, &byte, 1)
        if count > 0 { return true }
        return SSL_get_error(ssl, count) != SSL_ERROR_WANT_READ
    }

    /// Whether a read or write failed only because a signal arrived (a Ctrl-C the command handles between batches):
    /// on a socket with a receive or send timeout the kernel never restarts the call (signal(7)), and OpenSSL then
    /// reports a retry, which is not a timeout. The caller tries again.
    private func wasInterrupted(_ result: Int32) -> Bool {
        let savedErrno = errno
        let code = SSL_get_error(ssl, result)
        return savedErrno == EINTR
            && (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE || code == SSL_ERROR_SYSCALL)
    }

    private func failure(_ result: Int32, while action: String) -> RedisError {
        let savedErrno = errno
        let code = SSL_get_error(ssl, result)
        let timedOut = code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE
            || (code == SSL_ERROR_SYSCALL && (savedErrno == EAGAIN || savedErrno == EWOULDBLOCK))
        if timedOut {
            return .timeout(
                "\(action) on \(target): no reply within \(RedisConnection.format(configuration.commandTimeout))")
        }
        switch code {
        case SSL_ERROR_ZERO_RETURN:
            return .connectionLost("\(action) on \(target): the server closed the TLS session")
        case SSL_ERROR_SYSCALL:
            let reason = savedErrno != 0 ? String(cString: strerror(savedErrno)) : "the server closed the connection"
            return .connectionLost("\(action) on \(target): \(reason)")
        default:
            let details = Self.openSSLErrors()
            return .connectionLost("\(action) on \(target): TLS error: \(details.isEmpty ? "code \(code)" : details)")
        }
    }

    // MARK: Helpers

    /// OpenSSL's queued error reasons, joined; library codes only, never data from the URL.
    private static func openSSLErrors() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let reason = ERR_reason_error_string(code) { reasons.append(String(cString: reason)) }
        }
        return reasons.joined(separator: "; ")
    }

    private static func isIPAddress(_ text: String) -> Bool {
        var buffer = in6_addr()
        return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
    }
}
