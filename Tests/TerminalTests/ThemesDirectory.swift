import Foundation

/// The repository's `themes/` folder: `$ROTATION_THEMES_DIR`, or the first folder holding `themes/default.toml`
/// found walking up from this file (symlinks resolved, so a private package that links the sources works too).
enum ThemesDirectory {
    static func locate(from file: String = #filePath) -> URL? {
        if let override = ProcessInfo.processInfo.environment["ROTATION_THEMES_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var directory = URL(fileURLWithPath: file).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("themes")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("default.toml").path) {
                return candidate
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }
}
