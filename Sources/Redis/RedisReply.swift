import CHiredis
import Foundation

/// One reply from the server, copied out of hiredis' reply tree so it outlives `freeReplyObject`.
/// Bulk strings stay bytes (values may be binary); the accessors decode on demand.
public enum RedisReply: Sendable, Equatable, Hashable {
    /// A simple string such as `OK` or `PONG`.
    case status(String)
    /// An error reply such as `WRONGTYPE ...`; `command(...)` throws it, pipelines keep it in place.
    case error(String)
    case integer(Int)
    /// A bulk string, exactly as stored.
    case bulk([UInt8])
    case array([RedisReply])
    /// A nil bulk string or nil array (`GET` of a missing key).
    case null

    /// The text of a status or bulk reply when it is valid UTF-8; nil for other replies and for binary data,
    /// so bytes are never silently altered. See `lossyString` for display.
    public var string: String? {
        switch self {
        case .status(let text): return text
        case .bulk(let bytes): return String(validating: bytes, as: UTF8.self)
        default: return nil
        }
    }

    /// The text of a status or bulk reply, with invalid UTF-8 replaced by U+FFFD.
    public var lossyString: String? {
        switch self {
        case .status(let text): return text
        case .bulk(let bytes): return String(decoding: bytes, as: UTF8.self)
        default: return nil
        }
    }

    /// An integer reply, or a status/bulk reply holding a decimal integer (`GET` of a counter).
    public var int: Int? {
        switch self {
        case .integer(let value): return value
        case .status, .bulk: return string.flatMap { Int($0) }
        default: return nil
        }
    }

    /// The bytes of a bulk or status reply.
    public var bytes: [UInt8]? {
        switch self {
        case .bulk(let bytes): return bytes
        case .status(let text): return Array(text.utf8)
        default: return nil
        }
    }

    public var data: Data? { bytes.map { Data($0) } }

    public var array: [RedisReply]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The message of an error reply.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }

    /// Copies a hiredis reply tree. The caller still owns `pointer` and frees it with `freeReplyObject`.
    init(copying pointer: UnsafePointer<redisReply>) {
        let reply = pointer.pointee
        switch reply.type {
        case REDIS_REPLY_STATUS:
            self = .status(Self.text(reply))
        case REDIS_REPLY_ERROR:
            self = .error(Self.text(reply))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int(reply.integer))
        case REDIS_REPLY_STRING:
            self = .bulk(Self.bytes(reply))
        case REDIS_REPLY_ARRAY:
            var elements: [RedisReply] = []
            elements.reserveCapacity(reply.elements)
            if let children = reply.element {
                for index in 0..<reply.elements {
                    if let child = children[index] {
                        elements.append(RedisReply(copying: child))
                    } else {
                        elements.append(.null)
                    }
                }
            }
            self = .array(elements)
        default:  // REDIS_REPLY_NIL, and anything a newer protocol might add
            self = .null
        }
    }

    private static func bytes(_ reply: redisReply) -> [UInt8] {
        guard let str = reply.str, reply.len > 0 else { return [] }
        return str.withMemoryRebound(to: UInt8.self, capacity: reply.len) {
            Array(UnsafeBufferPointer(start: $0, count: reply.len))
        }
    }

    private static func text(_ reply: redisReply) -> String {
        String(decoding: bytes(reply), as: UTF8.self)
    }
}
