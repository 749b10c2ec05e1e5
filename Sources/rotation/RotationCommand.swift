import ArgumentParser
import Foundation

@main
struct RotationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotation",
        abstract: "Review and manage Rotation's track matches.",
        discussion: """
            Configuration comes from the environment (DATABASE_URL; REDIS_URL, one server or any node(s) of a \
            cluster, comma-separated; DISCOGS_USER_TOKEN, \
            AUDIO_MATCHING_BATCH_SIZE, BACKGROUND_PROCESSING_ENABLED; for TLS REDIS_TLS_CA, \
            REDIS_TLS_CERT, REDIS_TLS_KEY; for the console DATABASE_READ_URL, a replica, and \
            DATABASE_LISTEN_URL, a direct connection when DATABASE_URL goes through a pooler); \
            flags override it. Passwords in URLs are never printed; the README lists every variable.
            """,
        subcommands: [
            ReviewConsoleCommand.self,
            DemoCommand.self,
            KeysCommand.self,
            MigrateCommand.self,
            HealthCommand.self,
            MatcherCommand.self,
            ImportCommand.self,
            SyncCommand.self,
            QueueCommand.self,
            WorkerCommand.self,
            SeedCommand.self,
            MatchesCommand.self,
            ReleasesCommand.self,
            StoresCommand.self,
            CacheCommand.self,
            SearchCommand.self,
            TokensCommand.self,
            StatsCommand.self,
            PresenceCommand.self,
        ],
        defaultSubcommand: ReviewConsoleCommand.self)

    /// ArgumentParser's `main()`, except that an error's message (which may quote a server, a file or an argument)
    /// is printed through `printError`, so it is sanitized like every other line. Help, usage and completion
    /// scripts are printed as ArgumentParser prints them, and the exit codes are ArgumentParser's.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if code == .success { print(message) } else { printError(message) }
            }
            Foundation.exit(code.rawValue)
        }
    }
}
