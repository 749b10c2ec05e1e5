import ArgumentParser
import Foundation
import Matching
import Rotation
import Terminal

/// `rotation import inventory|release ...`: Discogs JSON files into the database.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import Discogs inventory pages or release bodies from files.",
        discussion: """
            Upserts releases, queues the ones new to the database (as the web app does, with the listing's release \
            object as release_data), keeps release bodies in discogs_release_bodies, adds the import to the store's \
            one cumulative store_sync_log row and records it in store_sync_runs. Importing the same files again \
            changes nothing. \(badItems)
            """,
        subcommands: [Inventory.self, Release.self])

    /// What happens to an item that cannot be imported, for every subcommand's help.
    static let badItems = """
        Each listing and release body is imported on its own: one that cannot be read or stored (invalid JSON or \
        UTF-8, a NUL character, a number out of range for its column, a field over \
        \(DiscogsDocumentLimits.describe(bytes: StorageRules.maxTextBytes)), a tracklist over \
        \(StorageRules.maxTracklistEntries) entries, a file over \
        \(DiscogsDocumentLimits.describe(bytes: DiscogsDocumentLimits.maxDocumentBytes)), nesting deeper than \
        \(DiscogsDocumentLimits.maxNestingDepth) levels) is reported on stderr with its file, JSON path and reason, \
        and everything else is still imported. \(SkippedItemsExit.helpText)
        """

    /// What both subcommands print.
    static func report(_ summary: ImportSummary, noun: String, json: Bool) throws {
        if json {
            try printJSON(summary)
        } else {
            let change = summary.change
            print("\(summary.filesRead) file\(summary.filesRead == 1 ? "" : "s"), \(summary.itemsProcessed) \(noun): "
                  + "\(change.newReleases) new releases, \(change.updatedReleases) updated, \(change.enqueued) queued")
            if !summary.storesLogged.isEmpty {
                print("logged in store_sync_log and store_sync_runs: \(summary.storesLogged.map(TerminalText.sanitize).joined(separator: ", "))")
            }
        }
        for issue in summary.issues {
            printError("rotation: skipped \(TerminalText.sanitize(issue.description))")
        }
        try SkippedItemsExit.check(skipped: summary.issues.count)
    }

    /// The files both subcommands read and the output they share.
    struct Files: ParsableArguments {
        @Flag(help: "Print machine-readable JSON.")
        var json = false

        @Argument(help: ArgumentHelp("Files or directories of *.json.", valueName: "file|dir"))
        var paths: [String]

        /// Imports the files with `load` and reports what it did.
        func run(_ servers: ServerOptions, noun: String,
                 _ load: (DiscogsImporter, [URL]) throws -> ImportSummary) throws {
            let files = try DiscogsImporter.jsonFiles(paths)
            try ImportCommand.report(load(DiscogsImporter(connection: try servers.postgres()), files), noun: noun, json: json)
        }
    }

    struct Inventory: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import GET /users/{username}/inventory pages (old and current schema) or single listings.",
            discussion: ImportCommand.badItems)

        @OptionGroup var servers: ServerOptions

        @Option(help: "The store of every listing (default: each listing's seller).")
        var store: String?

        @OptionGroup var files: Files

        func run() throws {
            try files.run(servers, noun: "listings") { try $0.importInventory(files: $1, store: store) }
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import GET /releases/{id} bodies for a store.", discussion: ImportCommand.badItems)

        @OptionGroup var servers: ServerOptions

        @Option(help: "The store that lists these releases.")
        var store: String

        @OptionGroup var files: Files

        func run() throws {
            try files.run(servers, noun: "releases") { try $0.importReleases(files: $1, store: store) }
        }
    }
}
