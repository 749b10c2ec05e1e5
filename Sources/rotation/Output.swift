import Foundation
import Terminal

// The CLI's printing, in one place. Every line it writes to standard output or standard error goes through
// `TerminalText.sanitize` (line by line, so text of several lines keeps its line breaks), and every `--json`
// document through `TerminalJSON` (DEL, C1 and bidi controls escaped as \uXXXX). Commands print only with these.

/// Writes text to standard output, each line sanitized.
func printLine(_ text: String, terminator: String = "\n") {
    print(safeLines(text), terminator: terminator)
}

/// Writes a line to standard error (progress, warnings, errors), sanitized, leaving standard output for results.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((safeLines(text) + "\n").utf8))
}

/// Prints a value as pretty JSON with sorted keys, for `--json`.
func printJSON<T: Encodable>(_ value: T) throws {
    print(try TerminalJSON.encode(value))
}

/// `text` with each line through `TerminalText.sanitize` (which would turn a newline into a space).
func safeLines(_ text: String) -> String {
    guard text.contains(where: \.isNewline) else { return TerminalText.sanitize(text) }
    return text.split(separator: "\n", omittingEmptySubsequences: false)
        .map { TerminalText.sanitize(String($0)) }.joined(separator: "\n")
}

/// Writes a question to standard error without ending the line (the answer is typed after it), sanitized.
func printPrompt(_ text: String) {
    FileHandle.standardError.write(Data(safeLines(text).utf8))
}

/// Redraws a progress line on standard error ("\r" + the line, sanitized), ending it when `finished`.
func printProgress(_ line: String, finished: Bool = false) {
    FileHandle.standardError.write(Data("\r\(safeLines(line))\(finished ? "\n" : "")".utf8))
}

/// A progress line on stderr: rewritten in place on a terminal, one line per update otherwise (a script or a test
/// reads them as they come).
final class ProgressLine {
    private let terminal = isatty(STDERR_FILENO) == 1
    private var open = false

    func show(_ text: String) {
        FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[K" + safeLines(text) : safeLines(text) + "\n").utf8))
        open = terminal
    }

    /// Ends a line left open on a terminal.
    func end() {
        if open { FileHandle.standardError.write(Data("\n".utf8)) }
        open = false
    }
}
