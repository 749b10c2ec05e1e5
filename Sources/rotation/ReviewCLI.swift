import ArgumentParser
import Foundation
import Matching
import Postgres
import Redis
import Rotation
import Terminal

/// What the review commands share: the reviewer's name, confirmation, output and exit codes.
enum ReviewCLI {
    static func service(_ servers: ServerOptions) throws -> MatchService {
        let settings = servers.settings
        let db = try servers.postgres()
        let redis = try TierConnections.openRedis(settings)
        if redis == nil { printError("rotation: REDIS_URL is not set; the cache is not updated") }
        // A track with no stored match is computed from its stored release body, as the worker would.
        let computer = StoredReleaseMatchComputer(connection: db, configuration: WorkerConfiguration(settings: settings))
        return MatchService(database: db, redis: redis, cacheTTL: settings.cacheTTL,
                            ttlJitterPercent: settings.cacheTTLJitterPercent, readOnly: settings.readOnly,
                            computer: computer)
    }

    /// `--reviewer`, else `ROTATION_REVIEWER`, else the database login, picked as libpq picks it (the user in the
    /// URL or conninfo, else `PGUSER`, else the account name): a reviewer may decide under no other name (0010).
    static func reviewer(_ option: String?, databaseURL: String?) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let databaseUser = databaseURL.flatMap { ConnectionString(parsing: $0)?.value("user") } ?? environment["PGUSER"]
        let candidates = [option, environment["ROTATION_REVIEWER"], databaseUser,
                          getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) },
                          getlogin().map { String(cString: $0) }, environment["USER"]]
        guard let name = candidates.compactMap({ $0?.trimmingCharacters(in: .whitespaces) }).first(where: { !$0.isEmpty }) else {
            throw ValidationError("no reviewer name: pass --reviewer or set ROTATION_REVIEWER")
        }
        return name
    }

    /// Explains the marker under text output that shows a confidence stored on the 0-100 scale.
    static func printScaleFootnote(_ scales: [ConfidenceScale]) {
        guard scales.contains(.percent) else { return }
        printLine("\(ConfidenceScale.percent.marker) \(ConfidenceScale.markerMeaning); \(ConfidenceScale.markerRemedy)")
    }

    /// Text from a server, made safe for a terminal.
    static func safe(_ text: String) -> String { TerminalText.sanitize(text) }

    static func columns(_ cells: [(String, Int)]) -> String {
        cells.map { TerminalText.fit(safe($0.0), toWidth: $0.1) }.joined(separator: " ")
    }

    /// Asks on a terminal; refuses off a terminal unless `--yes` (a script must say it means it). With `typed`,
    /// the user must type that word.
    static func confirm(_ question: String, typed: String? = nil, yes: Bool) throws {
        if yes { return }
        guard isatty(STDIN_FILENO) == 1 else {
            printError("rotation: refusing without --yes when standard input is not a terminal")
            throw ExitCode(1)
        }
        let prompt = typed.map { "\(question) Type \"\(safe($0))\" to confirm: " } ?? "\(question) [y/N] "
        printPrompt(prompt)
        let answer = readLine()?.trimmingCharacters(in: .whitespaces) ?? ""
        let accepted = typed.map { answer == $0 } ?? ["y", "yes"].contains(answer.lowercased())
        guard accepted else {
            printError("rotation: cancelled, nothing changed")
            throw ExitCode(1)
        }
    }

    static func report(_ outcome: ReviewOutcome, json: Bool) throws {
        if json { return try printJSON(outcome) }
        var line = "\(outcome.action.rawValue) by \(safe(outcome.reviewer))"
        if let key = outcome.key { line += " on \(key)" }
        if outcome.action.isBulk || (outcome.key == nil && outcome.action == .undo) {
            line += ": \(outcome.rowsAffected) row\(outcome.rowsAffected == 1 ? "" : "s")"
            if outcome.rowsSkipped > 0 { line += ", \(outcome.rowsSkipped) skipped (matched again since)" }
        }
        if let undoes = outcome.undoes { line += " (reverses decision #\(undoes))" }
        line += "; logged as #\(outcome.reviewID); cache \(outcome.cache.rawValue.replacingOccurrences(of: "_", with: " "))"
        printLine(line)
        if let after = outcome.after {
            printLine("now: \(safe(after.matchURL)) \(after.storedConfidence.formatted()) \(after.approved ? "approved" : "pending")"
                  + (after.updatedAt.map { " updated_at \(PostgresTimestamp.format($0))" } ?? ""))
        }
        ReviewCLI.printScaleFootnote([outcome.after?.confidenceScale].compactMap { $0 })
        if outcome.cache == .repairQueued { printError("rotation: Redis unreachable; the key will be repaired when it is back") }
        if outcome.resolvedAfterConnectionLoss { printError("rotation: the connection dropped during the commit; re-reading showed it committed") }
    }

    /// Runs a command body, turning failures into a message on standard error (or JSON) and an exit status.
    static func run(json: Bool, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            let code: Int32
            switch error {
            case ReviewError.conflict: code = 3
            case ReviewError.databaseUnavailable, is MatchReadError: code = 4
            case let error as PostgresError where error.isConnectionProblem: code = 4
            default: code = 1
            }
            if json {
                struct Failure: Encodable { let error: String; let conflict: ReviewConflict? }
                var conflict: ReviewConflict?
                if case ReviewError.conflict(let c) = error { conflict = c }
                try? printJSON(Failure(error: TierFailure.message(for: error), conflict: conflict))
            } else {
                printError("rotation: \(safe(TierFailure.message(for: error)))")
            }
            throw ExitCode(code)
        }
    }
}
