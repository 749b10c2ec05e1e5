#if canImport(Glibc)
import Glibc
#endif

/// Ends a backend's `readKey` wait early from any thread, so that work finished elsewhere (an answer from the
/// database) is shown at once instead of after the key timeout. A self-pipe: `wake` writes a byte, the waiting
/// read sees the pipe readable.
public struct TerminalWaker: Sendable {
    let writeEnd: Int32

    /// Safe from any thread; never blocks (a full pipe already means "wake up").
    public func wake() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }
}

/// The pipe behind a `TerminalWaker`, owned by the backend that waits on it.
final class WakePipe {
    let readEnd: Int32
    let writeEnd: Int32

    init?() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        readEnd = ends[0]
        writeEnd = ends[1]
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    var waker: TerminalWaker { TerminalWaker(writeEnd: writeEnd) }

    /// Empties the pipe so the next wait blocks again.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &buffer, buffer.count) > 0 {}
    }
}
