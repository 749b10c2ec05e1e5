import Foundation

/// A value that can be one argument of a Redis command. Arguments travel as exact byte strings with explicit
/// lengths (`redisCommandArgv`), so NUL bytes, invalid UTF-8 and command-like text stay data.
public protocol RedisArgument: Sendable {
    /// Appends this argument's bytes; appending (rather than returning an array) lets a whole command be packed
    /// into one buffer without an intermediate copy per argument.
    func appendRedisBytes(to buffer: inout [UInt8])
}

extension String: RedisArgument {
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }
}

extension Substring: RedisArgument {
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }
}

extension Array: RedisArgument where Element == UInt8 {
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: self) }
}

extension ArraySlice: RedisArgument where Element == UInt8 {
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: self) }
}

extension Data: RedisArgument {
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: self) }
}

extension Int: RedisArgument {
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: String(self).utf8) }
}

extension Int64: RedisArgument {
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: String(self).utf8) }
}

extension Int32: RedisArgument {
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: String(self).utf8) }
}

extension UInt64: RedisArgument {
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: String(self).utf8) }
}

extension Double: RedisArgument {
    /// Swift's shortest round-tripping form, which Redis parses back to the same value (`INCRBYFLOAT`, `ZADD`).
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: String(self).utf8) }
}

extension RedisArgument {
    /// The argument's bytes on their own.
    public var redisBytes: [UInt8] {
        var bytes: [UInt8] = []
        appendRedisBytes(to: &bytes)
        return bytes
    }
}
