import Foundation

/// A release in the inventory screen, with how much of it is matched.
public struct InventoryRelease: Equatable, Sendable, Identifiable {
    public var discogsID: Int64
    public var title: String
    public var artist: String
    public var year: Int?
    public var trackCount: Int
    public var approved: Int
    public var pending: Int

    public var id: Int64 { discogsID }
    /// Matched tracks (approved or pending) over all tracks, 0 for a release without tracks.
    public var coverage: Double { trackCount == 0 ? 0 : Double(approved + pending) / Double(trackCount) }

    public init(discogsID: Int64, title: String, artist: String, year: Int? = nil, trackCount: Int,
                approved: Int, pending: Int) {
        self.discogsID = discogsID
        self.title = title
        self.artist = artist
        self.year = year
        self.trackCount = trackCount
        self.approved = approved
        self.pending = pending
    }
}

/// One row of `store_sync_log`.
public struct SyncLogEntry: Equatable, Sendable {
    public var at: Date
    public var listingsProcessed: Int
    public var newReleases: Int
    public var matchesCreated: Int

    public init(at: Date, listingsProcessed: Int, newReleases: Int, matchesCreated: Int) {
        self.at = at
        self.listingsProcessed = listingsProcessed
        self.newReleases = newReleases
        self.matchesCreated = matchesCreated
    }
}

/// A `match:{release}:{track}` key in the cache browser, with its TTL and a one-line summary of its value.
public struct CacheKeyRow: Equatable, Sendable, Identifiable {
    public var key: String
    public var store: String?
    public var ttlSeconds: Int?
    /// A one-line rendering of the value, or why it could not be read ("garbage JSON").
    public var valueSummary: String
    /// The value disagrees with Postgres.
    public var drifted: Bool

    public var id: String { key }

    public init(key: String, store: String? = nil, ttlSeconds: Int?, valueSummary: String, drifted: Bool = false) {
        self.key = key
        self.store = store
        self.ttlSeconds = ttlSeconds
        self.valueSummary = valueSummary
        self.drifted = drifted
    }

    /// The release id parsed from the key, when it has the `match:{release}:{track}` shape.
    public var releaseID: Int64? {
        let parts = key.split(separator: ":")
        guard parts.count == 3, parts[0] == "match" else { return nil }
        return Int64(parts[1])
    }
}

/// What a cache-only clear removes. The wide ones (store, all, drift) need a typed confirmation.
public enum CacheClearScope: Hashable, Sendable, CustomStringConvertible {
    case key(String)
    case release(Int64)
    case store(String)
    case allMatchKeys
    case drift

    /// Wide scopes can remove thousands of keys: they need the user to type `confirmationPhrase`.
    public var isWide: Bool {
        switch self {
        case .key, .release: return false
        case .store, .allMatchKeys, .drift: return true
        }
    }

    /// What the user types to confirm a wide clear.
    public var confirmationPhrase: String {
        switch self {
        case .key(let key): return key
        case .release(let id): return String(id)
        case .store(let name): return name
        case .allMatchKeys: return "clear all"
        case .drift: return "clear drift"
        }
    }

    public var description: String {
        switch self {
        case .key(let key): return "key \(key)"
        case .release(let id): return "release \(id)"
        case .store(let name): return "store \(name)"
        case .allMatchKeys: return "every match:* key"
        case .drift: return "drifted keys"
        }
    }
}

/// How far a walk of the Redis keyspace got (a cache browse, or the dry run of a wide clear): each step of the
/// walk spends a fixed SCAN budget, so progress can be shown and the walk stopped between steps.
public struct CacheScanProgress: Equatable, Sendable {
    /// Keys examined so far (about, until complete).
    public var examined: Int
    /// The keyspace's size (`DBSIZE`).
    public var totalKeys: Int
    /// Keys of interest found so far.
    public var found: Int
    public var complete: Bool

    public init(examined: Int, totalKeys: Int, found: Int, complete: Bool) {
        self.examined = examined
        self.totalKeys = totalKeys
        self.found = found
        self.complete = complete
    }

    /// "scanned 120k of 2.1M keys · 14 match keys"
    public func summary(found noun: String = "match keys") -> String {
        let scanned = complete ? "scanned all \(DisplayFormat.count(totalKeys)) keys"
            : "scanned \(DisplayFormat.count(examined)) of \(DisplayFormat.count(totalKeys)) keys"
        return "\(scanned) · \(DisplayFormat.exact(found)) \(noun)"
    }
}

/// A dry run of a cache clear: how many keys would go, and a few of them.
public struct CacheClearPreview: Equatable, Sendable {
    public var scope: CacheClearScope
    public var keyCount: Int
    public var sample: [String]
    /// For the scopes that walk the keyspace (all, drift): how far the walk got; nil when none was needed.
    public var progress: CacheScanProgress?

    public init(scope: CacheClearScope, keyCount: Int, sample: [String], progress: CacheScanProgress? = nil) {
        self.scope = scope
        self.keyCount = keyCount
        self.sample = sample
        self.progress = progress
    }
}

/// `processing_queue.status`.
public enum QueueStatus: String, Equatable, Sendable, CaseIterable {
    case queued, processing, completed, failed
}

/// A row of the background queue.
public struct QueueJobRow: Equatable, Sendable, Identifiable {
    public var id: Int64
    public var store: String
    public var discogsID: Int64
    public var status: QueueStatus
    public var priority: Int
    public var retryCount: Int
    /// Seconds since queued (queued rows) or started (processing rows).
    public var ageSeconds: Int
    public var stuck: Bool
    public var errorMessage: String?

    public init(id: Int64, store: String, discogsID: Int64, status: QueueStatus, priority: Int = 0,
                retryCount: Int = 0, ageSeconds: Int = 0, stuck: Bool = false, errorMessage: String? = nil) {
        self.id = id
        self.store = store
        self.discogsID = discogsID
        self.status = status
        self.priority = priority
        self.retryCount = retryCount
        self.ageSeconds = ageSeconds
        self.stuck = stuck
        self.errorMessage = errorMessage
    }

    /// Failed or stuck: what the queue screen lists by default, shows in red, and lets you requeue.
    public var needsAttention: Bool { status == .failed || stuck }
}

/// Which queue rows the queue screen lists.
public enum QueueFilter: String, Equatable, Sendable, CaseIterable {
    case attention, queued, processing, failed

    public var title: String {
        switch self {
        case .attention: return "stuck + failed"
        case .queued: return "queued"
        case .processing: return "processing"
        case .failed: return "failed"
        }
    }

    public var next: QueueFilter {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}
