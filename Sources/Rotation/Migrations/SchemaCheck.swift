import Foundation
import Postgres

/// Compares a database's live shapes (tables, columns and their types, unique keys, the `updated_at` trigger, the
/// web app's function, grants' prerequisites, row-level security) with what both the web app and Rotation need,
/// before anything runs: `rotation migrate --check`, the refusal of `rotation migrate`, and a line of
/// `rotation health`. The one home of that contract on the Rotation side.
public enum SchemaCheck {
    /// One difference between what is there and what is needed.
    public struct Difference: Codable, Sendable, Equatable, CustomStringConvertible {
        public enum Severity: String, Codable, Sendable {
            /// `rotation migrate` adds what is missing.
            case migrateFixes = "migrate-fixes"
            /// Needs a person (an administrator, or a decision): migrate cannot fix it, but it can run.
            case manual
            /// Migrate refuses to run: Rotation or the web app would fail on this shape.
            case incompatible
        }
        public var severity: Severity
        /// What differs, e.g. "processing_queue.release_data is missing".
        public var what: String
        /// What it would break.
        public var breaks: String

        public var description: String { "[\(severity.rawValue)] \(what): \(breaks)" }
    }

    public struct Report: Codable, Sendable, Equatable {
        public var differences: [Difference]
        public var incompatible: [Difference] { differences.filter { $0.severity == .incompatible } }
        public var compatible: Bool { incompatible.isEmpty }
        /// One line for `rotation health`.
        public var summary: String {
            if differences.isEmpty { return "matches both the web app and Rotation" }
            let counts = Dictionary(grouping: differences, by: \.severity).mapValues(\.count)
            return [(Difference.Severity.incompatible, "incompatible"), (.manual, "need an administrator"),
                    (.migrateFixes, "fixed by rotation migrate")]
                .compactMap { severity, label in counts[severity].map { "\($0) \(label)" } }
                .joined(separator: ", ") + " (rotation migrate --check)"
        }
    }

    enum Family: String { case integer, number, text, boolean, json, timestamp }
    enum Side: String { case webApp = "the web app", rotation = "Rotation", both = "both the web app and Rotation" }

    struct Column {
        var table: String, name: String, family: Family, neededBy: Side
        /// Added by one of our migrations when missing (ADD COLUMN IF NOT EXISTS).
        var migrationAdds: Bool
    }

    // The shared tables' columns each side reads or writes.
    static let columns: [Column] = {
        func cols(_ table: String, _ side: Side, adds: Bool, _ list: [(String, Family)]) -> [Column] {
            list.map { Column(table: table, name: $0.0, family: $0.1, neededBy: side, migrationAdds: adds) }
        }
        return cols("track_matches", .both, adds: false, [
            ("id", .integer), ("release_id", .integer), ("track_index", .integer), ("platform", .text),
            ("match_url", .text), ("confidence", .number), ("approved", .boolean), ("verified_by", .text),
            ("verified_at", .timestamp), ("created_at", .timestamp), ("updated_at", .timestamp)])
        + cols("releases", .both, adds: false, [
            ("id", .integer), ("discogs_id", .integer), ("store_username", .text), ("title", .text), ("artist", .text),
            ("year", .integer), ("label", .text), ("catno", .text), ("thumb", .text), ("genres", .json),
            ("styles", .json), ("tracklist", .json), ("images", .json), ("discogs_uri", .text),
            ("last_updated", .timestamp), ("has_audio_matches", .boolean), ("created_at", .timestamp)])
        + cols("releases", .webApp, adds: true, [
            ("discogs_resource_url", .text), ("price_value", .text), ("price_currency", .text), ("condition", .text),
            ("sleeve_condition", .text), ("comments", .text), ("audio_match_count", .integer)])
        + cols("processing_queue", .both, adds: false, [
            ("id", .integer), ("store_username", .text), ("discogs_id", .integer), ("status", .text),
            ("priority", .integer), ("queued_at", .timestamp), ("started_at", .timestamp),
            ("completed_at", .timestamp), ("retry_count", .integer), ("error_message", .text)])
        + cols("processing_queue", .webApp, adds: true, [("release_data", .json), ("max_retries", .integer)])
        + cols("processing_queue", .rotation, adds: true, [
            ("leased_by", .text), ("lease_expires_at", .timestamp), ("next_attempt_at", .timestamp)])
        + cols("store_sync_log", .both, adds: false, [
            ("id", .integer), ("store_username", .text), ("last_sync", .timestamp), ("listings_processed", .integer),
            ("new_releases_found", .integer), ("audio_matches_created", .integer)])
        + cols("store_sync_log", .webApp, adds: true, [
            ("last_discogs_check", .timestamp), ("cached_releases_served", .integer), ("cache_hit_rate", .number),
            ("processing_queue_size", .integer)])
        + cols("discogs_tokens", .webApp, adds: false, [
            ("id", .integer), ("username", .text), ("access_token", .text), ("access_secret", .text)])
    }()

    /// Unique keys each side's `ON CONFLICT` needs: table, columns in order, who needs it, added by migrate.
    static let uniqueKeys: [(table: String, columns: [String], neededBy: Side, migrationAdds: Bool)] = [
        ("track_matches", ["release_id", "track_index"], .both, false),
        ("releases", ["discogs_id"], .both, false),
        ("processing_queue", ["store_username", "discogs_id"], .both, false),
        ("store_sync_log", ["store_username"], .both, true),
    ]

    static let sharedTables = ["track_matches", "releases", "processing_queue", "store_sync_log", "discogs_tokens"]
    static let rotationRoles = ["rotation_readonly", "rotation_reviewer", "rotation_admin"]

    static func family(ofType type: String) -> Family? {
        switch type {
        case "integer", "bigint", "smallint": return .integer
        case "real", "double precision", "numeric": return .number
        case "text", "character varying": return .text
        case "boolean": return .boolean
        case "jsonb": return .json
        case "timestamp with time zone": return .timestamp
        default: return nil
        }
    }

    /// Reads the live shapes of the `public` schema and lists every difference.
    public static func run(on db: PostgresConnection) throws -> Report {
        var differences: [Difference] = []
        var live: [String: [String: (type: String, notNull: Bool, hasDefault: Bool)]] = [:]
        for row in try db.query("""
            SELECT table_name, column_name, data_type, is_nullable = 'NO' AS not_null, column_default IS NOT NULL AS has_default
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ANY($1::text[])
            """, sharedTables).rows {
            live[try row.decode("table_name"), default: [:]][try row.decode("column_name")] =
                (try row.decode("data_type"), try row.decode("not_null"), try row.decode("has_default"))
        }

        for table in sharedTables where live[table] == nil {
            differences.append(Difference(severity: .migrateFixes, what: "table \(table) does not exist",
                                          breaks: "everything that reads it; migrate creates it in the web app's shape"))
        }
        for column in columns {
            guard let columns = live[column.table] else { continue }
            let name = "\(column.table).\(column.name)"
            guard let found = columns[column.name] else {
                differences.append(Difference(
                    severity: column.migrationAdds ? .migrateFixes : .incompatible, what: "\(name) is missing",
                    breaks: "used by \(column.neededBy.rawValue)" + (column.migrationAdds ? "; migrate adds it" : "")))
                continue
            }
            if family(ofType: found.type) != column.family {
                differences.append(Difference(
                    severity: .incompatible, what: "\(name) is \(found.type), not \(column.family.rawValue)",
                    breaks: "used as \(column.family.rawValue) by \(column.neededBy.rawValue)"))
            }
        }
        // A NOT NULL column without a default that neither side writes makes every insert of ours fail.
        let known = Set(columns.map { "\($0.table).\($0.name)" })
        for (table, tableColumns) in live {
            for (name, shape) in tableColumns where shape.notNull && !shape.hasDefault && !known.contains("\(table).\(name)") {
                differences.append(Difference(
                    severity: .incompatible, what: "\(table).\(name) is NOT NULL without a default",
                    breaks: "Rotation does not know the column, so its inserts into \(table) would fail"))
            }
        }

        for key in uniqueKeys where live[key.table] != nil {
            let exists = try db.query("""
                SELECT EXISTS (
                  SELECT 1 FROM pg_index i
                  WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indpred IS NULL AND i.indisvalid
                    AND (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) = $2::text[])
                """, key.table, key.columns).scalar(Bool.self)
            guard !exists else { continue }
            differences.append(Difference(
                severity: key.migrationAdds ? .migrateFixes : .incompatible,
                what: "\(key.table) has no unique key on (\(key.columns.joined(separator: ", ")))",
                breaks: "the INSERT ... ON CONFLICT of \(key.neededBy.rawValue) fails"
                    + (key.migrationAdds ? "; migrate keeps one cumulative row per store and adds it" : "")))
        }

        if live["track_matches"] != nil {
            let touches = try db.query("""
                SELECT count(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                WHERE t.tgrelid = 'track_matches'::regclass AND NOT t.tgisinternal AND t.tgenabled <> 'D'
                  AND p.proname IN ('update_updated_at_column', 'rotation_touch_updated_at')
                """).scalar(Int.self)
            if touches == 0 {
                differences.append(Difference(
                    severity: .migrateFixes, what: "track_matches has no trigger maintaining updated_at",
                    breaks: "the web app's review UPDATE does not move updated_at, so a reviewer's guard misses its "
                        + "edit; migrate adds the trigger"))
            }
        }
        if try db.query("SELECT to_regprocedure('update_sync_stats(text, integer, integer, integer, integer)') IS NULL")
            .scalar(Bool.self) {
            differences.append(Difference(severity: .migrateFixes, what: "function update_sync_stats is missing",
                                          breaks: "the web app's sync statistics call fails; migrate creates it"))
        }
        differences += try rowLevelSecurity(on: db)
        return Report(differences: differences)
    }

    /// Tables with row-level security on and no policy that lets Rotation's roles in.
    static func rowLevelSecurity(on db: PostgresConnection) throws -> [Difference] {
        let rows = try db.query("""
            SELECT c.relname::text AS name,
                   pg_has_role(c.relowner, 'USAGE') AS owned,
                   EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.relname
                             AND (p.roles::text[] && $1::text[] OR 'public' = ANY(p.roles::text[]))) AS has_policy
            FROM pg_class c
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relrowsecurity
              AND c.relname = ANY($2::text[])
            ORDER BY 1
            """, rotationRoles, sharedTables).rows
        return try rows.compactMap { row in
            guard !(try row.decode("has_policy", as: Bool.self)) else { return nil }
            let name: String = try row.decode("name")
            let fixable: Bool = try row.decode("owned")
            return Difference(
                severity: fixable ? .migrateFixes : .manual,
                what: "row-level security is on for \(name) with no policy for Rotation's roles",
                breaks: "people logging in with rotation_* roles see no rows of \(name) and cannot write it; "
                    + (fixable ? "migrate adds the policy rotation_roles"
                               : "the table's owner must run: CREATE POLICY rotation_roles ON \(name) TO "
                                 + rotationRoles.joined(separator: ", ") + " USING (true) WITH CHECK (true)"))
        }
    }
}
