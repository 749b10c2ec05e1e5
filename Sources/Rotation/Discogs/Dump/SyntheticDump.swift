import Foundation

/// Dump files of any size for the tests and the benchmark: the `<release>` elements of a real excerpt repeated under
/// new ids (`firstID`, `firstID + 1`, …), inside one `<releases>` root. Written in pieces, so a large file never
/// sits in memory.
public enum SyntheticDump {
    /// The `<release …>…</release>` elements of a dump excerpt's text.
    public static func releases(in samples: String) -> [String] {
        var found: [String] = []
        var rest = samples[...]
        while let start = rest.range(of: "<release "), let end = rest[start.lowerBound...].range(of: "</release>") {
            found.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return found
    }

    /// Writes `count` releases taken in turn from `samples` to `url` (uncompressed XML). Returns the ids written.
    @discardableResult
    public static func write(_ samples: [String], count: Int, firstID: Int64, to url: URL) throws -> ClosedRange<Int64> {
        precondition(!samples.isEmpty && count > 0)
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        // The opening tag up to the end of its id attribute: `<release id="1"`.
        let bodies = samples.map { sample -> Substring in
            guard let idStart = sample.range(of: "id=\""), let idEnd = sample[idStart.upperBound...].firstIndex(of: "\"")
            else { return sample[...] }
            return sample[sample.index(after: idEnd)...]
        }
        var buffer = "<releases>\n"
        for index in 0..<count {
            buffer += "<release id=\"\(firstID + Int64(index))\""
            buffer += bodies[index % bodies.count]
            buffer += "\n"
            if buffer.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer = ""
            }
        }
        buffer += "</releases>\n"
        try handle.write(contentsOf: Data(buffer.utf8))
        return firstID...(firstID + Int64(count) - 1)
    }
}
