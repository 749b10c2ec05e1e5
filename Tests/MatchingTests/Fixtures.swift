import Foundation
import XCTest
@testable import Matching

/// Finds the shared Discogs fixtures: `ROTATION_FIXTURES` if set, else the first `Tests/Fixtures/discogs` (or
/// `Fixtures/discogs`) found walking up from this source file.
enum Fixtures {
    static func discogs(file: StaticString = #filePath) throws -> URL {
        let manager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["ROTATION_FIXTURES"], !override.isEmpty {
            let url = URL(fileURLWithPath: override)
            for candidate in [url, url.appendingPathComponent("discogs")]
            where manager.fileExists(atPath: candidate.appendingPathComponent("labels.json").path) {
                return candidate
            }
        }
        var directory = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
        while directory.path != "/" {
            for relative in ["Fixtures/discogs", "Tests/Fixtures/discogs"] {
                let candidate = directory.appendingPathComponent(relative)
                if manager.fileExists(atPath: candidate.appendingPathComponent("labels.json").path) { return candidate }
            }
            directory = directory.deletingLastPathComponent()
        }
        throw XCTSkip("Discogs fixtures not found; set ROTATION_FIXTURES")
    }

    static func files(_ folder: String) throws -> [URL] {
        let directory = try discogs().appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func release(_ id: Int) throws -> DiscogsRelease {
        let url = try discogs().appendingPathComponent("releases/\(id).json")
        return try DiscogsDecoding.decode(DiscogsRelease.self, contentsOf: url)
    }
}
