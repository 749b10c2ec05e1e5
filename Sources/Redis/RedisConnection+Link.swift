import CHiredis
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Opening, checking and dropping the transport, logging in, and one round trip: what every command of
/// `RedisConnection` goes through. Callers hold `hiredis`'s lock and pass what it guards.
extension RedisConnection {

    /// The open connection, or a new one when there is none or the old one broke.
    func liveContext(_ held: inout RedisLink?) throws -> RedisLink {
        switch held {
        case .plain(let context):
            if context.pointee.err == 0 && !Self.peerHasClosed(context) { return .plain(context) }
            Self.drop(&held)
        case .tls(let stream):
            if !stream.peerHasClosed() { return .tls(stream) }
            Self.drop(&held)
        case nil:
            break
        }
        let link = try open()
        held = link
        return link
    }

    static func drop(_ held: inout RedisLink?) {
        if case .plain(let context) = held { redisFree(context) }
        held = nil  // a TLS stream closes when released
    }

    /// An idle connection has nothing to read; if it is readable, the server closed it (a restart, an idle
    /// timeout, CLIENT KILL). Checking before sending reconnects without ever resending a command that might
    /// have run.
    static func peerHasClosed(_ context: UnsafeMutablePointer<redisContext>) -> Bool {
        var descriptor = pollfd(fd: rotation_redis_fd(context), events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, 0)
        return ready != 0
    }

    func open() throws -> RedisLink {
        if let tls = configuration.tls, case .tcp(let host, let port) = configuration.endpoint {
            let link = RedisLink.tls(try RedisTLSStream.open(configuration, host: host, port: port, tls: tls))
            try logIn(link)
            return link
        }
        let connectTimeout = Self.cTimeval(configuration.connectTimeout)
        let target = configuration.endpointDescription
        let made: UnsafeMutablePointer<redisContext>?
        switch configuration.endpoint {
        case .tcp(let host, let port):
            made = redisConnectWithTimeout(host, Int32(port), connectTimeout)
        case .unixSocket(let path):
            made = redisConnectUnixWithTimeout(path, connectTimeout)
        }
        let savedErrno = errno
        guard let context = made else {
            throw RedisError.connectionRefused("\(target): out of memory creating the connection")
        }
        if context.pointee.err != 0 {
            let reason = scrub(Self.errorText(context))
            redisFree(context)
            if Self.isTimeout(errno: savedErrno, reason: reason) {
                throw RedisError.timeout(
                    "connecting to \(target) took longer than \(Self.format(configuration.connectTimeout))")
            }
            throw RedisError.connectionRefused("\(target): \(reason)")
        }
        do {
            if redisSetTimeout(context, Self.cTimeval(configuration.commandTimeout)) != REDIS_OK {
                throw RedisError.connectionRefused("\(target): cannot set the command timeout")
            }
            try logIn(.plain(context))
        } catch {
            redisFree(context)
            throw error
        }
        return .plain(context)
    }

    /// AUTH (with the ACL user when given) and SELECT, on every new connection.
    func logIn(_ link: RedisLink) throws {
        let target = configuration.endpointDescription
        if let password = configuration.password {
            var arguments: [any RedisArgument] = ["AUTH"]
            if let username = configuration.username { arguments.append(username) }
            arguments.append(password)
            if case .error(let message) = try roundTrip(link, arguments) {
                let who = configuration.username.map { "user '\($0)'" } ?? "the default user"
                throw RedisError.authenticationFailed(
                    "\(target) refused the password for \(who): \(scrub(message))")
            }
        }
        if configuration.database != 0 {
            if case .error(let message) = try roundTrip(link, ["SELECT", configuration.database]) {
                if message.hasPrefix("NOAUTH") { throw error(forReply: message) }
                throw RedisError.server("selecting database \(configuration.database): \(scrub(message))")
            }
        }
    }

    /// One command on `link`. On a connection failure the caller drops `link`.
    func roundTrip(_ link: RedisLink, _ arguments: [any RedisArgument]) throws -> RedisReply {
        let context: UnsafeMutablePointer<redisContext>
        switch link {
        case .plain(let plain): context = plain
        case .tls(let stream):
            let action = "running \(Self.commandName(arguments))"
            let raw = try Self.withArgv(arguments) { argc, argv, lengths in
                try stream.roundTrip(argc, argv, lengths, action: action)
            }
            return Self.take(raw)
        }
        let raw = Self.withArgv(arguments) { argc, argv, lengths in
            redisCommandArgv(context, argc, argv, lengths)
        }
        guard let raw else { throw failure(context, while: "running \(Self.commandName(arguments))") }
        return Self.take(raw)
    }

    /// Turns the connection's error into a `RedisError`. The caller then drops the connection so the next call
    /// reconnects.
    func failure(_ context: UnsafeMutablePointer<redisContext>, while action: String) -> RedisError {
        let savedErrno = errno
        let code = context.pointee.err
        let reason = scrub(Self.errorText(context))
        let target = configuration.endpointDescription
        switch code {
        case REDIS_ERR_IO where Self.isTimeout(errno: savedErrno, reason: reason):
            return .timeout(
                "\(action) on \(target): no reply within \(Self.format(configuration.commandTimeout))")
        case REDIS_ERR_PROTOCOL:
            return .protocolError("\(action) on \(target): \(reason)")
        case REDIS_ERR_EOF, REDIS_ERR_IO:
            return .connectionLost("\(action) on \(target): \(reason)")
        default:
            return .connectionLost("\(action) on \(target): \(reason.isEmpty ? "unknown error" : reason)")
        }
    }
}
