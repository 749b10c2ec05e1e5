import Foundation

/// Where each target's starting inputs come from, relative to the repository: the project's fixtures, and the
/// target's own folder `Tests/Fixtures/fuzz/<target>/` (hand-written seeds and every crash found, kept as
/// regression inputs; its `open/` subfolder holds findings not fixed yet, which are left out).
extension FuzzTarget {
    public struct Seed: Sendable {
        public let name: String
        public let bytes: [UInt8]
    }

    /// The target's regression folder.
    public var regressionFolder: String { "Tests/Fixtures/fuzz/\(rawValue)" }

    /// Every seed input, read from `repository`; a missing fixture folder gives no seeds from it.
    public func seeds(repository: URL) -> [Seed] {
        var seeds: [Seed] = []
        for folder in fixtureFolders + [regressionFolder] {
            seeds += Self.files(in: repository.appendingPathComponent(folder)).compactMap { file in
                (try? Data(contentsOf: file)).map { Seed(name: "\(folder)/\(file.lastPathComponent)", bytes: Array($0)) }
            }
        }
        if self == .cacheValue {
            // One cache value per line, as the web app wrote them.
            let file = "Tests/Fixtures/webapp/cache-values.txt"
            let text = (try? String(contentsOf: repository.appendingPathComponent(file), encoding: .utf8)) ?? ""
            for (index, line) in text.split(separator: "\n").enumerated() {
                seeds.append(Seed(name: "\(file):\(index + 1)", bytes: Array(line.utf8)))
            }
        }
        return seeds
    }

    private var fixtureFolders: [String] {
        switch self {
        case .discogsRelease: ["Tests/Fixtures/discogs/releases"]
        case .discogsInventory: ["Tests/Fixtures/discogs/inventory", "Tests/Fixtures/discogs/listings"]
        case .themeConfig: ["themes"]
        case .cacheValue, .terminalText, .redisURL, .postgresConninfo: []
        }
    }

    /// Regular files directly in `folder`, sorted by name.
    private static func files(in folder: URL) -> [URL] {
        let entries = (try? FileManager.default.contentsOfDirectory(
            at: folder, includingPropertiesForKeys: [.isRegularFileKey])) ?? []
        return entries.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
