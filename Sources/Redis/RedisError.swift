/// Why a Redis operation failed, split by what the caller can do about it: a bad configuration, a server that
/// cannot be reached, a connection that broke or timed out, a refused login, an error reply, or a reply the client
/// did not understand. Descriptions never contain the password.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL or configuration is malformed; nothing was attempted.
    case invalidConfiguration(String)
    /// No connection could be made (refused, unknown host, unreachable, socket missing).
    case connectionRefused(String)
    /// An established connection broke (server closed it, reset, restart). The next call reconnects.
    case connectionLost(String)
    /// Connecting or waiting for a reply took longer than the configured timeout. The next call reconnects.
    case timeout(String)
    /// The server refused AUTH (wrong password or user), or wants a password and none is configured (NOAUTH).
    case authenticationFailed(String)
    /// The server answered the command with an error reply (`WRONGTYPE ...`, `ERR ...`).
    case server(String)
    /// The reply was malformed or did not have the shape the command promises.
    case protocolError(String)

    /// True when Redis could not be talked to at all (down, unreachable, slow): the caller should fall back to
    /// another tier and retry later, rather than treat the request itself as wrong.
    public var isConnectionProblem: Bool {
        switch self {
        case .connectionRefused, .connectionLost, .timeout: return true
        default: return false
        }
    }

    /// True when the server refused to run the command at all: an ACL without it (`NOPERM`), or a hosted Redis that
    /// renamed or removed it (`unknown command`, `unknown subcommand`). Callers degrade with a note instead of
    /// failing (issue 11, hosted Redis limits).
    public var isCommandRefused: Bool {
        guard case .server(let message) = self else { return false }
        let lowered = message.lowercased()
        return lowered.hasPrefix("noperm") || lowered.contains("unknown command") || lowered.contains("unknown subcommand")
    }

    public var description: String {
        switch self {
        case .invalidConfiguration(let message): return "invalid Redis configuration: \(message)"
        case .connectionRefused(let message): return "cannot connect to Redis: \(message)"
        case .connectionLost(let message): return "lost the connection to Redis: \(message)"
        case .timeout(let message): return "Redis timed out: \(message)"
        case .authenticationFailed(let message): return "Redis refused the login: \(message)"
        case .server(let message): return "Redis error: \(message)"
        case .protocolError(let message): return "unexpected reply from Redis: \(message)"
        }
    }
}
