import Foundation

/// Turns a dump's `<release>` into the JSON body `GET /releases/{id}` gives, so that everything reading
/// `discogs_release_bodies` (the worker, the read path's compute tier, the console) reads a dump body the way it
/// reads an API body. The same conversion as `../shared/fixtures/discogs/dumps-labelled` (its 425 releases come out
/// identical but for `artists_sort`):
///
/// - Both layouts: the current dumps give each tracklist entry a `<type_>`; the 2020 ones do not, so an entry with
///   `<sub_tracks>` is an `index`, one with a title but neither position nor duration (in a tracklist where other
///   entries have a position) a `heading`, anything else a `track`. Entirely blank entries are dropped, as the API
///   does not list them, so `track_index` counts the same entries as the API.
/// - `year` is the first four digits of `released` (0 when unknown, as the API gives it); video durations are
///   seconds, `embed` a boolean; ids are numbers; `resource_url`, `uri` and `master_url` are built from the ids as
///   the API spells them.
/// - Fields the API has and the dump lacks (`thumb`, `community`, `artists_sort`, image URLs in newer dumps) are
///   absent.
enum DumpReleaseConverter {
    /// The body as a JSON object; `id` is the release's id attribute.
    static func body(of release: DumpElement, id: Int64) -> [String: Any] {
        var body: [String: Any] = [
            "id": id,
            "resource_url": "https://api.discogs.com/releases/\(id)",
            "uri": "https://www.discogs.com/release/\(id)",
            "title": release.childText("title") ?? "",
        ]
        body["status"] = release.attribute("status")
        // The API gives these as empty strings, and `year` as 0, when it knows nothing.
        for field in ["country", "released", "notes"] { body[field] = release.childText(field) ?? "" }
        if let quality = release.childText("data_quality") { body["data_quality"] = quality }
        body["year"] = Int((body["released"] as? String ?? "").prefix(4)) ?? 0
        body["artists"] = credits(release.child("artists"))
        body["extraartists"] = credits(release.child("extraartists"))
        body["labels"] = release.child("labels")?.children("label").map(label) ?? []
        body["formats"] = release.child("formats")?.children("format").map(format) ?? []
        body["genres"] = release.child("genres")?.children("genre").map(\.text) ?? []
        body["styles"] = release.child("styles")?.children("style").map(\.text) ?? []
        body["tracklist"] = tracklist(release.child("tracklist")?.children("track") ?? [])
        body["videos"] = release.child("videos")?.children("video").map(video) ?? []
        if let images = release.child("images")?.children("image"), !images.isEmpty {
            body["images"] = images.map(image)
        }
        if let identifiers = release.child("identifiers")?.children("identifier"), !identifiers.isEmpty {
            body["identifiers"] = identifiers.map { element in
                ["type": element.attribute("type") ?? "", "description": element.attribute("description") ?? "",
                 "value": element.attribute("value") ?? ""]
            }
        }
        if let companies = release.child("companies")?.children("company"), !companies.isEmpty {
            body["companies"] = companies.map(company)
        }
        if let master = release.child("master_id"), let masterID = Int64(master.text.trimmingCharacters(in: .whitespaces)) {
            body["master_id"] = masterID
            body["master_url"] = "https://api.discogs.com/masters/\(masterID)"
        }
        return body
    }

    /// JSON text of a converted body, keys in byte order so the same release always gives the same bytes. Written
    /// by hand on bytes (`CopyLine`): `JSONSerialization` with sorted keys compares keys through the locale, which
    /// cost more than all the rest of an import.
    static func jsonText(_ value: Any) -> String {
        var out = CopyLine(capacity: 8192)
        write(value, into: &out)
        return out.text
    }

    private static func write(_ value: Any, into out: inout CopyLine) {
        switch value {
        case let text as String:
            out.appendJSONString(text, forCopy: false)
        case let number as Int64:
            out.appendRaw(String(number))
        case let number as Int:
            out.appendRaw(String(number))
        case let flag as Bool:
            out.appendRaw(flag ? "true" : "false")
        case let object as [String: Any]:
            out.appendRaw(UInt8(ascii: "{"))
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { out.appendRaw(UInt8(ascii: ",")) }
                out.appendJSONString(key, forCopy: false)
                out.appendRaw(UInt8(ascii: ":"))
                write(object[key]!, into: &out)
            }
            out.appendRaw(UInt8(ascii: "}"))
        case let array as [Any]:
            out.appendRaw(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { out.appendRaw(UInt8(ascii: ",")) }
                write(element, into: &out)
            }
            out.appendRaw(UInt8(ascii: "]"))
        default:
            out.appendRaw("null")
        }
    }

    // MARK: Parts

    private static func credits(_ list: DumpElement?) -> [[String: Any]] {
        (list?.children("artist") ?? []).map { artist in
            var credit: [String: Any] = [
                "name": artist.childText("name") ?? "", "anv": artist.childText("anv") ?? "",
                "join": artist.childText("join") ?? "", "role": artist.childText("role") ?? "",
                "tracks": artist.childText("tracks") ?? "",
            ]
            // Older dumps give an artist without a page the id 0, newer ones an empty id (then there is none).
            if let id = number(artist.childText("id")) {
                credit["id"] = id
                credit["resource_url"] = "https://api.discogs.com/artists/\(id)"
            }
            return credit
        }
    }

    private static func label(_ element: DumpElement) -> [String: Any] {
        var label: [String: Any] = [
            "name": element.attribute("name") ?? "", "catno": element.attribute("catno") ?? "",
            "entity_type": "1", "entity_type_name": "Label",
        ]
        if let id = number(element.attribute("id")) {
            label["id"] = id
            label["resource_url"] = "https://api.discogs.com/labels/\(id)"
        }
        return label
    }

    private static func company(_ element: DumpElement) -> [String: Any] {
        var company: [String: Any] = [
            "name": element.childText("name") ?? "", "catno": element.childText("catno") ?? "",
            "entity_type": element.childText("entity_type") ?? "",
            "entity_type_name": element.childText("entity_type_name") ?? "",
        ]
        if let id = number(element.childText("id")) { company["id"] = id }
        if let url = element.childText("resource_url") { company["resource_url"] = url }
        return company
    }

    private static func format(_ element: DumpElement) -> [String: Any] {
        var format: [String: Any] = ["name": element.attribute("name") ?? "", "qty": element.attribute("qty") ?? ""]
        if let text = element.attribute("text") { format["text"] = text }
        let descriptions = element.child("descriptions")?.children("description").map(\.text) ?? []
        if !descriptions.isEmpty { format["descriptions"] = descriptions }
        return format
    }

    private static func video(_ element: DumpElement) -> [String: Any] {
        var video: [String: Any] = [
            "uri": element.attribute("src") ?? "", "title": element.childText("title") ?? "",
            "description": element.childText("description") ?? "",
        ]
        if let seconds = number(element.attribute("duration")) { video["duration"] = seconds }
        if let embed = element.attribute("embed") { video["embed"] = embed == "true" }
        return video
    }

    private static func image(_ element: DumpElement) -> [String: Any] {
        var image: [String: Any] = [
            "type": element.attribute("type") ?? "", "uri": element.attribute("uri") ?? "",
            "uri150": element.attribute("uri150") ?? "", "resource_url": element.attribute("uri") ?? "",
        ]
        if let width = number(element.attribute("width")) { image["width"] = width }
        if let height = number(element.attribute("height")) { image["height"] = height }
        return image
    }

    /// The tracklist in the API's shape, with each entry's `type_` given or inferred (see the type's comment).
    static func tracklist(_ entries: [DumpElement]) -> [[String: Any]] {
        let kept = entries.filter { !isBlank($0) }
        let anyPositioned = kept.contains { !($0.childText("position") ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
        return kept.map { track($0, anyPositioned: anyPositioned) }
    }

    private static func isBlank(_ entry: DumpElement) -> Bool {
        ["position", "title", "duration"].allSatisfy { (entry.childText($0) ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
            && (entry.child("sub_tracks")?.children("track").isEmpty ?? true)
    }

    private static func track(_ entry: DumpElement, anyPositioned: Bool) -> [String: Any] {
        let position = entry.childText("position") ?? ""
        let title = entry.childText("title") ?? ""
        let duration = entry.childText("duration") ?? ""
        let subTracks = entry.child("sub_tracks")?.children("track") ?? []
        let type: String
        if let given = entry.childText("type_")?.trimmingCharacters(in: .whitespaces), !given.isEmpty {
            type = given
        } else if !subTracks.isEmpty {
            type = "index"
        } else if anyPositioned, position.trimmingCharacters(in: .whitespaces).isEmpty,
                  duration.trimmingCharacters(in: .whitespaces).isEmpty, !title.isEmpty {
            type = "heading"
        } else {
            type = "track"
        }
        var track: [String: Any] = ["position": position, "type_": type, "title": title, "duration": duration]
        let artists = credits(entry.child("artists"))
        if !artists.isEmpty { track["artists"] = artists }
        let extra = credits(entry.child("extraartists"))
        if !extra.isEmpty { track["extraartists"] = extra }
        if !subTracks.isEmpty { track["sub_tracks"] = tracklist(subTracks) }
        return track
    }

    private static func number(_ text: String?) -> Int64? {
        guard let text else { return nil }
        return Int64(text.trimmingCharacters(in: .whitespaces))
    }
}
