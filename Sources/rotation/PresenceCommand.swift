import ArgumentParser
import Foundation
import Rotation

/// `rotation presence`: who has which release open in a console (presence leases in Redis), and holding one from a
/// script. Presence is never a lock: the review actions' guard still decides.
struct PresenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presence",
        abstract: "Who is reviewing which release (presence leases in Redis).",
        discussion: """
            A console holds a short-lived lease (rotation:presence:RELEASE, ROTATION_PRESENCE_TTL seconds, default \
            30) on the release it has open, renewed every third of that and deleted when it closes; a console that \
            dies leaves a lease that lapses by itself. Other consoles show "being reviewed by NAME" and their next \
            pending release skips it. Nothing is locked: anyone may still decide.
            """,
        subcommands: [List.self, Hold.self])

    /// The presence leases over REDIS_URL (one server or a cluster).
    static func presence(_ servers: ServerOptions) throws -> ReleasePresence {
        guard let redis = try TierConnections.openRedis(servers.settings) else {
            throw ValidationError("no cache: set REDIS_URL (or REDIS_URL_FILE) or pass --redis-url-file")
        }
        return ReleasePresence(redis: redis, settings: PresenceSettings(environment: ProcessInfo.processInfo.environment))
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Every release someone holds, with who and the seconds left.")

        @OptionGroup var servers: ServerOptions
        @Flag(help: "Print JSON: an array of {release_id, reviewer, session, seconds_left}.") var json = false

        func run() throws {
            let leases = try PresenceCommand.presence(servers).allLeases()
            if json { return try printJSON(leases) }
            guard !leases.isEmpty else { return printLine("Nobody holds a release") }
            printLine(ReviewCLI.columns([("RELEASE", 12), ("REVIEWER", 24), ("LEFT", 6)]))
            for lease in leases {
                printLine(ReviewCLI.columns([(String(lease.releaseID), 12), (lease.reviewer, 24),
                                             (lease.secondsLeft.map { "\($0)s" } ?? "-", 6)]))
            }
        }
    }

    struct Hold: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hold",
            abstract: "Hold a release's lease and renew it until interrupted (Ctrl-C or SIGTERM deletes it).")

        @OptionGroup var servers: ServerOptions
        @Argument(help: "The Discogs release id.") var release: Int64
        @Option(name: .customLong("as"), help: ArgumentHelp(
            "Who holds it (default: $ROTATION_REVIEWER, else your database login).", valueName: "name"))
        var name: String?

        func run() throws {
            guard !servers.settings.readOnly else { throw ValidationError("read-only: presence writes to Redis") }
            let presence = try PresenceCommand.presence(servers)
            let reviewer = try ReviewCLI.reviewer(name, databaseURL: servers.settings.databaseURL)
            let keeper = ReleaseLeaseKeeper(presence: presence, reviewer: reviewer)
            // The first take runs here, so a Redis that cannot be reached is an error rather than a silent wait.
            let holder = try presence.hold(release, reviewer: reviewer, session: keeper.session)
            if let holder, holder.session != keeper.session {
                printError("rotation: release \(release) is being reviewed by \(holder.reviewer); holding it once they leave")
            }
            InterruptStop.during("rotation: releasing the lease of release \(release)") { stop in
                keeper.open(release)
                printLine("Holding release \(release) as \(reviewer) (lease \(presence.settings.ttlSeconds)s, renewed " +
                          "every \(Int(presence.settings.renewInterval.rounded(.up)))s); Ctrl-C releases it")
                fflush(nil)  // a script reading the line through a pipe sees it now
                while !stop.isStopRequested { Thread.sleep(forTimeInterval: 0.2) }
                keeper.stop()
            }
        }
    }
}
