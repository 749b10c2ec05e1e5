import ArgumentParser

@main
struct RotationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotation",
        abstract: "Review and manage Rotation's track matches.",
        discussion: """
            Configuration comes from the environment (DATABASE_URL, REDIS_URL, DISCOGS_USER_TOKEN,
            AUDIO_MATCHING_BATCH_SIZE, BACKGROUND_PROCESSING_ENABLED); flags override it.
            Passwords in URLs are never printed.
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
        ],
        defaultSubcommand: ReviewConsoleCommand.self)
}
