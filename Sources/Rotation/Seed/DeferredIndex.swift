import Postgres

/// A secondary index dropped for a bulk load and built again after it, with the definition Postgres printed for it
/// (`pg_get_indexdef`), so it comes back exactly as its migration (or the web app) made it. Indexes behind a
/// constraint (primary keys, `UNIQUE`: the web app's contract) are never dropped. Drop and rebuild happen in the
/// loading transaction, so no other session ever sees the table without them.
struct DeferredIndex {
    let name: String
    let definition: String

    /// Drops the secondary indexes of `table` when the load brings more rows than the table holds (else building
    /// them again would cost more than inserting into them). None when the user may not drop them (not the owner).
    static func dropForLoad(of rows: Int, into table: String, on db: PostgresConnection) throws -> [DeferredIndex] {
        guard rows > 0 else { return [] }
        let existing = try db.query("SELECT count(*) FROM (SELECT 1 FROM \(db.quoteIdentifier(table)) LIMIT $1) x", rows)
            .scalar(Int.self)
        guard existing < rows else { return [] }
        let indexes = try db.query("""
            SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = to_regclass($1) AND i.indisvalid
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            ORDER BY c.relname
            """, table).rows.map {
            DeferredIndex(name: try $0.decode("name"), definition: try $0.decode("definition"))
        }
        var dropped: [DeferredIndex] = []
        for index in indexes {
            do {
                // A savepoint each, so a refusal leaves the load's transaction usable.
                _ = try db.transaction { try $0.query("DROP INDEX \($0.quoteIdentifier(index.name))") }
                dropped.append(index)
            } catch let error as PostgresError where error.kind == .insufficientPrivilege {
                continue
            }
        }
        return dropped
    }

    func recreate(on db: PostgresConnection) throws {
        try db.query(definition)
    }
}
