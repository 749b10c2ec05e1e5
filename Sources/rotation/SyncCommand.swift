import ArgumentParser
import Foundation
import Rotation
import Terminal

/// `rotation sync STORE`: the web app's inventory loader, from a terminal.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fetch a store's inventory from the Discogs API, import and queue new releases.",
        discussion: """
            Uses the store's own token when `rotation tokens add` stored one (OAuth, signed with \
            DISCOGS_CONSUMER_KEY and DISCOGS_CONSUMER_SECRET; sealed rows need ENCRYPTION_KEY), else \
            DISCOGS_USER_TOKEN (sent in a header, never printed), and DISCOGS_API_URL (default \
            https://api.discogs.com). Honours the rate-limit headers and backs off on 429 and 5xx. An interrupted \
            sync resumes at the page where it stopped (exit 2 when Discogs stays unreachable); --restart starts \
            over. A listing or release body that cannot be read or stored is reported with its URL, JSON path and \
            reason, and the rest is still imported. \(SkippedItemsExit.helpText)
            """)

    @OptionGroup var servers: ServerOptions

    @Argument(help: "The Discogs username of the store.")
    var store: String

    @Option(name: .customLong("api-url"), help: ArgumentHelp("Discogs API base URL (default: $DISCOGS_API_URL).", valueName: "url"))
    var apiURL: String?

    @Option(name: .customLong("per-page"), help: "Listings per inventory page (Discogs allows up to 100).")
    var perPage = 100

    @Flag(help: "Ignore an unfinished earlier sync and start from page 1.")
    var restart = false

    @Flag(name: .customLong("skip-release-bodies"), help: "Do not fetch release bodies (the worker fetches them later).")
    var skipReleaseBodies = false

    @Flag(name: .customLong("user-token"), help: "Use DISCOGS_USER_TOKEN even when the store has its own token in discogs_tokens.")
    var userToken = false

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func validate() throws {
        guard (1...100).contains(perPage) else { throw ValidationError("--per-page must be between 1 and 100") }
    }

    func run() throws {
        var settings = servers.settings
        if let apiURL { settings.discogsBaseURL = apiURL }
        var configuration = try DiscogsClientConfiguration(settings: settings)
        let connection = try servers.postgres()
        do {
            if !userToken {
                switch try StoreTokenAuthorization.apply(store: store, connection: connection, to: &configuration) {
                case .storeToken: printError("sync: using the Discogs token stored for \(TerminalText.sanitize(store))")
                case .tableNotReadable: printError("sync: this role may not read discogs_tokens; using DISCOGS_USER_TOKEN")
                case .noStoreToken: break
                }
            }
        } catch let error as TokenVaultError {
            printError("rotation: \(TerminalText.sanitize(error.description))")
            throw ExitCode(1)
        }
        let client = DiscogsClient(configuration: configuration)
        var sync = StoreSync(connection: connection, client: client)
        sync.perPage = perPage
        sync.fetchReleaseBodies = !skipReleaseBodies
        let report: StoreSyncReport
        do {
            report = try sync.run(store: store, restart: restart) { line in printError("sync: \(TerminalText.sanitize(line))") }
        } catch let error as DiscogsClientError {
            printError("rotation: \(TerminalText.sanitize(error.description)); run the same command again to resume")
            throw ExitCode(2)
        }
        if json {
            try printJSON(report)
        } else {
            printLine("\(TerminalText.sanitize(report.store)): \(report.pagesFetched) page(s) from page \(report.startedAtPage), "
                  + "\(report.listingsProcessed) listings, \(report.newReleasesFound) new releases, "
                  + "\(report.releaseBodiesFetched) release bodies fetched")
        }
        for issue in report.issues { printError("rotation: skipped \(TerminalText.sanitize(issue.description))") }
        try SkippedItemsExit.check(skipped: report.issues.count)
    }
}
