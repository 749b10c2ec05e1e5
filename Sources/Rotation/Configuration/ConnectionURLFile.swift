import Foundation

/// A connection URL kept in a file (`--database-url-file`, `DATABASE_URL_FILE`, and the Redis twins), so that it
/// never sits in a process's arguments, which every local user can read through `ps` and `/proc/PID/cmdline`.
///
/// The file holds the URL alone; trailing line breaks and spaces are dropped. A file that other users may read
/// is still used (secret stores often mount them 0444) but earns a warning.
public struct ConnectionURLFile: Sendable, Equatable {
    /// The largest file taken: a URL is a few hundred bytes; anything this big is the wrong file.
    public static let maximumSize = 64 * 1024

    public let path: String
    public let url: String
    /// Set when group or other users may read the file.
    public let warning: String?

    public init(path: String) throws {
        self.path = path
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw ConnectionURLFileError(path: path, reason: String(cString: strerror(errno)))
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw ConnectionURLFileError(path: path, reason: "not a regular file")
        }
        guard Int(status.st_size) <= Self.maximumSize else {
            throw ConnectionURLFileError(path: path, reason: "larger than \(Self.maximumSize / 1024) KiB; it should hold one URL")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConnectionURLFileError(path: path, reason: "cannot be read")
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
        warning = mode & 0o044 == 0 ? nil
            : "\(path) is readable by other users (mode \(String(mode, radix: 8))); `chmod 600` it to keep the password private"
    }
}

/// Why a connection URL file cannot be used. Never quotes the file's content.
public struct ConnectionURLFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot use the URL file \(path): \(reason)" }
}
