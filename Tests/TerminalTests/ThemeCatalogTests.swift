import Foundation
import XCTest
@testable import Terminal

final class ThemeCatalogTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("rotation-themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ name: String, _ text: String) throws {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func testBuiltInThemesAreListedWithoutAUserDirectory() {
        let catalog = ThemeCatalog(userDirectory: nil)
        XCTAssertEqual(catalog.names, ["default", "light", "high-contrast", "monochrome", "colorblind"])
        XCTAssertEqual(catalog.problems, [])
        XCTAssertEqual(catalog.entries.first?.source, .builtin)
    }

    func testUserThemesAreAddedAndBrokenOnesReported() throws {
        try write("night.toml", "[theme]\nextends = \"default\"\n[title]\nfg = \"magenta\"\n")
        try write("broken.toml", "[theme]\nname = \"broken\"\n\n[title]\nfg = \"purpel\"\n")
        try write("notes.txt", "not a theme")
        let catalog = ThemeCatalog(userDirectory: directory.path)
        XCTAssertEqual(catalog.names, ["default", "light", "high-contrast", "monochrome", "colorblind", "night"])
        XCTAssertEqual(catalog.theme(named: "night")?.style(for: .title).foreground, .ansi(5))
        XCTAssertEqual(catalog.problems.count, 1)
        XCTAssertEqual(catalog.problems.first?.description,
                       directory.appendingPathComponent("broken.toml").path + ":5: unknown colour \"purpel\"")

        let (theme, problem) = catalog.select("broken")
        XCTAssertEqual(theme.name, "default")
        XCTAssertTrue(problem?.contains("broken.toml:5: unknown colour") ?? false, problem ?? "")
        let (unknown, unknownProblem) = catalog.select("nope")
        XCTAssertEqual(unknown.name, "default")
        XCTAssertTrue(unknownProblem?.hasPrefix("no theme named \"nope\"") ?? false)
        XCTAssertNil(catalog.select(nil).problem)
        XCTAssertEqual(catalog.select("light").theme.name, "light")
    }

    func testUserThemeReplacesBuiltInOfTheSameName() throws {
        try write("light.toml", "[text]\nfg = \"black\"\n")
        let catalog = ThemeCatalog(userDirectory: directory.path)
        XCTAssertEqual(catalog.theme(named: "light")?.style(for: .text).foreground, .ansi(0))
        XCTAssertEqual(catalog.entries.last?.source, .file(directory.appendingPathComponent("light.toml").path))
        XCTAssertEqual(catalog.names.filter { $0 == "light" }.count, 1)
    }

    func testUserDirectoryFollowsXDG() {
        XCTAssertEqual(ThemeCatalog.userDirectory(environment: ["XDG_CONFIG_HOME": "/cfg", "HOME": "/home/a"]),
                       "/cfg/rotation/themes")
        XCTAssertEqual(ThemeCatalog.userDirectory(environment: ["HOME": "/home/a"]), "/home/a/.config/rotation/themes")
        XCTAssertEqual(ThemeCatalog.userDirectory(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/h"]),
                       "/h/.config/rotation/themes")
        XCTAssertNil(ThemeCatalog.userDirectory(environment: [:]))
    }
}
