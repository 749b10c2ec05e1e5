import Foundation

/// The match service's own reads of `match:*` keys: hits, misses and unusable values. The cache pane shows them
/// beside the server-wide hit rate, which mixes in every other client.
public final class MatchCacheCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var hits = 0
    private var misses = 0
    private var invalid = 0
    private var lastInvalid: (key: String, reason: String)?

    public init() {}

    public struct Snapshot: Codable, Sendable, Equatable {
        public var hits: Int
        public var misses: Int
        /// Values present but unusable (counted in `misses` too).
        public var invalid: Int
        public var lastInvalidKey: String?
        public var lastInvalidReason: String?
        /// hits / (hits + misses); nil before the first read.
        public var hitRate: Double? { hits + misses == 0 ? nil : Double(hits) / Double(hits + misses) }
    }

    public var snapshot: Snapshot {
        lock.lock(); defer { lock.unlock() }
        return Snapshot(hits: hits, misses: misses, invalid: invalid,
                        lastInvalidKey: lastInvalid?.key, lastInvalidReason: lastInvalid?.reason)
    }

    func recordHit() { lock.lock(); hits += 1; lock.unlock() }
    func recordMiss() { lock.lock(); misses += 1; lock.unlock() }
    func recordInvalid(key: String, reason: String) {
        lock.lock(); misses += 1; invalid += 1; lastInvalid = (key, reason); lock.unlock()
    }
}
