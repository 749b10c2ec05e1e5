import Foundation

/// What a Discogs JSON document may be before any decoder reads it: the one home of the size, nesting and encoding
/// rules. Real documents are far inside them (a release body is a few kB to a few hundred kB, an inventory page of
/// 100 listings about 200 kB, and neither nests deeper than 8 levels); the limits keep a hostile or broken document
/// from exhausting memory or the stack (the decoders and Postgres' JSON parser recurse per level).
public enum DiscogsDocumentLimits {
    /// The largest document read, in bytes (16 MiB). Importers check a file's size before reading it.
    public static let maxDocumentBytes = 16 << 20
    /// The deepest nesting of arrays and objects.
    public static let maxNestingDepth = 32

    /// `16 MiB`-style text for a byte count, used in the messages that name a limit.
    /// Whole KiB and MiB are named as such, a size past a MiB to a tenth; anything else is counted in bytes.
    public static func describe(bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 20 { return String(format: "%.1f MiB", Double(bytes) / Double(1 << 20)) }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    /// The message for a document of `bytes` over the size limit.
    public static func tooLarge(bytes: Int) -> String {
        "the document is \(describe(bytes: bytes)), over the limit of \(describe(bytes: maxDocumentBytes)) for one Discogs document"
    }

    /// Refuses a file over the size limit before it is read, and anything that is not a regular file (a device
    /// or a pipe has no size to check and may never end). Symbolic links are followed. A file that cannot be
    /// examined is left to the read, which reports why.
    public static func checkSize(of file: URL) throws(DiscogsDecodingError) {
        var status = stat()
        guard stat(file.path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw DiscogsDecodingError(path: "$", message: "not a regular file")
        }
        guard Int64(status.st_size) <= Int64(maxDocumentBytes) else {
            throw DiscogsDecodingError(path: "$", message: tooLarge(bytes: Int(clamping: Int64(status.st_size))))
        }
    }

    /// Refuses a document over the size limit, one that is not valid UTF-8, or one nested deeper than the limit,
    /// naming the JSON path where it went wrong.
    public static func check(_ data: Data) throws(DiscogsDecodingError) {
        guard data.count <= maxDocumentBytes else {
            throw DiscogsDecodingError(path: "$", message: tooLarge(bytes: data.count))
        }
        let problem: (offset: Int, message: String)? = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            if let offset = firstInvalidUTF8(bytes) {
                return (offset, "invalid UTF-8 at byte \(offset)")
            }
            if let offset = firstTooDeep(bytes) {
                return (offset, "nested deeper than \(maxNestingDepth) levels at byte \(offset)")
            }
            return nil
        }
        if let problem {
            throw DiscogsDecodingError(path: JSONPathScanner.scan(data.prefix(problem.offset)).path, message: problem.message)
        }
    }

    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or nil.
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        // The standard library's validation is the fast path; the parser below only looks for where it failed.
        if String(validating: bytes, as: UTF8.self) != nil { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// The offset of the bracket that opens a level deeper than the limit (brackets inside strings do not count).
    static func firstTooDeep(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        for (offset, byte) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maxNestingDepth { return offset }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return nil
    }
}
