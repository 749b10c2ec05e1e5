/// Uploads that are more or less than the track: a whole album or disc, or one part of a medley or suite.
extension TrackMatcher {
    func fullAlbumReason(video: VideoReading, track: TrackProfile) -> String? {
        for (phrase, spaced) in zip(video.profile.albumPhrases, video.spacedAlbumPhrases)
        where !TokenMatch.contains(track.foldedTitle, spaced) {
            return "title says \"\(phrase)\""
        }
        if video.profile.discNumbered, !track.namesDisc {
            return "title names a disc"
        }
        if video.profile.timestampCount >= 4 { return "description has a timestamped tracklist" }
        if let length = video.profile.candidate.durationSeconds, length >= 20 * 60, track.duration == nil {
            return "upload is \(TrackDuration.format(length)) long"
        }
        return nil
    }

    /// Why the video is one part of a medley or suite rather than the whole entry: it names every word of some
    /// part and no word of another, and (for an index entry) not the entry's own title. Nil otherwise.
    func partOfTrack(video: VideoReading, track: TrackProfile) -> String? {
        guard !track.parts.isEmpty else { return nil }
        let present = video.similarWordInTitle
        let named = track.partIDs.indices.filter { track.partIDs[$0].allSatisfy(present) }
        let absent = track.partIDs.filter { !$0.contains(where: present) }
        guard !named.isEmpty, !absent.isEmpty else { return nil }
        if track.isIndex, track.significantCoreIDs.allSatisfy(present) { return nil }
        return "the video names \(named.count) of the \(track.parts.count) "
            + (track.isIndex ? "sub-tracks" : "songs of the medley") + " (\"" + track.parts[named[0]].joined(separator: " ")
            + "\"), not the whole entry"
    }
}
