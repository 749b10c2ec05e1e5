/// Array parameters as Postgres array literals (`{1,2,3}`), bound as text and cast in SQL (`$1::bigint[]`):
/// still parameters, never interpolated into the statement.
enum PostgresArrayText {
    static func integers<T: BinaryInteger>(_ values: [T]) -> String {
        "{" + values.map { String($0) }.joined(separator: ",") + "}"
    }

    static func keys(_ keys: [TrackKey]) -> (releases: String, tracks: String) {
        (integers(keys.map(\.releaseID)), integers(keys.map(\.trackIndex)))
    }
}
