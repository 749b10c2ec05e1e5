import Foundation
import Postgres
import Rotation

/// A benchmark group's own database on the server of `DATABASE_URL`: created empty (one left by a killed run is
/// dropped first) and migrated unless asked not to, connected without a statement timeout (loads of millions of
/// rows), dropped at the end. The one home of that set-up for every group.
struct ScratchDatabase {
    let adminURL: String
    let name: String
    /// The scratch database's URL.
    let url: String
    /// A connection to it.
    let db: PostgresConnection

    init(adminURL: String, name: String, migrated: Bool = true) throws {
        self.adminURL = adminURL
        self.name = name
        let admin = try PostgresConnection(url: adminURL)
        defer { admin.close() }
        try admin.query("DROP DATABASE IF EXISTS \(admin.quoteIdentifier(name)) WITH (FORCE)")
        try admin.query("CREATE DATABASE \(admin.quoteIdentifier(name))")
        guard var components = URLComponents(string: adminURL) else {
            throw PostgresError(.connectionFailed, message: "the benchmarks need DATABASE_URL in URL form")
        }
        components.path = "/" + name
        url = components.string!
        db = try PostgresConnection(PostgresConfiguration(url, statementTimeout: nil))
        if migrated { try MigrationRunner(connection: db, directory: nil).apply() }
    }

    func drop() {
        db.close()
        if let admin = try? PostgresConnection(url: adminURL) {
            _ = try? admin.query("DROP DATABASE IF EXISTS \(admin.quoteIdentifier(name)) WITH (FORCE)")
            admin.close()
        }
    }
}
