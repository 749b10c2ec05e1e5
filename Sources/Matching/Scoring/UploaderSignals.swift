/// What the uploader's identity says about a (video, track) pair: an official source (an art track, an "Artist -
/// Topic" channel) that names the track's artist is the artist's own recording; one that names another artist is
/// someone else's (a cover, a namesake); the artist's own channel or account ("The Persuader", "ThePersuaderVEVO",
/// a SoundCloud uploader) is theirs; the release label's own channel vouches for the release's artists.
extension TrackMatcher {
    enum UploaderVerdict {
        /// An official source names the track's artist, or the release label's channel uploaded it.
        case vouches(signal: String, detail: String)
        /// An official source names only other artists.
        case otherArtist(detail: String)
    }

    func uploaderVerdict(video: VideoReading, track: TrackProfile, context: ReleaseContext) -> UploaderVerdict? {
        let uploader = video.profile.uploader
        let credited = track.artists.map { context.artists[$0] }
        if !uploader.officialArtists.isEmpty, !credited.isEmpty {
            let named = credited.contains { artist in
                uploader.officialArtists.contains { Self.sameArtist(artist.compact, $0) }
            }
            return named
                ? .vouches(signal: "official_upload", detail: uploader.officialSource + ", the track's artist")
                : .otherArtist(detail: uploader.officialSource + ", not the track's artist")
        }
        let channel = Self.channelOwner(uploader.channelCompact)
        if !channel.isEmpty, credited.contains(where: { Self.sameArtist($0.compact, channel) }) {
            return .vouches(signal: "artist_channel", detail: "uploaded by the track's artist's own channel")
        }
        if !uploader.channelCompact.isEmpty, context.labelCompacts.contains(uploader.channelCompact) {
            return .vouches(signal: "label_channel", detail: "uploaded by the release label's channel")
        }
        return nil
    }

    /// A channel's name without the suffixes artists' channels carry ("thepersuadervevo", "thepersuaderofficial").
    static func channelOwner(_ compact: String) -> String {
        for suffix in ["vevo", "official", "music"] where compact.hasSuffix(suffix) && compact.count > suffix.count + 2 {
            return String(compact.dropLast(suffix.count))
        }
        return compact
    }

    /// Two compact artist names are one artist when equal, or when one holds the other and both are long enough
    /// to mean it ("beatles" in "thebeatles").
    static func sameArtist(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard a.count >= 4, b.count >= 4 else { return false }
        return a.contains(b) || b.contains(a)
    }
}
