import Foundation
import Matching
import Postgres

/// One synthetic release, generated from its index alone so each table's pass regenerates the same data.
struct SyntheticRelease {
    let id: Int64
    let index: Int
    let store: String
    let artist: String
    let title: String
    let year: Int
    let label: String
    let tracks: [(position: String, title: String, seconds: Int)]
    /// A track that no video matches (a candidate below the store threshold only).
    let hasUnmatchedTrack: Bool

    init(index: Int, request: SeedRequest, stores: [String]) {
        self.index = index
        id = SyntheticDataSeeder.firstReleaseID + Int64(index)
        store = stores[index % stores.count]
        var random = SeededGenerator(seed: request.seed &* 0x1000_0000_01B3 &+ UInt64(index))
        artist = SyntheticCatalog.artist(&random)
        title = SyntheticCatalog.title(&random, words: 1...3)
        year = 1968 + Int(random.next() % 57)
        label = random.pick(SyntheticCatalog.labels)
        let count = request.tracksPerRelease
        hasUnmatchedTrack = random.unit() < 0.2
        var tracks: [(String, String, Int)] = []
        let perSide = max(1, (count + (hasUnmatchedTrack ? 1 : 0) + 1) / 2)
        for track in 0..<(count + (hasUnmatchedTrack ? 1 : 0)) {
            let side = Character(UnicodeScalar(UInt8(65 + min(25, track / perSide))))
            let name = SyntheticCatalog.title(&random, words: 1...3)
                + (random.unit() < 0.15 ? " (\(random.pick(SyntheticCatalog.mixWords)))" : "")
            tracks.append(("\(side)\(track % perSide + 1)", name, 150 + Int(random.next() % 420)))
        }
        self.tracks = tracks
    }

    private static func fixed3(_ value: Double) -> String {
        let thousandths = Int((min(1, max(0, value)) * 1000).rounded())
        if thousandths >= 1000 { return "1.000" }
        let digits = String(thousandths)
        return "0." + String(repeating: "0", count: 3 - digits.count) + digits
    }

    private static func duration(_ seconds: Int) -> String {
        "\(seconds / 60):\(seconds % 60 < 10 ? "0" : "")\(seconds % 60)"
    }

    func releaseLine(matched: Bool) -> String {
        var tracklist = "["
        for (i, track) in tracks.enumerated() {
            if i > 0 { tracklist += "," }
            tracklist += "{\"position\":\"\(track.position)\",\"type_\":\"track\",\"title\":\(CopyText.jsonString(track.title)),\"duration\":\"\(Self.duration(track.seconds))\"}"
        }
        tracklist += "]"
        let genre = SyntheticCatalog.genres[index % SyntheticCatalog.genres.count]
        let style = SyntheticCatalog.styles[index % SyntheticCatalog.styles.count]
        let fields = [
            String(id), store, CopyText.escape(title), CopyText.escape(artist), String(year), CopyText.escape(label),
            "SYN-\(index)", "[\(CopyText.jsonString(genre))]", "[\(CopyText.jsonString(style))]", CopyText.escape(tracklist),
            "https://www.discogs.com/release/\(id)", matched ? "t" : "f",
        ]
        return fields.joined(separator: "\t") + "\n"
    }

    /// The URL and platform of the recording proposed for a track.
    private func url(track: Int, variant: Int) -> (platform: String, url: String) {
        let key = UInt64(bitPattern: id) &* 31 &+ UInt64(track) &* 7 &+ UInt64(variant)
        if key % 10 == 0 {
            return ("soundcloud", "https://soundcloud.com/synthetic-\(index % 997)/track-\(track)-\(variant)")
        }
        return ("youtube", "https://www.youtube.com/watch?v=\(SyntheticCatalog.videoID(key))")
    }

    /// Status of a matched track, from its index alone: most auto-approved, some decided by people, many pending.
    private func status(track: Int) -> (confidence: Double, approved: Bool, verifiedBy: String?, rival: Double?) {
        var random = SeededGenerator(seed: UInt64(bitPattern: id) &* 0x9E37 &+ UInt64(track))
        let u = random.unit()
        let v = random.unit()
        switch u {
        case ..<0.55: return (0.80 + v * 0.19, true, "rotation-matcher", nil)
        case ..<0.62: return (0.55 + v * 0.40, true, random.pick(SyntheticCatalog.reviewers), nil)
        case ..<0.65: return (0.50 + v * 0.30, false, random.pick(SyntheticCatalog.reviewers), nil)
        case ..<0.72: let c = 0.82 + v * 0.15; return (c, false, nil, c - 0.03)  // ambiguous: a rival within the margin
        default: let c = 0.50 + v * 0.2999; return (c, false, nil, max(0.1, c - 0.15))
        }
    }

    func matchLines(_ send: (String) throws -> Void) rethrows {
        for track in 0..<(tracks.count - (hasUnmatchedTrack ? 1 : 0)) {
            let status = status(track: track)
            let (platform, matchURL) = url(track: track, variant: 0)
            // Spread over the last 90 days so "oldest pending" and time columns look lived-in.
            let age = (Int(id) &* 7919 &+ track &* 104_729) % (90 * 86_400)
            let stamp = SyntheticRelease.timestamp(secondsAgo: age)
            try send("\(id)\t\(track)\t\(platform)\t\(matchURL)\t\(Self.fixed3(status.confidence))\t\(status.approved ? "t" : "f")\t\(status.verifiedBy ?? "\\N")\t\(stamp)\t\(stamp)\t\(stamp)\n")
        }
    }

    func candidateLines(_ send: (String) throws -> Void) rethrows {
        for track in 0..<tracks.count {
            let isUnmatched = hasUnmatchedTrack && track == tracks.count - 1
            if isUnmatched {
                let (platform, candidateURL) = url(track: track, variant: 0)
                let confidence = 0.15 + Double(track % 7) * 0.045
                try send(candidateLine(track: track, platform: platform, url: candidateURL, confidence: confidence, suffix: " (Live)"))
                continue
            }
            let status = status(track: track)
            // Candidates are kept for tracks a person may look at: pending ones and those people decided.
            guard !(status.approved && status.verifiedBy == "rotation-matcher") else { continue }
            let (platform, candidateURL) = url(track: track, variant: 0)
            try send(candidateLine(track: track, platform: platform, url: candidateURL, confidence: status.confidence, suffix: ""))
            if let rival = status.rival {
                let (rivalPlatform, rivalURL) = self.url(track: track, variant: 1)
                try send(candidateLine(track: track, platform: rivalPlatform, url: rivalURL, confidence: rival,
                                       suffix: " (\(SyntheticCatalog.mixWords[track % SyntheticCatalog.mixWords.count]))"))
            }
        }
    }

    private func candidateLine(track: Int, platform: String, url: String, confidence: Double, suffix: String) -> String {
        let title = "\(artist) - \(tracks[track].title)\(suffix)"
        // Contributions add up to the confidence, as the matcher's evidence does.
        let titlePart = confidence * 0.6, artistPart = confidence * 0.15, durationPart = confidence * 0.25
        let evidence = "{\"signals\":[{\"name\":\"title\",\"value\":\(Self.fixed3(titlePart / 0.55)),\"weight\":0.55,\"contribution\":\(Self.fixed3(titlePart))},{\"name\":\"artist\",\"value\":\(Self.fixed3(artistPart / 0.2)),\"weight\":0.2,\"contribution\":\(Self.fixed3(artistPart))},{\"name\":\"duration\",\"value\":\(Self.fixed3(durationPart / 0.25)),\"weight\":0.25,\"contribution\":\(Self.fixed3(durationPart))}],\"synthetic\":true}"
        return "\(id)\t\(track)\t\(platform)\t\(url)\t\(CopyText.escape(title))\t\(Self.fixed3(confidence))\t\(evidence)\n"
    }

    /// One `processing_queue` line of COPY text, ending with the listing's release object (`release_data`).
    func queueLine(matched: Bool) throws -> String {
        let releaseData = CopyText.escape(try DiscogsListingRelease(
            id: id, description: "\(artist) - \(title)", artist: artist, title: title, year: year,
            catalogNumber: "SYN-\(index)").releaseDataJSON)
        return queueFields(matched: matched) + "\t\(releaseData)\n"
    }

    /// The line's fields before `release_data`.
    private func queueFields(matched: Bool) -> String {
        let age = (index &* 7907) % (30 * 86_400)
        let queued = SyntheticRelease.timestamp(secondsAgo: age + 3600)
        if !matched {
            let priority = index % 50 == 0 ? 5 : 0
            return "\(store)\t\(id)\tqueued\t\(priority)\t\(SyntheticRelease.timestamp(secondsAgo: index % 3600))\t\\N\t\\N\t0\t\\N"
        }
        let done = SyntheticRelease.timestamp(secondsAgo: age)
        switch index % 100 {
        case 0:
            let message = String(format: SyntheticCatalog.failures[index / 100 % SyntheticCatalog.failures.count], id, id)
            return "\(store)\t\(id)\tfailed\t0\t\(queued)\t\(queued)\t\(done)\t5\t\(CopyText.escape(message))"
        case 1 where index == 1:
            // Marked processing by a worker that never came back (no lease): shows as stuck. One at every size: stuck
            // jobs come from workers that die, not from the size of the catalogue (the queue pane lists up to 50).
            return "\(store)\t\(id)\tprocessing\t0\t\(queued)\t\(queued)\t\\N\t0\t\\N"
        default:
            return "\(store)\t\(id)\tcompleted\t0\t\(queued)\t\(queued)\t\(done)\t0\t\\N"
        }
    }

    /// A `GET /releases/{id}` body: the tracklist plus videos a worker can match (one per track, sometimes a
    /// different mix, and a full-album upload).
    func bodyJSON() -> String {
        var tracklist: [String] = []
        var videos: [String] = []
        for (i, track) in tracks.enumerated() {
            tracklist.append("{\"position\":\"\(track.position)\",\"type_\":\"track\",\"title\":\(CopyText.jsonString(track.title)),\"duration\":\"\(Self.duration(track.seconds))\"}")
            if hasUnmatchedTrack && i == tracks.count - 1 { continue }
            let (_, videoURL) = url(track: i, variant: 0)
            videos.append("{\"uri\":\"\(videoURL)\",\"title\":\(CopyText.jsonString("\(artist) - \(track.title)")),\"duration\":\(track.seconds + i % 3),\"embed\":true}")
            if i % 4 == 1 {
                let (_, remix) = url(track: i, variant: 1)
                videos.append("{\"uri\":\"\(remix)\",\"title\":\(CopyText.jsonString("\(artist) - \(track.title) (Dub Remix)")),\"duration\":\(track.seconds + 95),\"embed\":true}")
            }
        }
        let total = tracks.reduce(0) { $0 + $1.seconds }
        let (_, album) = url(track: 999, variant: 2)
        videos.append("{\"uri\":\"\(album)\",\"title\":\(CopyText.jsonString("\(artist) - \(title) (Full Album)")),\"duration\":\(total),\"embed\":true}")
        return "{\"id\":\(id),\"title\":\(CopyText.jsonString(title)),\"artists\":[{\"name\":\(CopyText.jsonString(artist)),\"anv\":\"\",\"join\":\"\"}],\"year\":\(year),\"labels\":[{\"name\":\(CopyText.jsonString(label)),\"catno\":\"SYN-\(index)\"}],\"genres\":[\"Electronic\"],\"styles\":[\"House\"],\"tracklist\":[\(tracklist.joined(separator: ","))],\"videos\":[\(videos.joined(separator: ","))],\"uri\":\"https://www.discogs.com/release/\(id)\"}"
    }

    /// `timestamptz` text for a moment some seconds before the load. Formatting a million dates one by one is
    /// slow, so whole days are formatted once and the time of day is appended.
    static func timestamp(secondsAgo: Int) -> String {
        let moment = referenceEpoch - secondsAgo
        let day = moment / 86_400
        let seconds = moment % 86_400
        let prefix = dayPrefixes[day] ?? String(PostgresTimestamp.format(Date(timeIntervalSince1970: Double(day * 86_400))).prefix(11))
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return prefix + two(seconds / 3600) + ":" + two(seconds / 60 % 60) + ":" + two(seconds % 60) + "Z"
    }

    static let referenceEpoch = Int(Date().timeIntervalSince1970)
    static let dayPrefixes: [Int: String] = {
        let today = referenceEpoch / 86_400
        var prefixes: [Int: String] = [:]
        for day in (today - 120)...today {
            prefixes[day] = String(PostgresTimestamp.format(Date(timeIntervalSince1970: Double(day * 86_400))).prefix(11))
        }
        return prefixes
    }()
}
