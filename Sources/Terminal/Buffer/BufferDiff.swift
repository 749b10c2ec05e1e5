/// A horizontal run of changed cells to draw, starting at `column` on `row`. It may include continuation cells,
/// which a backend skips (the lead cell of a wide character draws both columns).
public struct CellRun: Equatable, Sendable {
    public var row: Int
    public var column: Int
    public var cells: [Cell]

    public init(row: Int, column: Int, cells: [Cell]) {
        self.row = row
        self.column = column
        self.cells = cells
    }

    /// Cells a backend writes for this run (continuations ride along with their lead).
    public var writtenCellCount: Int { cells.reduce(0) { $0 + ($1.isContinuation ? 0 : 1) } }
}

/// Compares two buffers and returns only what changed.
public enum BufferDiff {
    /// The changed cells of `next` against `previous`, grouped into runs of adjacent cells. With no previous
    /// buffer, or one of another size, every cell is a change. A changed half of a wide character brings its
    /// lead cell along, so a run never starts on a continuation cell.
    public static func changes(from previous: CellBuffer?, to next: CellBuffer) -> [CellRun] {
        let columns = next.size.columns
        guard let previous, previous.size == next.size else {
            return (0..<next.size.rows).map { row in
                CellRun(row: row, column: 0, cells: Array(next.cells[(row * columns)..<((row + 1) * columns)]))
            }
        }
        var runs: [CellRun] = []
        next.cells.withUnsafeBufferPointer { new in
            previous.cells.withUnsafeBufferPointer { old in
                for row in 0..<next.size.rows {
                    let base = row * columns
                    var column = 0
                    while column < columns {
                        if new[base + column] == old[base + column] { column += 1; continue }
                        var start = column
                        if new[base + start].isContinuation && start > 0 { start -= 1 }
                        var stop = column + 1
                        while stop < columns && new[base + stop] != old[base + stop] { stop += 1 }
                        // Keep a wide lead's continuation with it.
                        if stop < columns && new[base + stop].isContinuation { stop += 1 }
                        if let last = runs.last, last.row == row, last.column + last.cells.count >= start {
                            // Overlaps the previous run (wide character repair): extend it.
                            let extra = Array(new[(base + last.column + last.cells.count)..<(base + stop)])
                            runs[runs.count - 1].cells.append(contentsOf: extra)
                        } else {
                            runs.append(CellRun(row: row, column: start, cells: Array(new[(base + start)..<(base + stop)])))
                        }
                        column = stop
                    }
                }
            }
        }
        return runs
    }

    /// Total cells a backend writes for `runs`.
    public static func writtenCellCount(_ runs: [CellRun]) -> Int {
        runs.reduce(0) { $0 + $1.writtenCellCount }
    }
}
