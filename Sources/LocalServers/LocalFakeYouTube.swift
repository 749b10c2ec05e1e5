import Foundation

/// The repository's copy of the shared YouTube stand-in (`Tests/Fixtures/search/fake-youtube`, a python3 script) on a
/// free loopback port, over the corpus beside it, for the search tests of every target; stopped by `stop()`.
public final class LocalFakeYouTube: @unchecked Sendable {
    public struct Stats: Decodable, Equatable, Sendable {
        public var requests: Int
        public var quotaUsed: Int
    }

    public let process: Process
    /// `http://127.0.0.1:PORT`: the base URL to give as `YOUTUBE_API_URL`.
    public let url: URL
    private let directory: URL

    /// Starts the stand-in from `fixtures` (the folder holding `fake-youtube` and `corpus.json`), accepting only
    /// `key`; `quota` makes it answer `quotaExceeded` past that many units.
    public static func start(fixtures: URL, key: String, quota: Int? = nil) throws -> LocalFakeYouTube {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-youtube-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let portFile = directory.appendingPathComponent("port")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", fixtures.appendingPathComponent("fake-youtube").path,
                             "--corpus", fixtures.appendingPathComponent("corpus.json").path,
                             "--key", key, "--port-file", portFile.path, "--lifetime", "900"]
            + (quota.map { ["--quota", String($0)] } ?? [])
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The port file is written once the socket listens; wait for it (or for the process to die).
        while process.isRunning {
            if let text = try? String(contentsOf: portFile, encoding: .utf8),
               let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return LocalFakeYouTube(process: process, url: URL(string: "http://127.0.0.1:\(port)")!, directory: directory)
            }
            usleep(20_000)
        }
        try? FileManager.default.removeItem(at: directory)
        throw LocalServerError.notReady("fake-youtube", log: "it exited with status \(process.terminationStatus) before listening")
    }

    private init(process: Process, url: URL, directory: URL) {
        self.process = process
        self.url = url
        self.directory = directory
    }

    /// Requests served and quota units spent so far (`/_stats`, which does not count itself here).
    public func stats() throws -> Stats {
        var stats = try JSONDecoder().decode(Stats.self, from: Data(contentsOf: url.appendingPathComponent("_stats")))
        stats.requests = 0  // /_stats counts itself; the quota is what a cached or refused call must not move
        return stats
    }

    public func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: directory)
    }
}
