/// Which `track_matches` rows the matcher may write (migration 0007, table `matcher_owned_matches`).
///
/// A track is the matcher's while it has no row, or while its row is exactly as the matcher last left it: the
/// matcher records the row's `updated_at` each time it writes, and every other writer moves `updated_at` (the
/// trigger on `track_matches` sees to it, for the web app too). So a person's approve, replace, needs-review or
/// undo, the web app's approval or its engine's own match each take the row out of the matcher's hands for good:
/// re-running the matcher refreshes the candidates but never undoes a decision. A reject or clear deletes the row;
/// the track is the matcher's again, and a rejected URL is never proposed for it again.
public enum MatcherOwnership {
    /// SQL true when the row of `table` (a `track_matches` row, e.g. in `ON CONFLICT ... DO UPDATE ... WHERE`) is
    /// the matcher's to rewrite.
    public static func ownedCondition(table: String) -> String {
        """
        EXISTS (SELECT 1 FROM matcher_owned_matches o WHERE o.release_id = \(table).release_id
                AND o.track_index = \(table).track_index AND o.row_updated_at = \(table).updated_at)
        """
    }

    /// A data-modifying CTE (`owned AS (...)`) recording the rows of CTE `written` as the matcher left them.
    public static func recordWritten(from written: String) -> String {
        """
        owned AS (
          INSERT INTO matcher_owned_matches (release_id, track_index, row_updated_at)
          SELECT release_id, track_index, updated_at FROM \(written) WHERE updated_at IS NOT NULL
          ON CONFLICT (release_id, track_index) DO UPDATE SET row_updated_at = EXCLUDED.row_updated_at
        )
        """
    }
}
