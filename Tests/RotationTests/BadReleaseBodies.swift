import Foundation

/// Release bodies and inventory pages with values a database cannot hold, built from the shared fixtures so that
/// everything but the one bad value is real Discogs data.
enum BadReleaseBodies {
    /// Fixture release `fixture` re-numbered `id`, changed by `edit`, then with each `raw` placeholder string
    /// (a JSON string such as `"__YEAR__"`) replaced by raw JSON text (`1e19`), for values `JSONSerialization`
    /// cannot write.
    static func body(_ id: Int64, from fixture: Int64 = 1, raw: [String: String] = [:],
                     _ edit: (inout [String: Any]) -> Void = { _ in }) throws -> Data {
        var object = try JSONSerialization.jsonObject(with: ImportFixtures.releaseData(fixture)) as! [String: Any]
        object["id"] = id
        edit(&object)
        var text = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        for (placeholder, json) in raw {
            text = text.replacingOccurrences(of: "\"\(placeholder)\"", with: json)
        }
        return Data(text.utf8)
    }

    /// Sets the title of tracklist entry `index`.
    static func setTrackTitle(_ object: inout [String: Any], _ index: Int, _ title: String) {
        var tracklist = object["tracklist"] as! [[String: Any]]
        tracklist[index]["title"] = title
        object["tracklist"] = tracklist
    }

    /// Writes `files` (name -> bytes) into a new temporary directory.
    static func directory(_ files: [String: Data]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bad-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, data) in files { try data.write(to: directory.appendingPathComponent(name)) }
        return directory
    }
}
