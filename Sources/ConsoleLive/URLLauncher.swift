import Foundation
import Matching

/// Opens or plays a match URL without touching the screen: programs run detached with their output discarded.
enum URLLauncher {
    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    /// Opens the URL with `xdg-open` where a desktop is there to show it; otherwise copies it to the clipboard of
    /// the terminal (OSC 52), which works over SSH and in tmux.
    static func open(_ text: String) throws -> String {
        let url = try checkWebURL(text)
        let environment = ProcessInfo.processInfo.environment
        let hasDesktop = environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil
        if hasDesktop, let opener = executable(named: "xdg-open") {
            try launch(opener, [url])
            return "Opened \(url) in the browser"
        }
        try copyToClipboard(url)
        return "Copied \(url) to the clipboard (no browser here)"
    }

    /// Runs the configured player with the URL as its last argument (no shell involved).
    static func play(_ text: String, with command: [String]?) throws -> String {
        let url = try checkWebURL(text)
        guard let command, let program = command.first else {
            throw Refused(description: "no player configured: set ROTATION_PLAYER (for example \"mpv --no-video\")")
        }
        let path = program.contains("/") ? URL(fileURLWithPath: program) : executable(named: program)
        guard let path, FileManager.default.isExecutableFile(atPath: path.path) else {
            throw Refused(description: "player \(program) not found")
        }
        try launch(path, Array(command.dropFirst()) + [url])
        return "Playing \(url) with \(path.lastPathComponent)"
    }

    /// Only URLs the one validator, `RecordingURL`, accepts leave the console, refused with its reason: a match URL
    /// comes from a shared database and must not become a file path or an option for the program that receives it.
    /// The review keys ask the same validator before they ask for this effect; this check keeps the launcher safe
    /// whoever asks. Neither stricter nor looser than the validator: the console opens what it would let a
    /// reviewer store (a recording on a host the web app plays), and nothing it would refuse to store.
    /// Returns the URL as validated (surrounding whitespace removed), the text the program receives.
    @discardableResult
    static func checkWebURL(_ url: String) throws -> String {
        switch RecordingURL.validate(url) {
        case .valid(let url, _): return url
        case .invalid(let reason): throw Refused(description: reason)
        }
    }

    static func copyToClipboard(_ text: String) throws {
        guard let tty = FileHandle(forWritingAtPath: "/dev/tty") else {
            throw Refused(description: "no terminal to copy to")
        }
        defer { try? tty.close() }
        let payload = Data(text.utf8).base64EncodedString()
        tty.write(Data("\u{1B}]52;c;\(payload)\u{07}".utf8))
    }

    static func executable(named name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    private static func launch(_ executable: URL, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }
}
