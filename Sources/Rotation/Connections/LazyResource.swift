import Synchronization

/// A value made on first use; a failure is not remembered, so the next use tries again (a server came back).
/// Callers that ask while the value is being made wait for it rather than making a second one.
public final class LazyResource<Value: Sendable>: Sendable {
    private let make: @Sendable () throws -> Value
    private let value = Mutex<Value?>(nil)

    public init(_ make: @escaping @Sendable () throws -> Value) { self.make = make }

    public func get() throws -> Value {
        try value.withLock { value in
            if let value { return value }
            let made = try make()
            value = made
            return made
        }
    }

    /// The value if it was made; never makes it.
    public var existing: Value? { value.withLock { $0 } }
}
