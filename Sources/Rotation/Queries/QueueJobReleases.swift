import Foundation
import Postgres

extension ProcessingQueue {
    /// The Discogs releases of the given `processing_queue` rows, each once, in no particular order: the console
    /// selects jobs by row id, and the queue's actions (`requeue`, `bump`) take a release. Ids of rows that no
    /// longer exist are left out.
    public func releases(ofJobs ids: [Int64]) throws -> [Int64] {
        try connection.query("SELECT DISTINCT discogs_id FROM processing_queue WHERE id = ANY($1::bigint[])",
                             ids).column("discogs_id", as: Int64.self)
    }
}
