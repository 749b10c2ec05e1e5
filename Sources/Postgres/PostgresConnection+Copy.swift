import CLibpq
import Foundation

/// `COPY ... FROM STDIN`: bulk loads in one round of the protocol (the seeder and the worker's writes).
extension PostgresConnection {
    /// Streams rows into `COPY … FROM STDIN` (text format). `produce` calls `send` with each line's text,
    /// newline included. Returns the number of rows the server copied.
    @discardableResult
    public func copyIn(_ sql: String, _ produce: (_ send: (String) throws -> Void) throws -> Void) throws -> Int {
        lock.lock(); defer { lock.unlock() }
        let conn = try ensureConnected()
        guard let start = PQexec(conn, sql) else { throw connectionError(conn, fallback: "COPY failed") }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            throw error(from: start, connection: conn)
        }
        PQclear(start)
        var buffer = [UInt8]()
        buffer.reserveCapacity(1 << 16)
        func flush() throws {
            guard !buffer.isEmpty else { return }
            let status = buffer.withUnsafeBufferPointer {
                $0.withMemoryRebound(to: CChar.self) { PQputCopyData(conn, $0.baseAddress, Int32($0.count)) }
            }
            buffer.removeAll(keepingCapacity: true)
            if status != 1 { throw connectionError(conn, fallback: "COPY failed") }
        }
        do {
            try produce { line in
                buffer.append(contentsOf: line.utf8)
                if buffer.count >= 1 << 16 { try flush() }
            }
            try flush()
        } catch {
            _ = PQputCopyEnd(conn, "aborted by the client")
            while let result = PQgetResult(conn) { PQclear(result) }
            throw error
        }
        guard PQputCopyEnd(conn, nil) == 1 else { throw connectionError(conn, fallback: "COPY failed") }
        var copied = 0
        var failure: PostgresError?
        while let result = PQgetResult(conn) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                copied = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if failure == nil {
                failure = error(from: result, connection: conn)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        return copied
    }
}
