import Foundation
import Postgres
import Rotation

/// The deployed web app's shapes (Tests/Fixtures/webapp, see its README): databases in either shape, and the web
/// app's own statements to run against them.
enum DeployedSchema {
    /// The two shapes a database Rotation works on can have before its migrations ran.
    enum Shape: String, CaseIterable {
        /// Created by Rotation's migrations from nothing (the seed's first form of the web app's tables).
        case ours
        /// Created by the web app's migrations first, then adopted by Rotation's.
        case deployed
    }

    static var directory: URL {
        TestDatabase.migrationsDirectory.deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/webapp")
    }

    static func schemaSQL() throws -> String {
        try String(contentsOf: directory.appendingPathComponent("schema-deployed.sql"), encoding: .utf8)
    }

    /// The web app's writes, one statement per block, with the comment that names each.
    static func webAppWrites() throws -> [(name: String, sql: String)] {
        let text = try String(contentsOf: directory.appendingPathComponent("web-app-writes.sql"), encoding: .utf8)
        return text.components(separatedBy: "\n\n").compactMap { block in
            let lines = block.split(separator: "\n", omittingEmptySubsequences: true)
            let sql = lines.filter { !$0.hasPrefix("--") }.joined(separator: "\n")
            guard !sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
            let name = lines.first { $0.hasPrefix("-- ") }.map { String($0.dropFirst(3)) } ?? sql
            return (name, sql)
        }
    }

    /// A new database in `shape`, with Rotation's migrations applied when `migrated`.
    static func fresh(_ shape: Shape, migrated: Bool = true) throws -> (url: String, connection: PostgresConnection) {
        switch shape {
        case .ours where migrated:
            return try TestDatabase.fresh()
        case .ours:
            return try TestDatabase.fresh(migrated: false)
        case .deployed:
            let (url, db) = try TestDatabase.fresh(migrated: false)
            try db.executeScript(try schemaSQL())
            if migrated { try MigrationRunner(connection: db, directory: TestDatabase.migrationsDirectory).apply() }
            return (url, db)
        }
    }
}
