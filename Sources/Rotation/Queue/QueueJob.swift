import Foundation
import Postgres

/// One claimed `processing_queue` row: the release a worker must match, leased to it until `leaseExpiresAt`.
public struct QueueJob: Sendable, Equatable, Codable {
    public var id: Int64
    public var store: String
    public var discogsID: Int64
    /// Attempts that already failed (or whose worker died) before this one.
    public var retryCount: Int
    /// The row's own limit of attempts (`max_retries`), when it has one.
    public var maxRetries: Int?

    public init(id: Int64, store: String, discogsID: Int64, retryCount: Int, maxRetries: Int? = nil) {
        self.id = id; self.store = store; self.discogsID = discogsID; self.retryCount = retryCount
        self.maxRetries = maxRetries
    }

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        store = try row.decode("store_username")
        discogsID = try row.decode("discogs_id")
        retryCount = try row.decode("retry_count", as: Int?.self) ?? 0
        maxRetries = try row.decode("max_retries", as: Int?.self)
    }
}

