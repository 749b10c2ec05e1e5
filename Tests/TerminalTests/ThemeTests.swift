import Foundation
import XCTest
@testable import Terminal

final class ThemeTests: XCTestCase {
    private func themeFiles() throws -> [URL] {
        let directory = try XCTUnwrap(ThemesDirectory.locate(), "themes/ not found; set ROTATION_THEMES_DIR")
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "toml" }.sorted { $0.path < $1.path }
    }

    func testEveryThemeFileLoadsAndDefinesEveryRole() throws {
        let files = try themeFiles()
        XCTAssertEqual(Set(files.map { $0.deletingPathExtension().lastPathComponent }),
                       ["default", "light", "high-contrast", "monochrome", "colorblind"])
        for file in files {
            let name = file.deletingPathExtension().lastPathComponent
            let text = try String(contentsOf: file, encoding: .utf8)
            let theme = try ThemeLoader.load(text: text, file: "themes/\(file.lastPathComponent)")
            XCTAssertEqual(theme.name, name, "[theme] name should match the file name")
            XCTAssertEqual(theme.missingRoles, [], "\(name) leaves roles to fallback")
            XCTAssertFalse(theme.summary.isEmpty)
        }
    }

    func testEmbeddedThemesMatchTheFiles() throws {
        for file in try themeFiles() {
            let name = file.deletingPathExtension().lastPathComponent
            let text = try String(contentsOf: file, encoding: .utf8)
            XCTAssertEqual(BuiltinThemes.source(named: name), text,
                           "Theme/BuiltinThemes.swift is out of date for \(name).toml: copy the file into it")
        }
        XCTAssertEqual(BuiltinThemes.names.first, "default")
    }

    func testDefaultThemeValues() {
        let theme = Theme.fallback
        XCTAssertEqual(theme.name, "default")
        XCTAssertEqual(theme.style(for: .selection),
                       ThemeStyle(foreground: .indexed(231), background: .indexed(24), attributes: .bold))
        XCTAssertEqual(theme.style(for: .text), .plain)
    }

    func testMonochromeThemeUsesNoColours() throws {
        let theme = try XCTUnwrap(ThemeCatalog(userDirectory: nil).theme(named: "monochrome"))
        for role in ThemeRole.allCases {
            XCTAssertEqual(theme.style(for: role).foreground, .default)
            XCTAssertEqual(theme.style(for: role).background, .default)
        }
        XCTAssertEqual(theme.style(for: .selection).attributes, .reverse)
    }

    func testColorblindThemeAvoidsRedAndGreenForConfidence() throws {
        let theme = try XCTUnwrap(ThemeCatalog(userDirectory: nil).theme(named: "colorblind"))
        let redsAndGreens: Set<ThemeColor> = [.ansi(1), .ansi(2), .indexed(9), .indexed(10), .indexed(196),
                                              .indexed(203), .indexed(114), .indexed(46), .indexed(160), .indexed(28)]
        for role in [ThemeRole.confidenceHigh, .confidenceLow, .statusApproved, .statusRejected, .paneGood, .paneBad] {
            XCTAssertFalse(redsAndGreens.contains(theme.style(for: role).foreground), role.rawValue)
        }
    }

    func testBrokenThemeReportsFileAndLine() {
        let text = """
        [theme]
        name = "broken"

        [title]
        fg = "purpel"
        """
        XCTAssertThrowsError(try ThemeLoader.load(text: text, file: "themes/foo.toml")) { error in
            XCTAssertEqual((error as? ThemeError)?.description, "themes/foo.toml:5: unknown colour \"purpel\"")
        }
        let cases: [(String, String)] = [
            ("[tittle]\nfg = \"red\"", "x.toml:1: unknown role \"tittle\""),
            ("[title]\nfg = 300", "x.toml:2: colour index 300 is outside 0-255"),
            ("[title]\nattrs = [\"blink\"]", "x.toml:2: unknown attribute \"blink\" (expected bold, dim, underline, reverse, italic)"),
            ("[title]\ncolour = \"red\"", "x.toml:2: unknown key \"colour\" in [title] (expected fg, bg, attrs)"),
            ("[title]\nfg = \"red", "x.toml:2: Error while parsing string: encountered end-of-file"),
            ("\n\n[title\n", "x.toml:3: Error while parsing table header: expected ']', saw '\\n'"),
            ("[title]\nfg = \"red\"\n[title]", "x.toml:3: Error while parsing table header: cannot redefine existing table 'title'"),
            ("fg = \"red\"", "x.toml:1: \"fg\" must be inside a table such as [theme] or [text]"),
            ("[title]\nfg = true", "x.toml:2: fg must be a colour name or a number 0-255, not a boolean"),
            ("[theme]\nextends = \"nope\"", "x.toml:2: unknown built-in theme \"nope\" to extend"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try ThemeLoader.load(text: text, file: "x.toml"), expected) { error in
                XCTAssertEqual((error as? ThemeError)?.description, expected)
            }
        }
    }

    func testCRLFThemeFilesLoadLikeLF() throws {
        for name in BuiltinThemes.names {
            let text = try XCTUnwrap(BuiltinThemes.source(named: name))
            let crlf = text.replacingOccurrences(of: "\n", with: "\r\n")
            XCTAssertEqual(try ThemeLoader.load(text: crlf, file: "\(name).toml"),
                           try ThemeLoader.load(text: text, file: "\(name).toml"), name)
        }
        let broken = "[theme]\r\nname = \"crlf\"\r\n\r\n[title]\r\nfg = \"purpel\"\r\n"
        XCTAssertThrowsError(try ThemeLoader.load(text: broken, file: "w.toml")) { error in
            XCTAssertEqual((error as? ThemeError)?.description, "w.toml:5: unknown colour \"purpel\"")
        }
    }

    func testDottedRolesAnyWayTOMLWritesThem() throws {
        let theme = try ThemeLoader.load(text: """
            [text]
            fg = "white"
            dim.fg = 245
            [confidence]
            low = { fg = "red" }
            [confidence.high]
            fg = "green"
            """, file: "dotted.toml", name: "dotted")
        XCTAssertEqual(theme.styles[.text]?.foreground, .ansi(7))
        XCTAssertEqual(theme.styles[.textDim]?.foreground, .indexed(245))
        XCTAssertEqual(theme.styles[.confidenceLow]?.foreground, .ansi(1))
        XCTAssertEqual(theme.styles[.confidenceHigh]?.foreground, .ansi(2))
        let cases: [(String, String)] = [
            ("[confidence]\nfg = 1", "x.toml:1: unknown role \"confidence\""),
            ("[confidence]", "x.toml:1: unknown role \"confidence\""),
            ("\n[confidence.lo]\nfg = 1", "x.toml:2: unknown role \"confidence.lo\""),
            ("[text]\ndim.fg = \"nope\"", "x.toml:2: unknown colour \"nope\""),
            ("[title]\nfg = { x = 1 }", "x.toml:2: fg must be a colour name or a number 0-255, not a table"),
            ("[title]\nattrs = [\"bold\", 1]", "x.toml:2: attrs must be an array of strings like [\"bold\"]"),
            ("[theme]\nname = \"x\"\n[theme.more]\na = 1", "x.toml:3: unknown key \"more\" in [theme] (expected name, description, extends)"),
            ("[\"ti\\u0007tle\"]\nfg = 1", "x.toml:1: unknown role \"ti\u{FFFD}tle\""),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try ThemeLoader.load(text: text, file: "x.toml"), expected) { error in
                XCTAssertEqual((error as? ThemeError)?.description, expected)
            }
        }
    }

    func testMissingRolesFallBackToParentsThenPlain() throws {
        let theme = try ThemeLoader.load(text: """
            [text]
            fg = "white"
            [selection]
            bg = "blue"
            """, file: "partial.toml", name: "partial")
        XCTAssertEqual(theme.style(for: .confidenceLow).foreground, .ansi(7))       // -> text
        XCTAssertEqual(theme.style(for: .selectionUnfocused).background, .ansi(4))  // -> selection
        XCTAssertEqual(theme.style(for: .helpKey).foreground, .ansi(7))             // -> status.key -> status.bar -> text
        XCTAssertEqual(Theme(name: "empty", styles: [:]).style(for: .dialogDanger), .plain)
        XCTAssertEqual(theme.missingRoles.count, ThemeRole.allCases.count - 2)
    }

    func testEveryRoleChainEndsAtText() {
        for role in ThemeRole.allCases {
            var current: ThemeRole? = role
            var steps = 0
            while let next = current?.parent { current = next; steps += 1; XCTAssertLessThan(steps, 10) }
            XCTAssertEqual(current, .text, role.rawValue)
        }
    }

    func testExtendsStartsFromABuiltInTheme() throws {
        let theme = try ThemeLoader.load(text: """
            [theme]
            extends = "default"
            [confidence.low]
            fg = "#ff8700"
            attrs = ["underline", "bold"]
            """, file: "mine.toml", name: "mine")
        XCTAssertEqual(theme.style(for: .confidenceLow),
                       ThemeStyle(foreground: .indexed(208), attributes: [.bold, .underline]))
        XCTAssertEqual(theme.style(for: .selection), Theme.fallback.style(for: .selection))
        XCTAssertEqual(theme.missingRoles, [])
    }

    func testColourNames() {
        XCTAssertEqual(ThemeColor(name: "default"), .default)
        XCTAssertEqual(ThemeColor(name: "Red"), .ansi(1))
        XCTAssertEqual(ThemeColor(name: "bright-blue"), .indexed(12))
        XCTAssertEqual(ThemeColor(name: "208"), .indexed(208))
        XCTAssertEqual(ThemeColor(name: "#000000"), .indexed(16))
        XCTAssertEqual(ThemeColor(name: "#ffffff"), .indexed(231))
        XCTAssertNil(ThemeColor(name: "purpel"))
        XCTAssertNil(ThemeColor(name: "256"))
    }

    func testDegradationToEightColours() {
        XCTAssertEqual(ThemeColor.indexed(196).degradedToEight, .ansi(1))  // bright red
        XCTAssertEqual(ThemeColor.indexed(46).degradedToEight, .ansi(2))   // green
        XCTAssertEqual(ThemeColor.indexed(21).degradedToEight, .ansi(4))   // blue
        XCTAssertEqual(ThemeColor.indexed(226).degradedToEight, .ansi(3))  // yellow
        XCTAssertEqual(ThemeColor.indexed(231).degradedToEight, .ansi(7))  // white
        XCTAssertEqual(ThemeColor.indexed(16).degradedToEight, .ansi(0))   // black
        XCTAssertEqual(ThemeColor.indexed(236).degradedToEight, .ansi(0))  // dark grey
        XCTAssertEqual(ThemeColor.indexed(9).degradedToEight, .ansi(1))
        XCTAssertEqual(ThemeColor.default.degradedToEight, .default)
        // Every style of every built-in theme becomes something an 8-colour terminal has.
        let catalog = ThemeCatalog(userDirectory: nil)
        for name in catalog.names {
            let resolved = catalog.theme(named: name)!.resolved(for: .eight)
            for role in ThemeRole.allCases {
                for colour in [resolved[role].foreground, resolved[role].background] {
                    if case .indexed = colour { XCTFail("\(name) \(role.rawValue) kept an indexed colour") }
                }
                if resolved[role].foreground != .default {
                    XCTAssertNotEqual(resolved[role].foreground, resolved[role].background, "\(name) \(role.rawValue)")
                }
            }
        }
    }

    func testMonochromeUsesAttributesOnly() {
        let resolved = Theme.fallback.resolved(for: .monochrome)
        for role in ThemeRole.allCases {
            XCTAssertEqual(resolved[role].foreground, .default)
            XCTAssertEqual(resolved[role].background, .default)
        }
        XCTAssertTrue(resolved[.selection].attributes.contains(.reverse))
        XCTAssertTrue(resolved[.title].attributes.contains(.bold))
        XCTAssertTrue(resolved[.statusBar].attributes.contains(.reverse))
        XCTAssertNotEqual(resolved[.selection], resolved[.selectionUnfocused])
    }

    func testNoColorForcesMonochrome() {
        XCTAssertEqual(ColorCapability.detect(colors: 256, environment: ["NO_COLOR": "1"]), .monochrome)
        XCTAssertEqual(ColorCapability.detect(colors: 256, environment: ["NO_COLOR": ""]), .full256)
        XCTAssertEqual(ColorCapability.detect(colors: 256, environment: [:]), .full256)
        XCTAssertEqual(ColorCapability.detect(colors: 8, environment: [:]), .eight)
        XCTAssertEqual(ColorCapability.detect(colors: 0, environment: [:]), .monochrome)
    }

    func testRoleOrdinalsMatchDeclarationOrder() {
        for (index, role) in ThemeRole.allCases.enumerated() { XCTAssertEqual(role.ordinal, index) }
    }
}

final class ThemeRoleTests: XCTestCase {
    func testTheConsoleRolesExist() {
        let names = [
            "text", "text.dim", "title", "header", "border", "border.focused", "selection", "selection.unfocused",
            "status.bar", "status.key", "banner.error", "banner.warning", "banner.info", "confidence.high",
            "confidence.medium", "confidence.low", "status.approved", "status.pending", "status.unmatched",
            "status.rejected", "marked", "pane.title", "pane.value", "pane.good", "pane.bad", "sparkline", "input",
            "input.error", "help.key", "help.group", "dialog", "dialog.danger",
        ]
        for name in names { XCTAssertNotNil(ThemeRole(rawValue: name), name) }
    }
}
