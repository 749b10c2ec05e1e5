import Crypto
import Foundation

/// The AES key that seals Discogs tokens at rest: `ENCRYPTION_KEY` (the variable the web app reads), in hex, 32
/// characters for AES-128 or 64 for AES-256. Its description never shows the key.
public struct TokenEncryptionKey: Sendable, CustomStringConvertible {
    public static let environmentVariable = "ENCRYPTION_KEY"
    /// The raw key; swift-crypto's `SymmetricKey` is not `Sendable`, so it is made per use.
    private let bytes: [UInt8]
    var symmetricKey: SymmetricKey { SymmetricKey(data: bytes) }
    /// 128 or 256.
    public let bits: Int

    /// Parses hex text (surrounding whitespace ignored, either case).
    public init(hex text: String, name: String = TokenEncryptionKey.environmentVariable) throws {
        let hex = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard hex.count == 32 || hex.count == 64 else {
            throw TokenVaultError.badKey(name: name,
                                         reason: "must be 32 or 64 hexadecimal characters (AES-128 or AES-256); it has \(hex.count)")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = 0
        while index < hex.count {
            guard let high = Self.nibble(hex[index]), let low = Self.nibble(hex[index + 1]) else {
                throw TokenVaultError.badKey(name: name, reason: "holds a character that is not hexadecimal")
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.bytes = bytes
        bits = bytes.count * 8
    }

    /// The key named by `variable` in `environment`; nil when it is unset or empty.
    public static func fromEnvironment(
        _ variable: String = environmentVariable,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> TokenEncryptionKey? {
        guard let text = environment[variable], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return try TokenEncryptionKey(hex: text, name: variable)
    }

    /// A fresh random AES-256 key in hex (for tests and for an admin choosing a new key).
    public static func randomHex() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
    }

    public var description: String { "AES-\(bits) key (hidden)" }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
