import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 that plays the Discogs API from the shared fixture files:
/// `/users/{store}/inventory?page=N` serves the store's recorded pages and `/releases/{id}` the recorded release
/// bodies (404 with Discogs' message for others). Faults and rate-limit headers are scripted per request.
final class SyncFixtureServer: @unchecked Sendable {
    /// A scripted answer for a path, used once.
    struct Fault {
        var status: Int
        var headers: [String: String] = [:]
        var body = "{\"message\": \"scripted failure\"}"
    }

    private let lock = NSLock()
    private var listener: Int32 = -1
    private(set) var port: UInt16 = 0
    private var faults: [String: [Fault]] = [:]
    private var requestLog: [(path: String, authorization: String?)] = []
    private var remaining = 60
    /// Inventory pages per store: page number -> file.
    var inventory: [String: [Int: URL]] = [:]
    var releasesDirectory: URL
    /// When set, every response carries this many remaining requests instead of a count-down.
    var fixedRemaining: Int?

    init(releasesDirectory: URL) throws {
        self.releasesDirectory = releasesDirectory
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { close(listener); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    func stop() {
        lock.lock(); let fd = listener; listener = -1; lock.unlock()
        if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    /// The next request for `path` (without query; for inventory, with `?page=N`) gets `fault`.
    func inject(_ fault: Fault, forPath path: String, times: Int = 1) {
        lock.lock(); faults[path, default: []] += Array(repeating: fault, count: times); lock.unlock()
    }

    var requests: [(path: String, authorization: String?)] { lock.lock(); defer { lock.unlock() }; return requestLog }

    private func acceptLoop() {
        while true {
            lock.lock(); let fd = listener; lock.unlock()
            guard fd >= 0 else { return }
            let client = accept(fd, nil, nil)
            if client < 0 { if errno == EINTR { continue }; return }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !data.containsHeaderEnd {
            let count = read(client, &buffer, buffer.count)
            if count <= 0 { return }
            data += buffer[0..<count]
        }
        let head = String(decoding: data, as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let target = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        var authorization: String?
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "authorization" {
                authorization = parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        let components = URLComponents(string: target)
        let path = components?.path ?? target
        let page = components?.queryItems?.first { $0.name == "page" }?.value
        let key = page.map { "\(path)?page=\($0)" } ?? path

        lock.lock()
        requestLog.append((key, authorization))
        let fault = faults[key]?.isEmpty == false ? faults[key]!.removeFirst() : nil
        remaining = max(0, remaining - 1)
        let left = fixedRemaining ?? remaining
        lock.unlock()

        var status = 200
        var headers = ["Content-Type": "application/json", "X-Discogs-Ratelimit": "60",
                       "X-Discogs-Ratelimit-Remaining": String(left), "X-Discogs-Ratelimit-Used": String(60 - left)]
        var body: Data
        if let fault {
            status = fault.status
            headers.merge(fault.headers) { $1 }
            body = Data(fault.body.utf8)
        } else if let id = path.wholeMatch(of: /\/releases\/(\d+)/)?.1,
                  let file = try? Data(contentsOf: releasesDirectory.appendingPathComponent("\(id).json")) {
            body = file
        } else if let store = path.wholeMatch(of: /\/users\/([^\/]+)\/inventory/)?.1,
                  let file = inventory[String(store).removingPercentEncoding ?? String(store)]?[Int(page ?? "1") ?? 1],
                  let contents = try? Data(contentsOf: file) {
            body = contents
        } else {
            status = 404
            body = Data((path.hasPrefix("/releases/") ? "{\"message\": \"Release not found.\"}" : "{\"message\": \"The requested resource was not found.\"}").utf8)
        }
        var response = "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Error")\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in headers { response += "\(name): \(value)\r\n" }
        response += "\r\n"
        let bytes = Array(response.utf8) + Array(body)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            if count <= 0 { return }
            sent += count
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate var containsHeaderEnd: Bool {
        guard count >= 4 else { return false }
        for i in 0...(count - 4) where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 {
            return true
        }
        return false
    }
}

/// Records the waits a client asks for instead of waiting.
final class RecordedSleeps: @unchecked Sendable {
    private let lock = NSLock()
    private var waits: [Double] = []
    var values: [Double] { lock.lock(); defer { lock.unlock() }; return waits }
    func record(_ seconds: Double) { lock.lock(); waits.append(seconds); lock.unlock() }
}
