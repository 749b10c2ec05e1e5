import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Rotation

/// How a long command stops on SIGINT / SIGTERM: the signals no longer kill the process, they trip a
/// `StopSignal` that the work checks between batches (the worker between releases, a cache clear between UNLINK
/// batches), so it ends cleanly and reports what it did. `message` is printed once, on the first signal.
final class InterruptStop: @unchecked Sendable {
    let signal = StopSignal()
    private var sources: [any DispatchSourceSignal] = []

    init(message: String) {
        let stop = signal
        Glibc.signal(SIGINT, SIG_IGN)
        Glibc.signal(SIGTERM, SIG_IGN)
        sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if !stop.isStopRequested { printError(message) }
                stop.requestStop()
            }
            source.resume()
            return source
        }
    }

    /// Gives SIGINT and SIGTERM back their default meaning.
    func release() {
        sources.forEach { $0.cancel() }
        sources = []
        Glibc.signal(SIGINT, SIG_DFL)
        Glibc.signal(SIGTERM, SIG_DFL)
    }

    deinit { sources.forEach { $0.cancel() } }
}
