import Foundation
import Synchronization

/// A connection URL kept in a file (`--database-url-file`, `DATABASE_URL_FILE`, and the Redis twins), so that it
/// never sits in a process's arguments, which every local user can read through `ps` and `/proc/PID/cmdline`.
///
/// The file (or a pipe) holds the URL alone; trailing line breaks and spaces are dropped. A file that other users
/// may read is still used (secret stores often mount them 0444) but earns a warning.
public struct ConnectionURLFile: Sendable, Equatable {
    /// The largest file taken: a URL is a few hundred bytes; anything this big is the wrong file.
    public static let maximumSize = 64 * 1024

    public let path: String
    public let url: String
    /// Set when group or other users may read the file.
    public let warning: String?

    private static let alreadyRead = Mutex<[String: ConnectionURLFile]>([:])

    /// The file at `path`, read once per process: a pipe can be read only once, and a URL does not change during
    /// a run.
    public static func read(path: String) throws -> ConnectionURLFile {
        try alreadyRead.withLock { alreadyRead in
            if let file = alreadyRead[path] { return file }
            let file = try ConnectionURLFile(path: path)
            alreadyRead[path] = file
            return file
        }
    }

    public init(path: String) throws {
        self.path = path
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw ConnectionURLFileError(path: path, reason: String(cString: strerror(errno)))
        }
        // A pipe too: `--database-url-file <(pass show db)` keeps the URL off the disk as well.
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFREG || kind == S_IFIFO else {
            throw ConnectionURLFileError(path: path, reason: "neither a regular file nor a pipe")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ConnectionURLFileError(path: path, reason: String(cString: strerror(errno)))
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: Self.maximumSize + 1)) ?? Data()
        guard data.count <= Self.maximumSize else {
            throw ConnectionURLFileError(path: path, reason: "larger than \(Self.maximumSize / 1024) KiB; it should hold one URL")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConnectionURLFileError(path: path, reason: "is not UTF-8 text")
        }
        var url = Substring(text)
        while let last = url.last, last.isWhitespace { url.removeLast() }
        guard !url.isEmpty else { throw ConnectionURLFileError(path: path, reason: "is empty") }
        guard !url.contains(where: \.isNewline) else {
            throw ConnectionURLFileError(path: path, reason: "holds more than one line; it should hold one URL")
        }
        self.url = String(url)
        let mode = status.st_mode & 0o777
        warning = kind != S_IFREG || mode & 0o044 == 0 ? nil
            : "\(path) is readable by other users (mode \(String(mode, radix: 8))); `chmod 600` it to keep the password private"
    }
}

/// Why a connection URL file cannot be used. Never quotes the file's content.
public struct ConnectionURLFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot use the URL file \(path): \(reason)" }
}
