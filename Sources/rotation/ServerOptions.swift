import ArgumentParser
import Foundation
import Postgres
import Rotation

/// Where the shared tiers are: the environment's DATABASE_URL and REDIS_URL unless overridden.
struct ServerOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: ArgumentHelp("Postgres URL or conninfo (default: $DATABASE_URL).", valueName: "url"))
    var databaseURL: String?

    @Option(name: .customLong("redis-url"), help: ArgumentHelp("Redis URL (default: $REDIS_URL).", valueName: "url"))
    var redisURL: String?

    @Flag(name: .customLong("read-only"), help: "Refuse every write; enforced by the servers.")
    var readOnly = false

    var settings: RotationSettings {
        var settings = RotationSettings()
        if let databaseURL { settings.databaseURL = databaseURL }
        if let redisURL { settings.redisURL = redisURL }
        if readOnly { settings.readOnly = true }
        return settings
    }

    func postgres() throws -> PostgresConnection {
        guard let url = settings.databaseURL else {
            throw ValidationError("no database: set DATABASE_URL or pass --database-url")
        }
        return try PostgresConnection(PostgresConfiguration(url, readOnly: settings.readOnly))
    }
}
