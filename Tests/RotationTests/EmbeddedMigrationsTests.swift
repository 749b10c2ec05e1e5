import Foundation
@testable import Rotation
import XCTest

/// The migrations built into the binary are exactly the files of migrations/: `.ci/embed-migrations` rewrites
/// them after a migration is added or changed, and this test fails until it has.
final class EmbeddedMigrationsTests: XCTestCase {
    func testEmbeddedMigrationsMatchTheFiles() throws {
        let files = try Migration.load(from: TestDatabase.migrationsDirectory)
        let embedded = try Migration.embedded()
        XCTAssertEqual(embedded.map(\.version), files.map(\.version),
                       "migrations/ and the embedded copy differ: run .ci/embed-migrations")
        for (built, file) in zip(embedded, files) {
            XCTAssertEqual(built.name, file.name)
            XCTAssertEqual(built.checksum, file.checksum,
                           "migration \(file.version) differs from its embedded copy: run .ci/embed-migrations")
        }
    }

    func testTheEmbeddedMigrationsAreUsedUnlessTheOperatorNamesADirectory() throws {
        XCTAssertEqual(try Migration.configured(environment: [:]), try Migration.embedded())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rotation-mig-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "SELECT 1;\n".write(to: directory.appendingPathComponent("0001_only.sql"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try Migration.configured(environment: ["ROTATION_MIGRATIONS": directory.path]).map(\.name), ["only"])
    }
}
