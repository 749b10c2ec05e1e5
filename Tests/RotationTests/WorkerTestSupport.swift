import Foundation
import LocalServers
import Matching
import Postgres
import Redis
import Rotation

/// Release bodies served from memory, with scripted failures, counting each request.
final class StubReleaseSource: ReleaseBodySource, @unchecked Sendable {
    private let lock = NSLock()
    private var bodies: [Int64: Data] = [:]
    private var failures: [Int64: DiscogsClientError] = [:]
    private var requested: [Int64] = []

    func serve(_ id: Int64, _ data: Data) { lock.lock(); bodies[id] = data; lock.unlock() }
    func fail(_ id: Int64, status: Int) {
        lock.lock()
        failures[id] = DiscogsClientError(kind: .http(status: status), resource: "/releases/\(id)", message: "scripted")
        lock.unlock()
    }
    var requests: [Int64] { lock.lock(); defer { lock.unlock() }; return requested }

    func releaseBody(id: Int64) throws -> Data {
        lock.lock(); defer { lock.unlock() }
        requested.append(id)
        if let failure = failures[id] { throw failure }
        guard let body = bodies[id] else {
            throw DiscogsClientError(kind: .http(status: 404), resource: "/releases/\(id)", message: "Release not found.")
        }
        return body
    }
}

enum WorkerFixtures {
    /// A worker with its own connection to `url`.
    static func worker(
        _ url: String, name: String = "test-worker", batch: Int = 5, queuePolicy: QueuePolicy = QueuePolicy(backoffBaseSeconds: 0),
        cache: MatchCacheWriter? = nil, source: (any ReleaseBodySource)? = nil, stop: StopSignal = StopSignal()
    ) throws -> ReleaseMatchingWorker {
        ReleaseMatchingWorker(
            id: name, connection: try PostgresConnection(url: url),
            configuration: WorkerConfiguration(batchSize: batch, queuePolicy: queuePolicy),
            cache: cache, bodySource: source, stop: stop)
    }

    /// Imports the 20 fixture releases for `store` (which queues them).
    static func importFixtureReleases(_ db: PostgresConnection, store: String = "fixture-store") throws {
        _ = try DiscogsImporter(connection: db).importReleases(
            files: try ImportFixtures.files(in: ImportFixtures.releasesDirectory), store: store)
    }

    /// Queues a release the way the web app does.
    static func enqueue(_ db: PostgresConnection, store: String, _ id: Int64, priority: Int = 0) throws {
        try db.query("""
            INSERT INTO processing_queue (store_username, discogs_id, priority) VALUES ($1, $2, $3)
            ON CONFLICT (store_username, discogs_id) DO NOTHING
            """, store, id, priority)
    }

    /// A connection to the test Redis. Tests only look at keys of the releases they matched themselves.
    static func redis() throws -> DetectingRedisClient {
        try DetectingRedisClient(url: try TestEnvironment.redisURL())
    }
}
