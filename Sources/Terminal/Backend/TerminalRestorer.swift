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
/// once the terminal is restored, also on a crash (only `read`, `write`, `dup2` and `lseek` there).
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

/// Points fd 2 back at the terminal and copies what was captured there (async-signal-safe calls only).
private func releaseStandardError() {
    guard savedStandardError >= 0 else { return }
    let captured = capturedStandardError
    dup2(savedStandardError, STDERR_FILENO)
    close(savedStandardError)
    savedStandardError = -1
    capturedStandardError = -1
    let size = lseek(captured, 0, SEEK_END)
    if size > 0, let buffer = replayBuffer, lseek(captured, max(0, size - off_t(replayLimit)), SEEK_SET) >= 0 {
        while true {
            let count = read(captured, buffer, replayChunk)
            if count <= 0 { break }
            _ = write(STDERR_FILENO, buffer, count)
        }
    }
    close(captured)
}

private func restoreTerminal() {
    if cursesIsActive {
        cursesIsActive = false
        endwin()
    }
    releaseStandardError()
}

private func restoreTerminalAtExit() {
    restoreTerminal()
}

private func restoreTerminalAndContinue(_ number: Int32) {
    restoreTerminal()
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
