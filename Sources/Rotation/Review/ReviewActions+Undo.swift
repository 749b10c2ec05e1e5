import Foundation
import Postgres

/// Undo: reverses the reviewer's latest decision that is not undone yet, as a new logged decision. Repeated, it
/// walks back through older decisions (several levels). An undo is itself never undone by `undo`.
///
/// It runs in the database function `rotation_review_undo` (migration 0010): a login that is not an admin undoes
/// only the decisions it logged itself (`reviewer` must be its own login); an admin may name another reviewer.
/// `requestID` makes it idempotent: a call repeated with the same id (a retry after a lost connection) returns the
/// first outcome and reverses nothing more.
extension ReviewActions {
    @discardableResult
    public func undo(reviewer: String, requestID: UUID = UUID()) throws -> ReviewOutcome {
        if service.readOnly { throw ReviewError.readOnly }
        let result: PostgresRow
        do {
            result = try callUndo(reviewer: reviewer, requestID: requestID)
        } catch let error as PostgresError {
            guard error.kind == .connectionLost && !Self.serverTerminatedBeforeCommit(error) else {
                throw undoError(error, reviewer: reviewer)
            }
            // Whether it committed is unknown: the same request again either returns what was done or does it
            // now, never a second reversal.
            do {
                result = try callUndo(reviewer: reviewer, requestID: requestID)
            } catch let retryError as PostgresError {
                if retryError.isConnectionProblem {
                    throw ReviewError.outcomeUnknown("the connection was lost during the undo; run it again with the same request to find out")
                }
                throw undoError(retryError, reviewer: reviewer)
            }
        }
        return try outcome(ofUndo: result, requestedBy: reviewer)
    }

    private func callUndo(reviewer: String, requestID: UUID) throws -> PostgresRow {
        guard let row = try service.withDatabase({
            try $0.query("""
                SELECT status, review_id, logged_at, undoes, undone_action, release_id, track_index, row_before,
                       row_after, restored, skipped, replayed, reviewer
                FROM rotation_review_undo($1::text, $2::uuid)
                """, reviewer, requestID.uuidString)
        }).first else {
            throw PostgresError(.server, message: "the undo function returned no row")
        }
        return row
    }

    private func undoError(_ error: PostgresError, reviewer: String) -> Error {
        // Someone else (the same reviewer in another console) undid the same decision first.
        if error.kind == .uniqueViolation { return ReviewError.nothingToUndo(reviewer: reviewer) }
        return translate(error)
    }

    private func outcome(ofUndo result: PostgresRow, requestedBy reviewer: String) throws -> ReviewOutcome {
        let release = try result.decode("release_id", as: Int64?.self)
        let track = try result.decode("track_index", as: Int?.self)
        let key = release.flatMap { r in track.map { TrackKey(releaseID: r, trackIndex: $0) } }
        switch try result.decode("status", as: String.self) {
        case "nothing":
            throw ReviewError.nothingToUndo(reviewer: reviewer)
        case "conflict":
            guard let key else { throw ReviewError.nothingToUndo(reviewer: reviewer) }
            let current = try TrackMatch.fromJSON(result.decode("row_after", as: PostgresJSON?.self))
            throw ReviewError.conflict(try conflict(for: key, current: current))
        default:
            break
        }
        let undoneAction = ReviewAction(rawValue: try result.decode("undone_action", as: String?.self) ?? "") ?? .clear
        var outcome = ReviewOutcome(
            reviewID: try result.decode("review_id", as: Int64.self), action: .undo,
            reviewer: try result.decode("reviewer", as: String?.self) ?? reviewer, key: nil, before: nil, after: nil,
            loggedAt: try result.decode("logged_at", as: Date?.self), cache: .skipped, rowsAffected: 1, rowsSkipped: 0,
            undoes: try result.decode("undoes", as: Int64?.self),
            resolvedAfterConnectionLoss: try result.decode("replayed", as: Bool?.self) ?? false)
        if undoneAction.isBulk {
            let restored = try BulkRows.decode(result.decode("restored", as: PostgresJSON?.self))
            outcome.rowsAffected = restored.count
            outcome.rowsSkipped = try result.decode("skipped", as: Int?.self) ?? 0
            // A replayed undo's rows may have changed since: their keys are unlinked rather than written.
            outcome.cache = outcome.resolvedAfterConnectionLoss
                ? service.cacheWriter.unlink(restored.map(\.key)) : service.cacheWriter.writeValues(restored)
        } else if let key {
            outcome.key = key
            outcome.before = try TrackMatch.fromJSON(result.decode("row_before", as: PostgresJSON?.self))
            outcome.after = try TrackMatch.fromJSON(result.decode("row_after", as: PostgresJSON?.self))
            // A replayed undo may be old news: the cache gets the row as it is now.
            let current = outcome.resolvedAfterConnectionLoss ? try service.row(key) : outcome.after
            outcome.cache = service.cacheWriter.apply(key, row: current)
        }
        return outcome
    }
}
