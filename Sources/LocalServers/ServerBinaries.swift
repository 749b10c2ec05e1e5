import Foundation

/// Where the installed Postgres and Redis programs are, found without any configuration.
public struct ServerBinaries: Sendable {
    public var postgresBin: URL
    public var redisServer: URL
    public var redisCLI: URL

    public static func locate() throws -> ServerBinaries {
        guard let pgBin = postgresBinDirectory() else {
            throw LocalServerError.missingBinary(
                "Postgres server binaries (initdb, postgres) not found: install the 'postgresql' package")
        }
        guard let redis = which("redis-server") else {
            throw LocalServerError.missingBinary("redis-server not found: install the 'redis-server' package")
        }
        guard let cli = which("redis-cli") else {
            throw LocalServerError.missingBinary("redis-cli not found: install the 'redis-tools' package")
        }
        return ServerBinaries(postgresBin: pgBin, redisServer: redis, redisCLI: cli)
    }

    /// `pg_config --bindir` names the client's directory on Debian, so look for the server's own
    /// versioned directory first and fall back to whatever `initdb` is on the PATH.
    static func postgresBinDirectory() -> URL? {
        let fm = FileManager.default
        let debianRoot = "/usr/lib/postgresql"
        if let versions = try? fm.contentsOfDirectory(atPath: debianRoot) {
            let sorted = versions.compactMap { v -> (Int, String)? in Int(v).map { ($0, v) } }.sorted { $0.0 > $1.0 }
            for (_, v) in sorted {
                let dir = URL(fileURLWithPath: "\(debianRoot)/\(v)/bin")
                if fm.isExecutableFile(atPath: dir.appendingPathComponent("initdb").path),
                   fm.isExecutableFile(atPath: dir.appendingPathComponent("postgres").path) {
                    return dir
                }
            }
        }
        if let initdb = which("initdb") {
            let dir = initdb.resolvingSymlinksInPath().deletingLastPathComponent()
            if fm.isExecutableFile(atPath: dir.appendingPathComponent("postgres").path) { return dir }
        }
        return nil
    }

    static func which(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
            let candidate = URL(fileURLWithPath: dir).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}

/// Why the private servers could not be started or stopped.
public enum LocalServerError: Error, CustomStringConvertible {
    case missingBinary(String)
    case commandFailed(String, output: String)
    case notReady(String, log: String)

    public var description: String {
        switch self {
        case .missingBinary(let message): return message
        case .commandFailed(let command, let output): return "\(command) failed:\n\(output)"
        case .notReady(let server, let log):
            return "\(server) did not start accepting connections. Last lines of its log:\n\(log)"
        }
    }
}
