import CNcursesw
#if canImport(Glibc)
import Glibc
#endif

/// Gives the terminal back (`endwin`) however the process ends: normal exit (`atexit`), SIGINT, SIGTERM, SIGHUP,
/// SIGQUIT, and crashes (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT). After restoring, each handler puts
/// back the handler that was there before (the default, or Swift's backtracer) and lets the signal continue.
///
/// While curses is active, standard error goes to an unlinked temporary file, so stray messages (libpq notices,
/// a `fatalError` text) cannot scribble over the screen; its last 64 KiB are written to the real standard error
/// once the terminal is restored, sanitized line by line (they may quote server text), also on a crash (only
/// `read`, `write`, `dup2` and `lseek` there, with a byte-level filter in place of the sanitizer).
enum TerminalRestorer {
    static let handledSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT]

    /// Marks curses as active (or not). Called only from the UI thread. Deactivating restores standard error.
    static func setActive(_ active: Bool) {
        cursesIsActive = active
        if !active { releaseStandardError() }
    }

    /// Sends standard error to a hidden temporary file until curses ends (call before curses starts).
    static func captureStandardError() {
        guard savedStandardError < 0 else { return }
        var template = Array("/tmp/rotation-stderr-XXXXXX".utf8CString)
        let file = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard file >= 0 else { return }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let saved = dup(STDERR_FILENO)
        guard saved >= 0, dup2(file, STDERR_FILENO) >= 0 else {
            close(file)
            if saved >= 0 { close(saved) }
            return
        }
        if replayBuffer == nil { replayBuffer = .allocate(capacity: replayChunk) }
        capturedStandardError = file
        savedStandardError = saved
    }

    /// Captured standard error as it is replayed: each line through `TerminalText.sanitize`, newlines kept.
    static func sanitizedReplay(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { TerminalText.sanitize(String($0)) }.joined(separator: "\n")
    }

    /// Installs the handlers once (before ncurses starts, so ncurses leaves SIGINT/SIGTERM to us).
    static func installOnce() {
        guard !handlersInstalled else { return }
        handlersInstalled = true
        let saved = UnsafeMutablePointer<sigaction>.allocate(capacity: Int(signalSlotCount))
        saved.initialize(repeating: sigaction(), count: Int(signalSlotCount))
        previousSignalActions = saved
        for number in handledSignals where number < signalSlotCount {
            sigaction(number, nil, saved + Int(number))
            signal(number, restoreTerminalAndContinue)
        }
        atexit(restoreTerminalAtExit)
    }
}

// Signal handlers are plain C functions and cannot capture context, so the state they read is global. It is set
// on the UI thread only (before handlers can run for it), and the handler only reads it and calls endwin: the
// usual, if not strictly async-signal-safe, way curses programs clean up.
private let signalSlotCount: Int32 = 65
nonisolated(unsafe) private var cursesIsActive = false
nonisolated(unsafe) private var handlersInstalled = false
/// The handlers that were installed before ours, indexed by signal number (allocated once, never freed).
nonisolated(unsafe) private var previousSignalActions: UnsafeMutablePointer<sigaction>?

nonisolated(unsafe) private var capturedStandardError: Int32 = -1
nonisolated(unsafe) private var savedStandardError: Int32 = -1
nonisolated(unsafe) private var replayBuffer: UnsafeMutablePointer<UInt8>?
private let replayChunk = 4096
private let replayLimit = 65536

/// Points fd 2 back at the terminal and copies what was captured there, made safe: from the UI thread and at exit
/// each line goes through `TerminalText.sanitize`; in a signal handler (a crash, a kill) only async-signal-safe
/// calls are allowed, so `neutraliseControlBytes` stands in.
private func releaseStandardError(inSignalHandler: Bool = false) {
    guard savedStandardError >= 0 else { return }
    let captured = capturedStandardError
    dup2(savedStandardError, STDERR_FILENO)
    close(savedStandardError)
    savedStandardError = -1
    capturedStandardError = -1
    let size = lseek(captured, 0, SEEK_END)
    if size > 0, let buffer = replayBuffer, lseek(captured, max(0, size - off_t(replayLimit)), SEEK_SET) >= 0 {
        if inSignalHandler {
            while true {
                let count = read(captured, buffer, replayChunk)
                if count <= 0 { break }
                neutraliseControlBytes(buffer, count)
                _ = write(STDERR_FILENO, buffer, count)
            }
        } else {
            var bytes: [UInt8] = []
            while true {
                let count = read(captured, buffer, replayChunk)
                if count <= 0 { break }
                bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: count))
            }
            TerminalRestorer.sanitizedReplay(bytes).utf8CString.withUnsafeBufferPointer { text in
                var offset = 0
                let total = text.count - 1  // without the NUL
                while offset < total {
                    let written = write(STDERR_FILENO, text.baseAddress! + offset, total - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }
    close(captured)
}

/// The async-signal-safe stand-in for `TerminalText.sanitize` on captured bytes, in place: C0 controls other than
/// newline, DEL, and the UTF-8 forms of C1 controls (C2 80-9F) and of the bidi controls (U+061C, U+200E/F,
/// U+202A-202E, U+2066-2069) become `?` bytes, so an escape sequence cannot run.
func neutraliseControlBytes(_ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) {
    var i = 0
    while i < count {
        let byte = bytes[i]
        if (byte < 0x20 && byte != 0x0A) || byte == 0x7F {
            bytes[i] = 0x3F
        } else if byte == 0xC2, i + 1 < count, (0x80...0x9F).contains(bytes[i + 1]) {
            bytes[i] = 0x3F; bytes[i + 1] = 0x3F; i += 1
        } else if byte == 0xD8, i + 1 < count, bytes[i + 1] == 0x9C {
            bytes[i] = 0x3F; bytes[i + 1] = 0x3F; i += 1
        } else if byte == 0xE2, i + 2 < count {
            let second = bytes[i + 1], third = bytes[i + 2]
            if (second == 0x80 && (third == 0x8E || third == 0x8F || (0xAA...0xAE).contains(third)))
                || (second == 0x81 && (0xA6...0xA9).contains(third)) {
                bytes[i] = 0x3F; bytes[i + 1] = 0x3F; bytes[i + 2] = 0x3F; i += 2
            }
        }
        i += 1
    }
}

private func restoreTerminal(inSignalHandler: Bool) {
    if cursesIsActive {
        cursesIsActive = false
        endwin()
    }
    releaseStandardError(inSignalHandler: inSignalHandler)
}

private func restoreTerminalAtExit() {
    restoreTerminal(inSignalHandler: false)
}

private func restoreTerminalAndContinue(_ number: Int32) {
    restoreTerminal(inSignalHandler: true)
    if let saved = previousSignalActions, number < signalSlotCount {
        sigaction(number, saved + Int(number), nil)
    }
    switch number {
    case SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP:
        // Returning re-runs the faulting instruction, which now reaches the previous handler with its real context.
        return
    default:
        raise(number)
    }
}
