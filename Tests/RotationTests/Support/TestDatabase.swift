import Foundation
import LocalServers
import Postgres
import Rotation

/// Fresh, migrated databases for integration tests: each test gets its own, copied from a template that is
/// migrated once per process, so tests never see each other's rows.
enum TestDatabase {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var templateReady = false
    static let templateName = "rotation_test_template_\(getpid())"

    /// The repository's migrations directory, found from this file's path.
    static var migrationsDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["ROTATION_MIGRATIONS"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        var dir = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<6 {
            dir.deleteLastPathComponent()
            let candidate = dir.appendingPathComponent("migrations")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        fatalError("migrations/ not found above \(#filePath)")
    }

    /// The repository's copy of the shared Discogs fixtures.
    static var fixturesDirectory: URL {
        migrationsDirectory.deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/discogs")
    }

    /// A URL for a new database with the full schema, and a connection to it.
    static func fresh(migrated: Bool = true) throws -> (url: String, connection: PostgresConnection) {
        let baseURL = try TestEnvironment.postgresURL()
        // Databases are made on a direct connection: a pooler keeps server connections to the template open.
        let adminURL = try TestEnvironment.directPostgresURL()
        let admin = try PostgresConnection(url: adminURL)
        defer { admin.close() }
        let name = "rotation_test_\(UInt32.random(in: 0...UInt32.max))"
        if migrated {
            try prepareTemplate(admin: admin, baseURL: adminURL)
            try admin.query("CREATE DATABASE \(admin.quoteIdentifier(name)) TEMPLATE \(admin.quoteIdentifier(templateName))")
        } else {
            try admin.query("CREATE DATABASE \(admin.quoteIdentifier(name))")
        }
        let url = try replacingDatabase(in: baseURL, with: name)
        return (url, try PostgresConnection(url: url))
    }

    private static func prepareTemplate(admin: PostgresConnection, baseURL: String) throws {
        lock.lock(); defer { lock.unlock() }
        if templateReady { return }
        try admin.query("DROP DATABASE IF EXISTS \(admin.quoteIdentifier(templateName))")
        try admin.query("CREATE DATABASE \(admin.quoteIdentifier(templateName))")
        let template = try PostgresConnection(url: try replacingDatabase(in: baseURL, with: templateName))
        try MigrationRunner(connection: template, directory: migrationsDirectory).apply()
        template.close()
        templateReady = true
    }

    static func replacingDatabase(in url: String, with name: String) throws -> String {
        guard var components = URLComponents(string: url) else {
            throw PostgresError(.connectionFailed, message: "tests need DATABASE_URL in URL form")
        }
        components.path = "/" + name
        return components.string!
    }
}
