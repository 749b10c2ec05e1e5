/// A grid of cells that views render into; `BufferDiff` compares two of them and a `TerminalBackend` draws the
/// difference. All text goes through `TerminalText`, so nothing drawn here can carry a control sequence.
public struct CellBuffer: Equatable, Sendable {
    public let size: TerminalSize
    public private(set) var cells: [Cell]

    public init(size: TerminalSize, fill: Cell = .blank) {
        self.size = size
        self.cells = Array(repeating: fill, count: size.columns * size.rows)
    }

    public init(columns: Int, rows: Int) {
        self.init(size: TerminalSize(columns: columns, rows: rows))
    }

    public var width: Int { size.columns }
    public var height: Int { size.rows }
    public var bounds: CellRect { CellRect(size: size) }

    public subscript(column: Int, row: Int) -> Cell {
        get { cells[row * size.columns + column] }
    }

    public func cell(at position: CellPosition) -> Cell? {
        guard contains(position) else { return nil }
        return cells[position.row * size.columns + position.column]
    }

    public func contains(_ position: CellPosition) -> Bool {
        position.column >= 0 && position.row >= 0 && position.column < size.columns && position.row < size.rows
    }

    // MARK: - Writing cells

    /// Sets one cell, repairing any wide character it cuts in half (the other half becomes a blank).
    public mutating func set(_ cell: Cell, column: Int, row: Int) {
        guard column >= 0, row >= 0, column < size.columns, row < size.rows else { return }
        let index = row * size.columns + column
        if cell.width == 1 && cells[index].width == 1 {
            cells[index] = cell  // the common case: narrow over narrow, nothing to repair
            return
        }
        if cell.width == 2 && column + 1 >= size.columns {
            // A wide character that does not fit at the right edge: show a blank instead of half of it.
            set(Cell(" ", width: 1, style: cell.style), column: column, row: row)
            return
        }
        let old = cells[index]
        if old.isContinuation, column > 0 {
            cells[index - 1] = Cell(" ", width: 1, style: cells[index - 1].style)
        }
        if old.width == 2, column + 1 < size.columns, cell.width != 2 {
            cells[index + 1] = Cell(" ", width: 1, style: cells[index + 1].style)
        }
        cells[index] = cell
        if cell.width == 2 {
            let nextIndex = index + 1
            if cells[nextIndex].width == 2, column + 2 < size.columns {
                cells[nextIndex + 1] = Cell(" ", width: 1, style: cells[nextIndex + 1].style)
            }
            cells[nextIndex] = .continuation(style: cell.style)
        }
    }

    /// Writes sanitized `text` at `position` in `style`, cut with an ellipsis to `maxWidth` (and to the right
    /// edge). Returns the number of columns used.
    @discardableResult
    public mutating func put(_ text: String, at position: CellPosition, style: CellStyle = .text,
                             maxWidth: Int? = nil) -> Int {
        guard position.row >= 0, position.row < size.rows, position.column < size.columns else { return 0 }
        var column = position.column
        var limit = size.columns - column
        if let maxWidth { limit = min(limit, maxWidth) }
        guard limit > 0 else { return 0 }
        if column < 0 { return 0 }
        if TerminalText.isPlainASCII(text, prefix: limit + 1) {
            // Fast path: printable ASCII needs no sanitizing and is one column per byte.
            let utf8 = text.utf8
            let cut = utf8.count > limit
            for byte in utf8.prefix(cut ? limit - 1 : limit) {
                set(Cell(asciiByte: byte, style: style), column: column, row: position.row)
                column += 1
            }
            if cut {
                set(Cell(TerminalText.ellipsis, style: style), column: column, row: position.row)
                column += 1
            }
            return column - position.column
        }
        for (character, width) in TerminalText.cells(text, maxWidth: limit) {
            set(Cell(character, width: UInt8(width), style: style), column: column, row: position.row)
            column += width
        }
        return column - position.column
    }

    /// Writes `text` into exactly `width` columns: cut with an ellipsis or padded with spaces in `style`.
    public mutating func put(_ text: String, at position: CellPosition, width: Int,
                             alignment: TerminalText.Alignment = .left, style: CellStyle = .text) {
        guard width > 0, position.row >= 0, position.row < size.rows else { return }
        let cells = TerminalText.cells(text, maxWidth: width)
        let used = cells.reduce(0) { $0 + $1.width }
        let padding = width - used
        let leading = alignment == .right ? padding : alignment == .center ? padding / 2 : 0
        let blank = Cell(" ", width: 1, style: style)
        var column = position.column
        for _ in 0..<leading { set(blank, column: column, row: position.row); column += 1 }
        for (character, characterWidth) in cells {
            set(Cell(character, width: UInt8(characterWidth), style: style), column: column, row: position.row)
            column += characterWidth
        }
        while column < position.column + width { set(blank, column: column, row: position.row); column += 1 }
    }

    /// Fills `rect` (clipped to the buffer) with `character` in `style`.
    public mutating func fill(_ rect: CellRect, character: Character = " ", style: CellStyle = .text) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        let cell = Cell(character, width: 1, style: style)
        for row in area.row..<area.maxRow {
            for column in area.column..<area.maxColumn { set(cell, column: column, row: row) }
        }
    }

    /// Clears the whole buffer to blanks in `style`.
    public mutating func clear(style: CellStyle = .text) {
        let blank = Cell(" ", width: 1, style: style)
        for index in cells.indices { cells[index] = blank }
    }

    /// Changes the style of every cell in `rect` and keeps the characters (for selection bars over text).
    public mutating func restyle(_ rect: CellRect, style: CellStyle) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for row in area.row..<area.maxRow {
            for column in area.column..<area.maxColumn { cells[row * size.columns + column].style = style }
        }
    }

    // MARK: - Lines, boxes, bars

    public mutating func horizontalLine(row: Int, column: Int, length: Int, style: CellStyle = CellStyle(.border)) {
        fill(CellRect(column: column, row: row, width: length, height: 1), character: "─", style: style)
    }

    public mutating func verticalLine(column: Int, row: Int, length: Int, style: CellStyle = CellStyle(.border)) {
        fill(CellRect(column: column, row: row, width: 1, height: length), character: "│", style: style)
    }

    /// Draws a single-line border around `rect` with an optional title in the top edge (" Title ").
    public mutating func box(_ rect: CellRect, style: CellStyle = CellStyle(.border), title: String? = nil,
                             titleStyle: CellStyle = CellStyle(.paneTitle)) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.maxColumn - 1, bottom = rect.maxRow - 1
        horizontalLine(row: rect.row, column: rect.column + 1, length: rect.width - 2, style: style)
        horizontalLine(row: bottom, column: rect.column + 1, length: rect.width - 2, style: style)
        verticalLine(column: rect.column, row: rect.row + 1, length: rect.height - 2, style: style)
        verticalLine(column: right, row: rect.row + 1, length: rect.height - 2, style: style)
        set(Cell("┌", style: style), column: rect.column, row: rect.row)
        set(Cell("┐", style: style), column: right, row: rect.row)
        set(Cell("└", style: style), column: rect.column, row: bottom)
        set(Cell("┘", style: style), column: right, row: bottom)
        if let title, rect.width > 4 {
            put(" " + TerminalText.truncate(title, toWidth: rect.width - 6) + " ",
                at: CellPosition(column: rect.column + 2, row: rect.row), style: titleStyle, maxWidth: rect.width - 4)
        }
    }

    /// A horizontal bar `fraction` (0...1) full, in eighths of a cell; the rest is `emptyCharacter`.
    public mutating func bar(at position: CellPosition, width: Int, fraction: Double, style: CellStyle,
                             emptyStyle: CellStyle = CellStyle(.textDim), emptyCharacter: Character = "·") {
        guard width > 0 else { return }
        let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let eighths = Int((clamped * Double(width * 8)).rounded())
        let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        for offset in 0..<width {
            let filled = eighths - offset * 8
            let cell: Cell
            if filled >= 8 { cell = Cell("█", style: style) }
            else if filled > 0 { cell = Cell(partials[filled - 1], style: style) }
            else { cell = Cell(emptyCharacter, style: emptyStyle) }
            set(cell, column: position.column + offset, row: position.row)
        }
    }

    /// A sparkline of `values` scaled to their maximum, one cell per value (the last `width` values).
    public mutating func sparkline(_ values: [Double], at position: CellPosition, width: Int,
                                   style: CellStyle = CellStyle(.sparkline)) {
        let shown = values.suffix(width)
        let top = shown.filter(\.isFinite).max() ?? 0
        for (offset, value) in shown.enumerated() {
            let fraction = top > 0 && value.isFinite ? max(0, value) / top : 0
            set(Cell(Self.sparklineCharacter(fraction), style: style), column: position.column + offset, row: position.row)
        }
    }

    /// The sparkline's block for a value in 0...1 of its scale (▁ to █): the one mapping, for the CLI's text too.
    public static func sparklineCharacter(_ fraction: Double) -> Character {
        let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let level = fraction.isFinite ? Int((max(0, fraction) * 7).rounded()) : 0
        return levels[min(7, level)]
    }

    // MARK: - Reading back (tests, goldens)

    /// The text of one row; continuation cells are skipped so a wide character appears once.
    public func text(row: Int) -> String {
        var line = ""
        for column in 0..<size.columns {
            let cell = cells[row * size.columns + column]
            if !cell.isContinuation { line.append(cell.character) }
        }
        return line
    }

    /// Every row as text, trailing spaces kept.
    public var lines: [String] { (0..<size.rows).map { text(row: $0) } }
}
