import Dispatch
import Foundation
import Rotation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How a long command stops on SIGINT / SIGTERM: while a guarded section runs, the signals do not kill the process,
/// they trip that section's `StopSignal`, which the work checks between batches (the worker between releases, a
/// cache clear between UNLINK batches), so it ends cleanly and reports what it did. Outside a guarded section (at a
/// confirmation prompt, say) a signal keeps its meaning: the process ends with 128 + the signal's number.
///
/// The handlers are installed once per process (libdispatch installs its own handler for a signal once, so the
/// sources are never cancelled and recreated); sections only swap the signal they trip.
enum InterruptStop {
    /// Runs `body` as a guarded section whose stop signal SIGINT / SIGTERM trip; `message` is printed once, on the
    /// first signal.
    static func during<Result>(_ message: String, _ body: (StopSignal) throws -> Result) rethrows -> Result {
        let signal = begin(message)
        defer { end() }
        return try body(signal)
    }

    /// Starts a guarded section and returns its stop signal; `end()` closes it.
    static func begin(_ message: String) -> StopSignal {
        let signal = StopSignal()
        Handlers.shared.guardSection(with: signal, message: message)
        return signal
    }

    static func end() { Handlers.shared.guardSection(with: nil, message: "") }

    private final class Handlers: Sendable {
        static let shared = Handlers()

        private struct Installed {
            var current: (signal: StopSignal, message: String)?
            var sources: [any DispatchSourceSignal] = []
        }

        private let installed = Mutex(Installed())

        func guardSection(with signal: StopSignal?, message: String) {
            installed.withLock { installed in
                installed.current = signal.map { ($0, message) }
                guard installed.sources.isEmpty else { return }
                installed.sources = [SIGINT, SIGTERM].map { number in
                    Glibc.signal(number, SIG_IGN)
                    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                    source.setEventHandler { [unowned self] in self.received(number) }
                    source.resume()
                    return source
                }
            }
        }

        private func received(_ number: Int32) {
            let section = installed.withLock { $0.current }
            guard let section else { exit(128 + number) }
            if !section.signal.isStopRequested { printError(section.message) }
            section.signal.requestStop()
        }
    }
}
