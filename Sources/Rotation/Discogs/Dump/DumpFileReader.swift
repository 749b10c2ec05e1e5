import CZlib
import Foundation

/// Why a dump file could not be read to its end.
public struct DumpReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The uncompressed bytes of a dump file, read in chunks: gzip (`.xml.gz`, recognised by its magic bytes, several
/// members allowed) inflated by zlib, or plain XML as it is. Memory is two fixed buffers whatever the file's size.
/// A gzip stream that ends before its trailer (a truncated download) or whose data is corrupt is an error.
public final class DumpFileReader {
    public let path: String
    /// The file's size on disk (compressed for gzip), for the progress bar.
    public let fileSize: Int64
    public let isGzip: Bool
    /// Bytes of the file consumed so far (compressed for gzip: read and inflated, not only buffered).
    public var fileBytesRead: Int64 { bytesRead - (isGzip ? Int64(stream.pointee.avail_in) : 0) }
    private var bytesRead: Int64 = 0
    /// Uncompressed bytes handed out so far (skipped ones included).
    public private(set) var offset: Int64 = 0

    static let inputSize = 1 << 20
    static let outputSize = 256 << 10

    private let descriptor: Int32
    private let input = UnsafeMutablePointer<UInt8>.allocate(capacity: inputSize)
    private let output = UnsafeMutablePointer<UInt8>.allocate(capacity: outputSize)
    /// zlib keeps a pointer back to its stream: it lives at one address for the reader's life.
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var fileEnded = false
    private var memberEnded = false

    public init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            input.deallocate(); output.deallocate(); stream.deallocate()
            throw DumpReadError("cannot open \(path): \(reason)")
        }
        var status = stat()
        fstat(descriptor, &status)
        fileSize = Int64(status.st_size)
        var magic: [UInt8] = [0, 0]
        let got = pread(descriptor, &magic, 2, 0)
        isGzip = got == 2 && magic == [0x1F, 0x8B]
        stream.initialize(to: z_stream())
        if isGzip {
            // 15 + 16: a gzip wrapper, the largest window.
            // On failure `deinit` still runs (every property is set): it closes the file and frees the buffers.
            guard rotation_inflate_init(stream, 15 + 16) == Z_OK else {
                throw DumpReadError("zlib could not start inflating \(path)")
            }
        }
    }

    deinit {
        if isGzip { inflateEnd(stream) }
        close(descriptor)
        input.deallocate(); output.deallocate(); stream.deallocate()
    }

    /// The next chunk of uncompressed bytes, or nil at the end of the data.
    public func next() throws -> UnsafeRawBufferPointer? {
        isGzip ? try nextInflated() : try nextPlain()
    }

    /// Reads and discards uncompressed bytes up to `target` (an offset an earlier run recorded) and returns the last
    /// `tail` bytes before it, so the caller can check that the data there is what it expects.
    public func skip(to target: Int64, tail: Int = 16) throws -> [UInt8] {
        precondition(offset == 0, "skip only from the start")
        if !isGzip {
            guard target <= fileSize else { throw DumpReadError("the file is shorter than where the last run stopped") }
            let start = max(0, target - Int64(tail))
            var bytes = [UInt8](repeating: 0, count: Int(target - start))
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(start)) }
            guard got == bytes.count, lseek(descriptor, off_t(target), SEEK_SET) == off_t(target) else {
                throw DumpReadError("cannot seek in \(path)")
            }
            offset = target
            bytesRead = target
            return bytes
        }
        var last: [UInt8] = []
        while offset < target {
            guard let chunk = try nextInflated(limit: Int(min(Int64(Self.outputSize), target - offset))) else {
                throw DumpReadError("the file is shorter than where the last run stopped")
            }
            last = Array((last + chunk).suffix(tail))
        }
        return last
    }

    private func nextPlain() throws -> UnsafeRawBufferPointer? {
        let got = read(descriptor, output, Self.outputSize)
        guard got >= 0 else { throw DumpReadError("cannot read \(path): \(String(cString: strerror(errno)))") }
        guard got > 0 else { return nil }
        bytesRead += Int64(got)
        offset += Int64(got)
        return UnsafeRawBufferPointer(start: output, count: got)
    }

    private func nextInflated(limit: Int = outputSize) throws -> UnsafeRawBufferPointer? {
        while true {
            if stream.pointee.avail_in == 0 && !fileEnded {
                let got = read(descriptor, input, Self.inputSize)
                guard got >= 0 else { throw DumpReadError("cannot read \(path): \(String(cString: strerror(errno)))") }
                if got == 0 { fileEnded = true } else {
                    bytesRead += Int64(got)
                    stream.pointee.next_in = input
                    stream.pointee.avail_in = uInt(got)
                }
            }
            if memberEnded {
                // Another gzip member follows (`cat a.gz b.gz`), or the file ends cleanly after the trailer.
                guard stream.pointee.avail_in > 0 else { return nil }
                inflateReset(stream)
                memberEnded = false
            }
            if stream.pointee.avail_in == 0 && fileEnded {
                throw DumpReadError("the gzip data ends early (a truncated file?) after \(offset) uncompressed bytes")
            }
            stream.pointee.next_out = output
            stream.pointee.avail_out = uInt(limit)
            let status = inflate(stream, Z_NO_FLUSH)
            let produced = limit - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                memberEnded = true
            case Z_OK, Z_BUF_ERROR:
                break
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "error \(status)"
                throw DumpReadError("the gzip data is corrupt after \(offset) uncompressed bytes: \(reason)")
            }
            if produced > 0 {
                offset += Int64(produced)
                return UnsafeRawBufferPointer(start: output, count: produced)
            }
        }
    }
}
