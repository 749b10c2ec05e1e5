/// Subsequence matching for the palette and the filter: every character of the query must appear in order.
/// Consecutive characters and word starts score higher, so "apr" ranks "Approve" above "Clear drift report".
public enum FuzzyMatcher {
    /// A score (higher is better) when `query` matches `text`, nil when it does not. Both are compared as given;
    /// callers lower-case them for a case-insensitive match.
    public static func score(_ query: String, in text: String) -> Int? {
        if query.isEmpty { return 0 }
        var score = 0
        var queryIterator = query.makeIterator()
        guard var wanted = queryIterator.next() else { return 0 }
        var previousMatched = false
        var previous: Character = " "
        var position = 0
        for character in text {
            defer { position += 1 }
            if character == wanted {
                // Matches that start early (at the title's first letters) rank first.
                if score == 0 { score += max(0, 10 - position) }
                score += 1
                if previousMatched { score += 3 }
                if previous == " " || previous == "_" || previous == "-" || previous == ":" { score += 5 }
                previousMatched = true
                guard let next = queryIterator.next() else { return score }
                wanted = next
            } else {
                previousMatched = false
            }
            previous = character
        }
        return nil
    }
}
