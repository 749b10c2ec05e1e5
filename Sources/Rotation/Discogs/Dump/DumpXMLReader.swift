import CLibxml2
import Foundation
import Matching

/// What the reader found for one `<release>` it was asked to keep.
struct DumpReleaseEvent {
    enum Outcome {
        case element(DumpElement)
        case failed(String)
    }
    /// The `id` attribute, nil when it is missing or not a number.
    var id: Int64?
    var outcome: Outcome
}

/// A dump's XML is malformed, or is not a releases dump: where (line, uncompressed byte) and libxml2's reason.
public struct DumpXMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var byteOffset: Int64
    /// False when the XML is well formed but not a releases dump (its root element says what it is).
    public var malformed = true
    public var description: String {
        malformed ? "the XML is malformed at line \(line) (byte \(byteOffset)): \(message)" : message
    }
}

/// Reads `<releases><release id="..">…</release>…</releases>` through libxml2's SAX push parser, fed chunk by chunk,
/// so memory holds one release at a time whatever the file's size. A release `wants` refuses is passed over without
/// building anything; a kept one is built into a `DumpElement` tree (at most `DiscogsDocumentLimits`' size and
/// nesting, beyond which it is a failed release, not a failed import). After each `feed` the caller takes the
/// finished releases from `takeEvents()`; `lastReleaseEnd` is then the offset in the uncompressed file just after
/// the last finished release, where a later run can resume.
final class DumpXMLReader {
    private var context: xmlParserCtxtPtr?
    private let wants: (Int64) -> Bool
    private var events: [DumpReleaseEvent] = []

    private(set) var releasesSeen: Int64 = 0
    private(set) var releasesPassedOver: Int64 = 0
    private(set) var lastReleaseEnd: Int64
    private(set) var lastReleaseID: Int64?

    // Where the parser's bytes come from: a synthetic `<releases>` when resuming, then the file from `startOffset`
    // with each refused control byte replaced by its 4-byte stand-in (3 bytes more than the file).
    private let startOffset: Int64
    private let prefixLength: Int64
    private var bytesFed: Int64 = 0
    private var standInPositions: [Int64] = []
    private var standInHead = 0

    private var depth = 0
    private var stack: [DumpElement] = []
    private var current: (id: Int64?, keep: Bool, bytes: Int, failure: String?)?
    private var rootProblem: String?
    private var names: [UnsafeRawPointer: String] = [:]

    /// Starts reading at `startOffset` of the uncompressed file: 0, or just after a release an earlier run finished
    /// (the `<releases>` start tag is then supplied).
    init(startOffset: Int64 = 0, wants: @escaping (Int64) -> Bool) {
        self.wants = wants
        self.startOffset = startOffset
        lastReleaseEnd = startOffset
        let prefix: [UInt8] = startOffset > 0 ? Array("<releases>".utf8) : []
        prefixLength = Int64(prefix.count)

        var handler = xmlSAXHandler()
        handler.initialized = UInt32(XML_SAX2_MAGIC)
        handler.startElementNs = { user, name, _, _, _, _, attributeCount, _, attributes in
            DumpXMLReader.from(user).startElement(name, attributeCount, attributes)
        }
        handler.endElementNs = { user, _, _, _ in DumpXMLReader.from(user).endElement() }
        handler.characters = { user, bytes, count in DumpXMLReader.from(user).characters(bytes, count) }
        handler.cdataBlock = handler.characters
        // Errors are read from the context after a chunk; libxml2 must not print them itself.
        handler.serror = { _, _ in }
        let user = Unmanaged.passUnretained(self).toOpaque()
        context = prefix.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                xmlCreatePushParserCtxt(&handler, user, $0.baseAddress, Int32($0.count), nil)
            }
        }
        // No network, and no entity substitution (an entity a document declares stays unexpanded).
        xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue))
    }

    deinit {
        if let context { xmlFreeParserCtxt(context) }
    }

    private static func from(_ user: UnsafeMutableRawPointer?) -> DumpXMLReader {
        Unmanaged<DumpXMLReader>.fromOpaque(user!).takeUnretainedValue()
    }

    /// The releases finished since the last call.
    func takeEvents() -> [DumpReleaseEvent] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    /// Parses the next bytes of the file.
    func feed(_ chunk: UnsafeRawBufferPointer) throws {
        guard chunk.contains(where: DumpControlCharacters.isRefused) else {
            bytesFed += Int64(chunk.count)
            try parse(chunk, terminate: false)
            return
        }
        var filtered: [UInt8] = []
        filtered.reserveCapacity(chunk.count + 64)
        for byte in chunk {
            if DumpControlCharacters.isRefused(byte) {
                standInPositions.append(bytesFed + Int64(filtered.count))
                filtered += DumpControlCharacters.standIn(for: byte)
            } else {
                filtered.append(byte)
            }
        }
        bytesFed += Int64(filtered.count)
        try filtered.withUnsafeBytes { try parse($0, terminate: false) }
    }

    /// Ends the document: an unclosed element (a file cut short) or an empty file is an error.
    func finish() throws {
        try parse(UnsafeRawBufferPointer(start: nil, count: 0), terminate: true)
        if depth > 0 {
            throw DumpXMLError(message: "the document ends inside an element (a truncated file?)",
                               line: lineNumber, byteOffset: fileOffset(parserOffset))
        }
    }

    private func parse(_ bytes: UnsafeRawBufferPointer, terminate: Bool) throws {
        let status = bytes.withMemoryRebound(to: CChar.self) {
            xmlParseChunk(context, $0.baseAddress, Int32($0.count), terminate ? 1 : 0)
        }
        if let rootProblem {
            throw DumpXMLError(message: rootProblem, line: lineNumber, byteOffset: fileOffset(parserOffset), malformed: false)
        }
        guard status != 0 else { return }
        let error = xmlCtxtGetLastError(context)
        let message = error.flatMap { $0.pointee.message.map { String(cString: $0) } }?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "libxml2 error \(status)"
        throw DumpXMLError(message: message, line: Int(error?.pointee.line ?? 0), byteOffset: fileOffset(parserOffset))
    }

    private var parserOffset: Int64 { Int64(xmlByteConsumed(context)) }
    private var lineNumber: Int { Int(context?.pointee.input?.pointee.line ?? 0) }

    /// The offset in the file of a position in the parser's stream (no prefix, no stand-in bytes). Positions are
    /// asked in increasing order, so stand-ins behind them are counted once and forgotten.
    private var standInsBehind: Int64 = 0
    private func fileOffset(_ parserOffset: Int64) -> Int64 {
        let fed = parserOffset - prefixLength
        while standInHead < standInPositions.count, standInPositions[standInHead] < fed {
            standInsBehind += 1
            standInHead += 1
        }
        if standInHead > 4096 {
            standInPositions.removeFirst(standInHead)
            standInHead = 0
        }
        return startOffset + fed - 3 * standInsBehind
    }

    // MARK: SAX events

    private func name(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        // Names live in the parser's dictionary: one pointer per name for the context's life.
        let key = UnsafeRawPointer(pointer)
        if let known = names[key] { return known }
        let text = String(cString: pointer)
        names[key] = text
        return text
    }

    private func startElement(_ namePointer: UnsafePointer<xmlChar>?, _ attributeCount: Int32,
                              _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        depth += 1
        switch depth {
        case 1:
            let root = name(namePointer)
            if root != "releases" {
                rootProblem = "the root element is <\(root)>, not <releases>: not a Discogs releases dump"
                xmlStopParser(context)
            }
        case 2:
            var id: Int64?
            for index in 0..<Int(attributeCount) {
                let base = index * 5
                guard let attributeName = attributes?[base], name(attributeName) == "id",
                      let start = attributes?[base + 3], let end = attributes?[base + 4] else { continue }
                id = Int64(String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self))
            }
            let elementName = name(namePointer)
            if elementName != "release" {
                current = (nil, false, 0, nil)
            } else if let id {
                let keep = wants(id)
                current = (id, keep, 0, nil)
                if keep { stack = [element(namePointer, attributeCount, attributes)] }
            } else {
                current = (nil, true, 0, "the <release> has no numeric id attribute")
            }
        default:
            guard var release = current, release.keep, release.failure == nil else { return }
            if depth - 1 > DiscogsDocumentLimits.maxNestingDepth {
                release.failure = "nested deeper than \(DiscogsDocumentLimits.maxNestingDepth) levels"
                current = release
                stack = []
                return
            }
            let child = element(namePointer, attributeCount, attributes)
            stack.last?.children.append(child)
            stack.append(child)
            current?.bytes += child.name.utf8.count + child.attributes.reduce(0) { $0 + $1.name.utf8.count + $1.value.count }
        }
    }

    private func element(_ namePointer: UnsafePointer<xmlChar>?, _ attributeCount: Int32,
                         _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) -> DumpElement {
        let element = DumpElement(name: name(namePointer))
        for index in 0..<Int(attributeCount) {
            let base = index * 5
            guard let attributeName = attributes?[base], let start = attributes?[base + 3],
                  let end = attributes?[base + 4] else { continue }
            element.attributes.append((name(attributeName), Array(UnsafeBufferPointer(start: start, count: end - start))))
        }
        return element
    }

    private func characters(_ bytes: UnsafePointer<xmlChar>?, _ count: Int32) {
        guard depth >= 2, let release = current, release.keep, release.failure == nil, let top = stack.last, let bytes
        else { return }
        top.textBytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(count)))
        current?.bytes += Int(count)
        if release.bytes + Int(count) > DiscogsDocumentLimits.maxDocumentBytes {
            current?.failure = "the release is over \(DiscogsDocumentLimits.describe(bytes: DiscogsDocumentLimits.maxDocumentBytes))"
            stack = []
        }
    }

    private func endElement() {
        defer { depth -= 1 }
        if depth > 2 {
            if let release = current, release.keep, release.failure == nil { stack.removeLast() }
            return
        }
        guard depth == 2, let release = current else { return }
        current = nil
        releasesSeen += 1
        lastReleaseEnd = fileOffset(parserOffset)
        if release.id != nil { lastReleaseID = release.id }
        if !release.keep {
            releasesPassedOver += 1
        } else if let failure = release.failure {
            events.append(DumpReleaseEvent(id: release.id, outcome: .failed(failure)))
        } else if let root = stack.first {
            events.append(DumpReleaseEvent(id: release.id, outcome: .element(root)))
        }
        stack = []
    }
}
