import ArgumentParser
import Foundation
import Rotation

/// `rotation stores list|clear`.
struct StoresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stores", abstract: "Stores and their review workload.", subcommands: [List.self, Clear.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stores with release, pending and unmatched counts.")
        @OptionGroup var servers: ServerOptions
        @Option(help: "Rows per page.") var limit = 50
        @Option(help: "Cursor printed by the previous page.") var after: String?
        @Flag(help: "Print machine-readable JSON.") var json = false

        func run() throws {
            try ReviewCLI.run(json: json) {
                let page = try ReviewQueries(database: try servers.postgres()).stores(after: after, limit: limit)
                if json { return try printJSON(page) }
                if page.items.isEmpty { printLine("No stores.") }
                else { printLine(ReviewCLI.columns([("STORE", 24), ("RELEASES", 9), ("TRACKS", 8), ("MATCHED", 8), ("PENDING", 8), ("UNMATCHED", 9)])) }
                for store in page.items {
                    printLine(ReviewCLI.columns([
                        (store.store, 24), (String(store.releaseCount), 9), (String(store.trackCount), 8),
                        (String(store.matchedCount), 8), (String(store.pendingCount), 8), (String(store.unmatchedCount), 9)]))
                }
                if let next = page.nextCursor { printLine("more: --after \(next)") }
            }
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete every match of a store's releases and unlink exactly their cache keys (undo restores them).")
        @OptionGroup var servers: ServerOptions
        @Argument(help: "Store (Discogs username).") var store: String
        @OptionGroup var clear: BulkActionOptions

        func run() throws {
            try clear.run(servers, what: "store \(store)",
                          plan: { try $0.planClearStore(store) },
                          confirm: { plan, yes in
                              try ReviewCLI.confirm("Delete \(plan.rows) matches of store \(ReviewCLI.safe(store))?", typed: store, yes: yes)
                          },
                          clear: { try $0.clearStore(store, reviewer: $1, progress: $2) })
        }
    }
}
