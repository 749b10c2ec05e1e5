import CHiredis
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The open transport: hiredis' own socket for plain TCP and Unix sockets, or OpenSSL (with hiredis' formatter
/// and reply reader) for `rediss://`.
enum RedisLink {
    case plain(UnsafeMutablePointer<redisContext>)
    case tls(RedisTLSStream)
}

/// One blocking connection to Redis through hiredis (over OpenSSL for `rediss://`: RedisTLSStream.swift), safe to
/// share between threads: a lock lets one command (or pipeline) run at a time. It connects lazily, authenticates
/// and selects the database on every connect, and after the connection breaks (error, timeout, server restart) the
/// next call reconnects, so callers survive a restart without rebuilding anything. Run it off the UI thread: every call may block up to the timeouts
/// (host-name resolution is not covered by the connect timeout; use an IP address or a socket to bound it).
/// Request/reply only: blocking commands must finish within the command timeout, and SUBSCRIBE/MONITOR are not
/// supported (unsolicited data on an idle connection is taken as a closed connection and it reconnects).
public final class RedisConnection: Sendable, CustomStringConvertible {
    public let configuration: RedisConfiguration

    /// The transport: nil when not connected or after the connection broke. Held for a whole command (or
    /// pipeline), so one runs at a time.
    let hiredis = Mutex<RedisLink?>(nil)

    /// hiredis 0.14 writes with write(2), so a server that went away would kill the process with SIGPIPE;
    /// ignoring it turns that into an EPIPE error on the connection. Done once, before the first connection.
    private static let ignoreBrokenPipeSignal: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Creates the connection without connecting; the first command connects.
    public init(configuration: RedisConfiguration) {
        self.configuration = configuration
        Self.ignoreBrokenPipeSignal
    }

    /// Creates the connection from a URL without connecting.
    public convenience init(url: String) throws {
        self.init(configuration: try RedisConfiguration(url: url))
    }

    /// Connects now, so a wrong address or password is reported at once rather than on the first command.
    public static func connect(_ configuration: RedisConfiguration) throws -> RedisConnection {
        let connection = RedisConnection(configuration: configuration)
        try connection.connect()
        return connection
    }

    deinit {
        hiredis.withLock { Self.drop(&$0) }
    }

    /// The redacted URL, so logging a connection never logs its password.
    public var description: String { "RedisConnection(\(configuration.redacted))" }

    /// Makes sure a working connection exists, (re)connecting if needed.
    public func connect() throws {
        try hiredis.withLock { _ = try liveContext(&$0) }
    }

    /// Closes the connection; a later command opens a new one.
    public func close() {
        hiredis.withLock { Self.drop(&$0) }
    }

    /// Whether a connection is open and not known to be broken (no network round trip).
    public var isConnected: Bool {
        hiredis.withLock { link in
            switch link {
            case nil: return false
            case .plain(let context): return context.pointee.err == 0
            case .tls: return true
            }
        }
    }

    /// The TLS version and verified peer of the open connection; nil for plain TCP or when not connected.
    public var tlsInfo: RedisTLSInfo? {
        hiredis.withLock { link in
            if case .tls(let stream) = link { return stream.info }
            return nil
        }
    }

    // MARK: Commands

    /// Runs one command and returns its reply. An error reply throws `RedisError.server` (or
    /// `.authenticationFailed` for NOAUTH); connection failures throw `.connectionRefused`, `.connectionLost` or
    /// `.timeout`, after which the next call reconnects. Failed commands are never retried: one that timed out
    /// may have run.
    @discardableResult
    public func command(_ arguments: [any RedisArgument]) throws -> RedisReply {
        let reply = try send(arguments)
        if case .error(let message) = reply { throw error(forReply: message) }
        return reply
    }

    /// NOAUTH means the server wants a password this configuration lacks: a login problem, not a bad command.
    func error(forReply message: String) -> RedisError {
        if message.hasPrefix("NOAUTH") {
            return .authenticationFailed(
                "\(configuration.endpointDescription) requires a password and none was configured: \(scrub(message))")
        }
        return .server(scrub(message))
    }

    /// Runs one command: `try redis.command("SET", key, value, "EX", 60)`.
    @discardableResult
    public func command(_ arguments: any RedisArgument...) throws -> RedisReply {
        try command(arguments)
    }

    /// Runs one command and returns its reply, error replies included, without throwing for them.
    public func send(_ arguments: [any RedisArgument]) throws -> RedisReply {
        guard !arguments.isEmpty else { throw RedisError.protocolError("a command needs at least one argument") }
        return try hiredis.withLock { held in
            let context = try liveContext(&held)
            do {
                return try roundTrip(context, arguments)
            } catch {
                // After a timeout or a broken read, replies can no longer be matched to commands.
                Self.drop(&held)
                throw error
            }
        }
    }

    /// Sends every command in one write and reads the replies in order. Error replies stay in place as `.error`
    /// elements. A connection error fails the whole pipeline (some of its commands may have run) and the next
    /// call reconnects.
    public func pipeline(_ commands: [[any RedisArgument]]) throws -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        guard commands.allSatisfy({ !$0.isEmpty }) else {
            throw RedisError.protocolError("a command needs at least one argument")
        }
        return try hiredis.withLock { held in
            let context = try liveContext(&held)
            do {
                return try runPipeline(context, commands)
            } catch {
                // Queued commands or unread replies would be mistaken for the next call's.
                Self.drop(&held)
                throw error
            }
        }
    }

    func runPipeline(_ link: RedisLink, _ commands: [[any RedisArgument]]) throws -> [RedisReply] {
        let context: UnsafeMutablePointer<redisContext>
        switch link {
        case .plain(let plain): context = plain
        case .tls(let stream): return try runPipeline(stream, commands)
        }
        for arguments in commands {
            let status = Self.withArgv(arguments) { argc, argv, lengths in
                redisAppendCommandArgv(context, argc, argv, lengths)
            }
            if status != REDIS_OK { throw failure(context, while: "queueing a pipelined command") }
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            if redisGetReply(context, &raw) != REDIS_OK || raw == nil {
                throw failure(context, while: "reading pipelined replies")
            }
            replies.append(Self.take(raw!))
        }
        return replies
    }

    /// The TLS pipeline: every command formatted by hiredis, sent in one write, the replies read in order.
    func runPipeline(_ stream: RedisTLSStream, _ commands: [[any RedisArgument]]) throws -> [RedisReply] {
        var bytes: [UInt8] = []
        for arguments in commands {
            let formatted = Self.withArgv(arguments) { argc, argv, lengths in RedisTLSStream.format(argc, argv, lengths) }
            if formatted.isEmpty { throw RedisError.protocolError("queueing a pipelined command: cannot format it") }
            bytes += formatted
        }
        try stream.send(bytes, action: "sending a pipeline")
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            replies.append(Self.take(try stream.readReply(action: "reading pipelined replies")))
        }
        return replies
    }

    // MARK: Helpers

    /// Packs the arguments into one buffer and hands hiredis pointers into it with explicit lengths. The pointers
    /// are valid only inside `body`, which is the single C call that borrows them.
    static func withArgv<Result>(
        _ arguments: [any RedisArgument],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) throws -> Result
    ) rethrows -> Result {
        var buffer: [UInt8] = []
        var offsets: [Int] = []
        var lengths: [Int] = []
        offsets.reserveCapacity(arguments.count)
        lengths.reserveCapacity(arguments.count)
        for argument in arguments {
            let start = buffer.count
            argument.appendRedisBytes(to: &buffer)
            offsets.append(start)
            lengths.append(buffer.count - start)
        }
        // Never empty, so the base address exists even when every argument is "".
        buffer.append(0)
        return try buffer.withUnsafeBytes { bytes in
            let base = bytes.baseAddress!.assumingMemoryBound(to: CChar.self)
            var pointers: [UnsafePointer<CChar>?] = offsets.map { UnsafePointer(base + $0) }
            return try pointers.withUnsafeMutableBufferPointer { argv in
                try lengths.withUnsafeBufferPointer { lengthPointer in
                    try body(Int32(arguments.count), argv.baseAddress!, lengthPointer.baseAddress!)
                }
            }
        }
    }

    /// Copies a reply and frees hiredis' copy.
    static func take(_ raw: UnsafeMutableRawPointer) -> RedisReply {
        defer { freeReplyObject(raw) }
        return RedisReply(copying: raw.assumingMemoryBound(to: redisReply.self))
    }

    static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        guard let text = rotation_redis_errstr(context) else { return "" }
        return String(cString: text)
    }

    static func isTimeout(errno code: Int32, reason: String) -> Bool {
        if code == EAGAIN || code == EWOULDBLOCK || code == ETIMEDOUT || code == EINPROGRESS { return true }
        let lowered = reason.lowercased()
        return lowered.contains("timed out") || lowered.contains("temporarily unavailable")
    }

    /// The command's name for error messages; never its arguments, which may be secrets or values.
    static func commandName(_ arguments: [any RedisArgument]) -> String {
        guard let first = arguments.first else { return "an empty command" }
        let name = String(decoding: first.redisBytes.prefix(32), as: UTF8.self)
        return name.allSatisfy({ $0.isLetter || $0 == " " || $0 == "-" || $0 == "|" }) ? name.uppercased() : "a command"
    }

    /// Error text from the server or hiredis with the password masked, in case it was echoed.
    func scrub(_ message: String) -> String {
        guard let password = configuration.password, password.count >= 3 else { return message }
        return message.replacingOccurrences(of: password, with: "***")
    }

    /// hiredis treats a zero timeval as "wait forever", so anything shorter than 1 ms becomes 1 ms.
    static func cTimeval(_ duration: Duration) -> timeval {
        let (seconds, attoseconds) = max(duration, .milliseconds(1)).components
        var value = timeval()
        value.tv_sec = .init(seconds)
        value.tv_usec = .init(attoseconds / 1_000_000_000_000)
        return value
    }

    static func format(_ duration: Duration) -> String {
        let milliseconds = Int((duration / .milliseconds(1)).rounded())
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
