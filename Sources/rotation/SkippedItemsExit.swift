import ArgumentParser

/// The exit status of a run that finished but could not take some of its items: an import or sync that skipped a
/// file, listing or release body (each reported on stderr with its file, JSON path and reason), or a worker run in
/// which some jobs failed (recorded in the queue). Everything else was stored. Distinct from the other statuses
/// (1 the command failed, 2 a sync stopped early and can be resumed, 3 a conflict, 4 Postgres unavailable).
enum SkippedItemsExit {
    static let code: Int32 = 5
    static let helpText = "Exits \(code) when some items were skipped (each is reported on stderr) and the rest was stored."

    /// Throws the exit status when `skipped` is above zero.
    static func check(skipped: Int) throws {
        if skipped > 0 { throw ExitCode(code) }
    }
}
