import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The repository's SoundCloud stand-in (`Tests/Fixtures/search/fake-soundcloud`, a python3 script: the client
/// credentials grant, `/tracks`, a revoke) on a free loopback port, for the search tests of every target; stopped by
/// `stop()`.
public final class LocalFakeSoundCloud: @unchecked Sendable {
    public let process = Process()
    /// `http://127.0.0.1:PORT`: the root to give as both `SOUNDCLOUD_API_URL` and `SOUNDCLOUD_AUTH_URL`.
    public let url: URL
    private let directory: URL

    /// Starts the stand-in from `fixtures` (the folder holding `fake-soundcloud`), accepting only `clientID` and
    /// `clientSecret`; its tokens expire after `expiresIn` seconds.
    public init(fixtures: URL, clientID: String, clientSecret: String, expiresIn: Int = 3_600) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-soundcloud-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let portFile = directory.appendingPathComponent("port")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", fixtures.appendingPathComponent("fake-soundcloud").path,
                             "--client-id", clientID, "--client-secret", clientSecret,
                             "--port-file", portFile.path, "--expires-in", String(expiresIn), "--lifetime", "600"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The port file is written once the socket listens; wait for it (or for the process to die).
        while process.isRunning {
            if let text = try? String(contentsOf: portFile, encoding: .utf8),
               let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                url = URL(string: "http://127.0.0.1:\(port)")!
                return
            }
            usleep(20_000)
        }
        try? FileManager.default.removeItem(at: directory)
        throw LocalServerError.notReady("fake-soundcloud", log: "it exited with status \(process.terminationStatus) before listening")
    }

    /// `token_requests`, `searches` and `unauthorized` so far (`/_stats`).
    public func stats() throws -> [String: Int] {
        try JSONDecoder().decode([String: Int].self, from: Data(contentsOf: url.appendingPathComponent("_stats")))
    }

    /// Forgets every token issued: the next search with one is answered 401.
    public func revokeTokens() throws {
        var request = URLRequest(url: url.appendingPathComponent("_revoke"))
        request.httpMethod = "POST"
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { _, _, _ in done.signal() }.resume()
        done.wait()
    }

    public func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: directory)
    }
}
