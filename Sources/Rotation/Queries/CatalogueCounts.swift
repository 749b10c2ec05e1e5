import Postgres

/// Whole-table counts a program needs before it starts (whether the demo's database already holds data).
public enum CatalogueCounts {
    public static func releases(on database: PostgresConnection) throws -> Int {
        try database.query("SELECT count(*) FROM releases").scalar(Int.self)
    }
}
