import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Running the installed server binaries: as the unprivileged server user when this process is root (Postgres
/// refuses to run as root), waiting until a server answers, stopping it, and finding free loopback ports.
extension LocalServers {
    func giveToServerUser(_ urls: URL...) throws {
        guard Self.runsAsRoot else { return }
        for url in urls {
            try run(URL(fileURLWithPath: "/bin/chown"), ["-R", "\(Self.unprivilegedUser):", url.path],
                    asServerUser: false)
        }
    }

    func command(_ executable: URL, _ arguments: [String], asServerUser: Bool) -> (URL, [String]) {
        guard asServerUser && Self.runsAsRoot else { return (executable, arguments) }
        // setpriv execs in place (no extra process), so the pid we hold is the server's own.
        return (URL(fileURLWithPath: "/usr/bin/setpriv"),
                ["--reuid=\(Self.unprivilegedUser)", "--regid=\(Self.unprivilegedUser)", "--clear-groups", "--",
                 executable.path] + arguments)
    }

    func launch(_ executable: URL, _ arguments: [String], log: URL, asServerUser: Bool) throws -> Process {
        let (exe, args) = command(executable, arguments, asServerUser: asServerUser)
        // Logs are for us alone, like everything in the directory.
        _ = FileManager.default.createFile(atPath: log.path, contents: nil, attributes: [.posixPermissions: 0o600])
        if Self.runsAsRoot && asServerUser { _ = chown(log.path, Self.serverUserID().uid, Self.serverUserID().gid) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = exe
        process.arguments = args
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        process.currentDirectoryURL = directory
        try process.run()
        return process
    }

    static func serverUserID() -> (uid: uid_t, gid: gid_t) {
        guard let pw = getpwnam(unprivilegedUser) else { return (0, 0) }
        return (pw.pointee.pw_uid, pw.pointee.pw_gid)
    }

    func run(_ executable: URL, _ arguments: [String], asServerUser: Bool) throws {
        let (exe, args) = command(executable, arguments, asServerUser: asServerUser)
        _ = try capture(exe, args)
    }

    @discardableResult
    func capture(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let (status, output) = try runToCompletion(executable, arguments, environment: environment, in: directory)
        guard status == 0 else {
            throw LocalServerError.commandFailed(executable.lastPathComponent, output: output)
        }
        return output
    }

    func succeeds(_ executable: URL, _ arguments: [String]) -> Bool {
        (try? capture(executable, arguments)) != nil
    }

    func waitUntilReady(_ name: String, process: Process, log: URL, probe: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if !process.isRunning { break }
            if probe() { return }
            usleep(50_000)
        }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let tail = text.split(separator: "\n").suffix(15).joined(separator: "\n")
        throw LocalServerError.notReady(name, log: tail)
    }

    static func terminate(_ process: Process, signal: Int32) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// A port the kernel just handed out for 127.0.0.1 and that nothing listens on now; the short race until a
    /// server binds it is acceptable for private servers and is retried by callers on failure. Tests use it for
    /// an address where nothing answers.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LocalServerError.commandFailed("socket()", output: String(cString: strerror(errno))) }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { ptr -> Bool in
                bind(fd, ptr, length) == 0 && getsockname(fd, ptr, &length) == 0
            }
        }
        guard bound else { throw LocalServerError.commandFailed("bind()", output: String(cString: strerror(errno))) }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func portIsFree(_ port: Int) -> Bool {
        guard port > 0 else { return false }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// Runs a command to its end with standard input closed, its standard output and error captured together; the
/// environment is this process's plus `environment` (passwords go there, never in the arguments).
func runToCompletion(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                     in directory: URL? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    if let directory { process.currentDirectoryURL = directory }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
}
