import ArgumentParser
import Foundation
import Postgres
import Rotation

/// Where the shared tiers are: the environment's DATABASE_URL and REDIS_URL unless overridden. A URL with a
/// password belongs in the environment or a file: arguments are visible to every local user (`ps`, /proc).
struct ServerOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: ArgumentHelp(
        "Postgres URL or conninfo (default: $DATABASE_URL). Other local users can read arguments through ps and /proc: pass one with a password by --database-url-file or the environment.",
        valueName: "url"))
    var databaseURL: String?

    @Option(name: .customLong("database-url-file"), help: ArgumentHelp(
        "A file holding the Postgres URL (default: $DATABASE_URL_FILE when DATABASE_URL is unset); keeps the password out of the process arguments. Mode 600 recommended.",
        valueName: "path"))
    var databaseURLFile: String?

    @Option(name: .customLong("redis-url"), help: ArgumentHelp(
        "Redis URL, or several nodes of a cluster comma-separated (default: $REDIS_URL). Visible to other local users through ps, like every argument: prefer --redis-url-file or the environment.",
        valueName: "url"))
    var redisURL: String?

    @Option(name: .customLong("redis-url-file"), help: ArgumentHelp(
        "A file holding the Redis URL (default: $REDIS_URL_FILE when REDIS_URL is unset).", valueName: "path"))
    var redisURLFile: String?

    @Flag(name: .customLong("read-only"), help: "Refuse every write; enforced by the servers.")
    var readOnly = false

    /// Reads the URL files once when the arguments are parsed, so a missing or unreadable file is a usage error
    /// before anything runs; warns about a file other users can read.
    func validate() throws {
        do {
            for warning in try resolve().warnings { printError("rotation: warning: \(warning)") }
        } catch let error as ConnectionURLFileError {
            throw ValidationError(error.description)
        }
    }

    private func resolve() throws -> (settings: RotationSettings, warnings: [String]) {
        var resolved = try RotationSettings.resolve(
            database: ConnectionURLChoice(flagValue: databaseURL, flagFile: databaseURLFile, flagName: "database-url"),
            redis: ConnectionURLChoice(flagValue: redisURL, flagFile: redisURLFile, flagName: "redis-url"))
        if readOnly { resolved.settings.readOnly = true }
        resolved.warnings += CacheAlertConfig.apply(to: &resolved.settings.cacheAlertThresholds,
                                                    environment: ProcessInfo.processInfo.environment)
        return resolved
    }

    /// The settings, URL files read; `validate()` has already reported a file that cannot be used.
    var settings: RotationSettings {
        (try? resolve().settings) ?? RotationSettings()
    }

    /// The primary. Every command reads the primary too, replica or not: a script that decides and then lists must
    /// see its own decision, and a command has no session across invocations to wait for the replica with.
    func postgres() throws -> PostgresConnection {
        guard settings.databaseURL != nil else {
            throw ValidationError("no database: set DATABASE_URL (or DATABASE_URL_FILE) or pass --database-url-file")
        }
        return try TierConnections.openPrimary(settings)
    }
}
