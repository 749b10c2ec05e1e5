import ArgumentParser
import Foundation
import Postgres
import Rotation

/// `rotation tokens`: the Discogs tokens of `discogs_tokens`, sealed with AES-GCM under ENCRYPTION_KEY (admin).
/// No subcommand prints a token, a secret or a key; tokens and keys are read from standard input or the
/// environment, never from arguments (which every local user can read through ps).
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Store, list, remove and re-key the stores' Discogs tokens (admin).",
        discussion: """
            access_token and access_secret are sealed with AES-GCM under ENCRYPTION_KEY (hex: 32 characters for \
            AES-128, 64 for AES-256) and written as enc:v1:<base64>; rows the web app wrote in plaintext are read \
            and reported, and `tokens encrypt` seals them. Needs a database role that may write discogs_tokens \
            (rotation_admin).
            """,
        subcommands: [Add.self, List.self, Remove.self, Encrypt.self, RotateKey.self])

    /// Reports a vault error (never holding a secret) and exits 1.
    static func failing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as TokenVaultError {
            printError("rotation: \(error.description)")
            throw ExitCode(1)
        }
    }

    static func key() throws -> TokenEncryptionKey? {
        try failing { try TokenEncryptionKey.fromEnvironment() }
    }

    /// One line of standard input without its line break; on a terminal the prompt is shown and echo is off, so
    /// the secret is never on the screen.
    static func readSecretLine(prompt: String) -> String? {
        let terminal = isatty(STDIN_FILENO) == 1
        var saved = termios()
        if terminal {
            printPrompt(prompt)
            tcgetattr(STDIN_FILENO, &saved)
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if terminal {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
                FileHandle.standardError.write(Data("\n".utf8))
            }
        }
        guard var line = readLine(strippingNewline: true) else { return nil }
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a user's OAuth access token and secret, read as two lines on standard input.",
            discussion: "Replaces the user's token if there is one. Needs ENCRYPTION_KEY.")

        @OptionGroup var servers: ServerOptions
        @Argument(help: "The Discogs username (the store).") var username: String

        func run() throws {
            guard let key = try TokensCommand.key() else { return try TokensCommand.failing { throw TokenVaultError.keyMissing } }
            guard let token = TokensCommand.readSecretLine(prompt: "Access token: "),
                  let secret = TokensCommand.readSecretLine(prompt: "Access secret: ") else {
                printError("rotation: expected two lines on standard input: the access token, then the access secret")
                throw ExitCode(1)
            }
            let vault = TokenVault(connection: try servers.postgres(), key: key)
            let inserted = try TokensCommand.failing {
                try vault.store(username: username, credentials: DiscogsTokenCredentials(accessToken: token, accessSecret: secret))
            }
            printLine("\(inserted ? "stored" : "replaced") the Discogs token of \(username) (encrypted, \(key.description))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the stored tokens: username, encrypted or plaintext, dates. Never a secret.")

        @OptionGroup var servers: ServerOptions
        @Flag(help: "Print machine-readable JSON.") var json = false

        func run() throws {
            let rows = try TokenVault(connection: try servers.postgres(), key: nil).list()
            if json { return try printJSON(rows) }
            if rows.isEmpty { return printLine("no Discogs tokens stored") }
            printLine(ReviewCLI.columns([("Username", 24), ("Stored", 9), ("Type", 8), ("Created (UTC)", 16),
                                         ("Updated (UTC)", 16), ("Last used (UTC)", 16)]))
            for row in rows {
                printLine(ReviewCLI.columns([(row.username, 24), (row.storage.rawValue, 9), (row.tokenType ?? "", 8),
                                             (Self.format(row.createdAt), 16), (Self.format(row.updatedAt), 16),
                                             (Self.format(row.lastUsedAt), 16)]))
            }
            let unsealed = rows.filter { $0.storage != .encrypted }.count
            if unsealed > 0 {
                printLine("\(unsealed) row\(unsealed == 1 ? "" : "s") not (fully) encrypted: `rotation tokens encrypt` "
                          + "seals them once the web app reads the sealed form (README, \"Discogs tokens\")")
            }
        }

        static func format(_ date: Date?) -> String {
            guard let date else { return "–" }
            let text = ISO8601DateFormatter().string(from: date)
            return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a user's stored token.")

        @OptionGroup var servers: ServerOptions
        @Argument(help: "The Discogs username (the store).") var username: String
        @Flag(help: "Do not ask for confirmation.") var yes = false

        func run() throws {
            let vault = TokenVault(connection: try servers.postgres(), key: nil)
            guard try vault.list().contains(where: { $0.username == username }) else {
                return try TokensCommand.failing { throw TokenVaultError.noToken(username: username) }
            }
            try ReviewCLI.confirm("Delete the Discogs token of \(ReviewCLI.safe(username))?", yes: yes)
            guard try vault.remove(username: username) else {
                return try TokensCommand.failing { throw TokenVaultError.noToken(username: username) }
            }
            printLine("removed the Discogs token of \(username)")
        }
    }

    struct Encrypt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal every plaintext token and secret under ENCRYPTION_KEY, in one transaction.",
            discussion: """
                The web app must read the sealed form (enc:v1, README "Discogs tokens") before this runs, or it \
                can no longer use those tokens.
                """)

        @OptionGroup var servers: ServerOptions
        @Flag(help: "Do not ask for confirmation.") var yes = false

        func run() throws {
            guard let key = try TokensCommand.key() else { return try TokensCommand.failing { throw TokenVaultError.keyMissing } }
            let vault = TokenVault(connection: try servers.postgres(), key: key)
            let unsealed = try vault.list().filter { $0.storage != .encrypted }.count
            if unsealed == 0 { return printLine("every stored token is encrypted already") }
            try ReviewCLI.confirm("Encrypt \(unsealed) plaintext row\(unsealed == 1 ? "" : "s")? The web app must read enc:v1 values first.",
                                  yes: yes)
            let changed = try TokensCommand.failing { try vault.encryptPlaintext() }
            printLine("encrypted \(changed) row\(changed == 1 ? "" : "s") (\(key.description))")
        }
    }

    struct RotateKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Re-encrypt every sealed row under a new key, in one transaction.",
            discussion: """
                The current key is ENCRYPTION_KEY; the new one is NEW_ENCRYPTION_KEY or, when that is unset, one \
                line on standard input. If any row does not open with the current key nothing changes. Then set \
                ENCRYPTION_KEY to the new key everywhere (the web app too). Plaintext rows are left as they are.
                """)

        static let newKeyVariable = "NEW_ENCRYPTION_KEY"

        @OptionGroup var servers: ServerOptions

        func run() throws {
            let current = try TokensCommand.key()
            let newKey: TokenEncryptionKey = try TokensCommand.failing {
                if let key = try TokenEncryptionKey.fromEnvironment(Self.newKeyVariable) { return key }
                guard let line = TokensCommand.readSecretLine(prompt: "New key (hex): ") else {
                    throw TokenVaultError.badKey(name: "the new key", reason: "was not given: set \(Self.newKeyVariable) or write it on standard input")
                }
                return try TokenEncryptionKey(hex: line, name: "the new key")
            }
            let report = try TokensCommand.failing {
                try TokenVault(connection: try servers.postgres(), key: current).rotateKey(to: newKey)
            }
            printLine("re-encrypted \(report.reencrypted) row\(report.reencrypted == 1 ? "" : "s") under the new key (\(newKey.description)); "
                      + "set ENCRYPTION_KEY to it wherever the old one is used, the web app included")
            if report.plaintextLeft > 0 {
                printLine("\(report.plaintextLeft) plaintext row\(report.plaintextLeft == 1 ? "" : "s") left as they are (`rotation tokens encrypt`)")
            }
        }
    }
}
