/// One step of `SCAN`: the cursor to pass next (0 when the iteration is complete) and the keys of this step.
/// Keys are bytes because keys may be binary; `keyStrings` decodes them for display and for `match:*` keys.
public struct RedisScanPage: Sendable, Equatable {
    public var cursor: UInt64
    public var keys: [[UInt8]]

    public init(cursor: UInt64, keys: [[UInt8]]) {
        self.cursor = cursor
        self.keys = keys
    }

    /// True when the server returned cursor 0: every key present for the whole scan has been seen.
    public var isComplete: Bool { cursor == 0 }

    /// The keys as text, invalid UTF-8 replaced by U+FFFD.
    public var keyStrings: [String] { keys.map { String(decoding: $0, as: UTF8.self) } }
}
