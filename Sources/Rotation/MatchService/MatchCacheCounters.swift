import Foundation
import Synchronization

/// The match service's own reads of `match:*` keys: hits, misses and unusable values. The cache pane shows them
/// beside the server-wide hit rate, which mixes in every other client.
public final class MatchCacheCounters: Sendable {
    private struct Counts {
        var hits = 0
        var misses = 0
        var invalid = 0
        var lastInvalid: (key: String, reason: String)?
    }

    private let counts = Mutex(Counts())

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
        counts.withLock { counts in
            Snapshot(hits: counts.hits, misses: counts.misses, invalid: counts.invalid,
                     lastInvalidKey: counts.lastInvalid?.key, lastInvalidReason: counts.lastInvalid?.reason)
        }
    }

    func recordHit() { counts.withLock { $0.hits += 1 } }
    func recordMiss() { counts.withLock { $0.misses += 1 } }
    func recordInvalid(key: String, reason: String) {
        counts.withLock { counts in
            counts.misses += 1
            counts.invalid += 1
            counts.lastInvalid = (key, reason)
        }
    }
}
