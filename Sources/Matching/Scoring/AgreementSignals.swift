import Foundation

/// Artist and length agreement: the two signals that corroborate a title.
extension TrackMatcher {
    struct Measure {
        var value: Double
        var detail: String
        var severe = false
        /// Both lengths known and equal within a few seconds (`exactLengthSeconds`).
        var exact = false
    }

    func artistAgreement(video: VideoReading, track: TrackProfile, context: ReleaseContext) -> Measure {
        if track.artists.contains(where: video.titleNames(artist:)) {
            return Measure(value: 1, detail: "credited artist named in the title")
        }
        if track.artists.contains(where: { video.artistInDescription[$0] }) {
            return Measure(value: 0.7, detail: "credited artist named in the description")
        }
        if track.hasOwnArtists, context.releaseArtistIndices.contains(where: video.titleNames(artist:)) {
            return Measure(value: 0.4, detail: "only the release artist is named")
        }
        return Measure(value: 0, detail: track.artists.isEmpty ? "no credited artist" : "artist not named")
    }

    func durationAgreement(video: VideoReading, track: TrackProfile) -> Measure {
        guard let videoLength = video.profile.candidate.durationSeconds, let trackLength = track.duration, trackLength > 0
        else {
            return Measure(value: configuration.unknownDurationValue, detail: "length unknown")
        }
        let delta = Double(abs(videoLength - trackLength))
        let tolerance = max(20, 0.1 * Double(trackLength))
        let excess = max(0, delta - 3) / tolerance
        let ratio = Double(videoLength) / Double(trackLength)
        let detail = "video \(video.durationText) vs track \(track.durationText)"
        return Measure(value: exp(-excess * excess), detail: detail, severe: ratio < 0.67 || ratio > 1.5,
                       exact: delta <= configuration.exactLengthSeconds)
    }
}
