import Crypto
import Foundation

/// How a sealed token is written into the web app's `TEXT` columns: `enc:v1:` followed by standard base64 (with
/// padding) of the 12-byte nonce, the ciphertext and the 16-byte GCM tag, in that order. The associated data is
/// `discogs_tokens.<column>:<username>` in UTF-8, so a value copied to another column or another user's row fails
/// its tag check like an altered one. A value without the prefix is plaintext, as the web app may have stored it.
public enum SealedTokenText {
    public static let prefix = "enc:v1:"
    static let nonceLength = 12
    static let tagLength = 16

    /// True when `text` is in our sealed form (whether or not it is intact).
    public static func isSealed(_ text: String) -> Bool { text.hasPrefix(prefix) }

    /// Seals `plaintext` under `key` with a fresh random nonce.
    public static func seal(_ plaintext: String, key: TokenEncryptionKey, username: String, column: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key.symmetricKey,
                                   authenticating: associatedData(username: username, column: column))
        guard let combined = box.combined else { throw TokenVaultError.malformed(username: username, column: column) }
        return prefix + combined.base64EncodedString()
    }

    /// The plaintext of a sealed value; a value without the prefix is returned as it is (plaintext at rest).
    public static func open(_ text: String, key: TokenEncryptionKey?, username: String, column: String) throws -> String {
        guard isSealed(text) else { return text }
        guard let key else { throw TokenVaultError.keyMissing }
        guard let bytes = Data(base64Encoded: String(text.dropFirst(prefix.count))),
              bytes.count >= nonceLength + tagLength,
              let box = try? AES.GCM.SealedBox(combined: bytes) else {
            throw TokenVaultError.malformed(username: username, column: column)
        }
        let plaintext: Data
        do {
            plaintext = try AES.GCM.open(box, using: key.symmetricKey,
                                         authenticating: associatedData(username: username, column: column))
        } catch {
            throw TokenVaultError.doesNotDecrypt(username: username, column: column)
        }
        guard let string = String(data: plaintext, encoding: .utf8) else {
            throw TokenVaultError.malformed(username: username, column: column)
        }
        return string
    }

    static func associatedData(username: String, column: String) -> Data {
        Data("discogs_tokens.\(column):\(username)".utf8)
    }
}
