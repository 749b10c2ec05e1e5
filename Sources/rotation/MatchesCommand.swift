import ArgumentParser
import Foundation
import Postgres
import Rotation

/// `rotation matches ...`: the review actions and the pending list, from a shell.
struct MatchesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matches",
        abstract: "List, show and review track matches.",
        discussion: """
            Every action is one logged Postgres transaction guarded by the row's updated_at (read just before, or \
            given with --expect-updated-at), then a cache write-through. Exit status: 0 done, 1 failed, 3 the row \
            changed meanwhile (the conflict names who and when), 4 Postgres unavailable (nothing changed).
            """,
        subcommands: [List.self, Show.self, Approve.self, Reject.self, Replace.self, NeedsReview.self, Clear.self, Undo.self,
                      NormalizeConfidence.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pending matches across stores, lowest confidence first.")
        @OptionGroup var servers: ServerOptions
        @Option(help: "Only this store.") var store: String?
        @Option(help: ArgumentHelp("Only this release.", valueName: "R")) var release: Int64?
        @Option(help: ArgumentHelp("Minimum confidence (0-1).", valueName: "C")) var min: Double?
        @Option(help: ArgumentHelp("Maximum confidence (0-1).", valueName: "C")) var max: Double?
        @Option(help: "youtube or soundcloud.") var platform: String?
        @Option(help: "Text in the release title, artist or URL.") var search: String?
        @Option(help: "Rows per page.") var limit = 50
        @Option(help: "Cursor printed by the previous page.") var after: String?
        @Flag(help: "Print machine-readable JSON.") var json = false

        func run() throws {
            try ReviewCLI.run(json: json) {
                let db = try servers.postgres()
                let filter = PendingFilter(store: store, releaseID: release, minConfidence: min, maxConfidence: max,
                                           platform: platform, search: search)
                let page = try ReviewQueries(database: db).pending(filter, after: after, limit: limit)
                if json { return try printJSON(page) }
                if page.items.isEmpty { printLine("No pending matches.") }
                for item in page.items {
                    let m = item.match
                    printLine(ReviewCLI.columns([
                        ("\(m.releaseID)/\(m.trackIndex)", 16), (m.storedConfidence.formatted(), 5), (m.platform, 10),
                        (item.store ?? "-", 14), ((item.artist.map { $0 + " - " } ?? "") + (item.releaseTitle ?? "?"), 34),
                        (m.matchURL, 60)]))
                }
                ReviewCLI.printScaleFootnote(page.items.map(\.match.confidenceScale))
                if let next = page.nextCursor { printLine("more: --after \(next)") }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One track's match, and which tier answered.")
        @OptionGroup var servers: ServerOptions
        @Argument(help: "Discogs release id.") var release: Int64
        @Argument(help: "Track index (0-based).") var track: Int
        @Flag(help: "Print machine-readable JSON.") var json = false

        func run() throws {
            try ReviewCLI.run(json: json) {
                let service = try ReviewCLI.service(servers)
                let lookup = try service.getOrComputeMatch(TrackKey(releaseID: release, trackIndex: track))
                // The command exits next: once the answer is printed, the lookup's count goes to the fleet's
                // counters (a failure is a note, never an error).
                defer {
                    if service.lookupCounters?.flush() == false, let problem = service.lookupCounters?.problem {
                        printError("rotation: note: \(ReviewCLI.safe(problem))")
                    }
                }
                if json { return try printJSON(lookup) }
                printLine("track      \(release)/\(track)  (answered by \(lookup.tier.rawValue)\(lookup.stale ? ", STALE: Postgres unreachable" : ""))")
                if let problem = lookup.cacheProblem { printLine("cache      \(ReviewCLI.safe(problem))") }
                guard let match = lookup.match else { return printLine("match      none (unmatched)") }
                printLine("match      \(ReviewCLI.safe(match.matchURL))")
                printLine("platform   \(ReviewCLI.safe(match.platform))")
                printLine("confidence \(match.storedConfidence.formatted(decimals: 3))"
                      + (match.confidenceScale == .percent
                         ? String(format: " (stored as %g on the web app's 0-100 scale)", match.storedConfidence.stored) : ""))
                printLine("status     \(match.approved ? "approved" : "pending review")")
                if let by = match.verifiedBy { printLine("verified   by \(ReviewCLI.safe(by))") }
                if let updated = lookup.row?.updatedAt { printLine("updated_at \(PostgresTimestamp.format(updated))") }
            }
        }
    }

    /// The arguments every single-track action shares.
    struct TrackAction: ParsableArguments {
        @OptionGroup var servers: ServerOptions
        @Argument(help: "Discogs release id.") var release: Int64
        @Argument(help: "Track index (0-based).") var track: Int
        @Option(help: "Who decides (default: $ROTATION_REVIEWER, else your database login).") var reviewer: String?
        @Option(name: .customLong("expect-updated-at"), help: "Refuse if the row's updated_at is not this (ISO-8601).")
        var expectUpdatedAt: String?
        @Flag(help: "Print machine-readable JSON.") var json = false

        var key: TrackKey { TrackKey(releaseID: release, trackIndex: track) }

        /// The guard: the given timestamp, else the row as it is read now.
        func seen(_ service: MatchService) throws -> ReviewGuard {
            if let expectUpdatedAt {
                guard let date = PostgresTimestamp.parse(expectUpdatedAt) else {
                    throw ValidationError("--expect-updated-at: not an ISO-8601 timestamp")
                }
                return .updatedAt(date)
            }
            return .seen(try service.row(key))
        }

        func perform(_ body: (ReviewActions, ReviewGuard, String) throws -> ReviewOutcome) throws {
            try ReviewCLI.run(json: json) {
                let service = try ReviewCLI.service(servers)
                let reviewer = try ReviewCLI.reviewer(reviewer, databaseURL: servers.settings.databaseURL)
                let outcome = try body(ReviewActions(service: service), try seen(service), reviewer)
                try ReviewCLI.report(outcome, json: json)
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve the stored match.")
        @OptionGroup var action: TrackAction
        func run() throws {
            try action.perform { actions, seen, reviewer in try actions.approve(action.key, seen: seen, reviewer: reviewer) }
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reject the stored match (its URL is never proposed again); --replace stores the right URL.")
        @OptionGroup var action: TrackAction
        @Option(help: ArgumentHelp("The right URL (YouTube or SoundCloud), stored approved.", valueName: "URL")) var replace: String?
        @Option(help: "Confidence of the replacement.") var confidence = 1.0
        func run() throws {
            try action.perform { actions, seen, reviewer in
                try actions.reject(action.key, seen: seen, reviewer: reviewer, replacement: replace, confidence: confidence)
            }
        }
    }

    struct Replace: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store URL as the approved match of the track.")
        @OptionGroup var action: TrackAction
        @Argument(help: "A YouTube or SoundCloud http(s) URL.") var url: String
        @Option(help: "Manual confidence (0-1).") var confidence = 1.0
        func run() throws {
            try action.perform { actions, seen, reviewer in
                try actions.replace(action.key, url: url, confidence: confidence, seen: seen, reviewer: reviewer)
            }
        }
    }

    struct NeedsReview: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "needs-review", abstract: "Mark the match as pending review again.")
        @OptionGroup var action: TrackAction
        func run() throws {
            try action.perform { actions, seen, reviewer in try actions.markNeedsReview(action.key, seen: seen, reviewer: reviewer) }
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete the track's match (undoable).")
        @OptionGroup var action: TrackAction
        @Flag(help: "Do not ask for confirmation.") var yes = false
        @Flag(name: .customLong("dry-run"), help: "Show what would be deleted, change nothing.") var dryRun = false
        func run() throws {
            if dryRun {
                return try ReviewCLI.run(json: action.json) {
                    let row = try ReviewCLI.service(action.servers).row(action.key)
                    if action.json { return try printJSON(BulkActionPlan(rows: row == nil ? 0 : 1, sample: row.map { [$0] } ?? [])) }
                    printLine(row.map { "would delete \(action.key): \(ReviewCLI.safe($0.matchURL))" } ?? "no match for \(action.key)")
                }
            }
            try ReviewCLI.confirm("Delete the match of \(action.key)?", yes: yes)
            try action.perform { actions, seen, reviewer in try actions.clear(action.key, seen: seen, reviewer: reviewer) }
        }
    }

    struct NormalizeConfidence: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "normalize-confidence",
            abstract: "Rewrite confidences stored on the web app's 0-100 scale in [0, 1] (admin; each row logged, undoable).",
            discussion: """
                Finds the rows whose confidence is above 1 (the web app's engine stores 87 for 0.87) and rewrites each \
                as one guarded, logged decision (normalize_confidence), then writes its cache key through. A row \
                someone changes meanwhile is a conflict: left alone, counted, and the run goes on. `matches undo` \
                restores one row at a time.
                """)
        @OptionGroup var servers: ServerOptions
        @OptionGroup var bulk: BulkActionOptions

        func run() throws {
            try bulk.run(
                servers, plan: { try $0.planNormalizeConfidences() },
                describe: { BulkActionOutput.printPlan($0, subject: "stored on the 0-100 scale", change: "rewritten in [0, 1]") },
                confirm: { plan, yes in
                    try ReviewCLI.confirm("Rewrite the confidence of \(plan.rows) match\(plan.rows == 1 ? "" : "es") in [0, 1]?", yes: yes)
                },
                act: { try $0.normalizeConfidences(reviewer: $1, progress: $2) },
                progress: { "normalized \($0)/\($1) rows" },
                report: { result in
                    if bulk.json { return try printJSON(result) }
                    printLine("normalize_confidence: \(result.rewritten) rewritten in [0, 1], \(result.conflicts.count) changed "
                          + "meanwhile (left alone), \(result.skipped) skipped (gone or already in [0, 1])")
                    for conflict in result.conflicts { printLine("  conflict: \(ReviewCLI.safe(conflict.message))") }
                    if result.cacheRepairsQueued > 0 {
                        printError("rotation: Redis unreachable; \(result.cacheRepairsQueued) keys will be repaired when it is back")
                    }
                })
        }
    }

    struct Undo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Undo your latest decision that is not undone yet (repeat for more).",
            discussion: """
                Undo acts on the decisions your own database login made. Naming another reviewer with --reviewer \
                needs the rotation_admin role; a reviewer is refused. --request-id makes a retry safe: the same id \
                again (after a lost connection, say) returns the first result and undoes nothing more.
                """)
        @OptionGroup var servers: ServerOptions
        @Option(help: "Whose decision (default: $ROTATION_REVIEWER, else your database login); another reviewer's needs rotation_admin.")
        var reviewer: String?
        @Option(help: "A UUID identifying this undo; repeating it with the same id undoes nothing more.")
        var requestID: String?
        @Flag(help: "Print machine-readable JSON.") var json = false
        func run() throws {
            let request = try requestID.map { text in
                guard let id = UUID(uuidString: text) else { throw ValidationError("--request-id must be a UUID") }
                return id
            } ?? UUID()
            try ReviewCLI.run(json: json) {
                let outcome = try ReviewActions(service: try ReviewCLI.service(servers))
                    .undo(reviewer: ReviewCLI.reviewer(reviewer, databaseURL: servers.settings.databaseURL), requestID: request)
                try ReviewCLI.report(outcome, json: json)
            }
        }
    }
}
