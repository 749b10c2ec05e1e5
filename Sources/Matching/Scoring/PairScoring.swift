/// The raw score of one (video, track) pair with every signal behind it: title, artist and length agreement, then
/// the penalties (unexplained text, another number, the release's name only, a whole album, another version, a
/// different length). The reasoning across the release's tracks comes after, in `TrackMatcher.match`.
extension TrackMatcher {
    struct PairScore { var value: Double; var signals: [EvidenceSignal] }

    func score(video: VideoReading, track: TrackProfile, context: ReleaseContext) -> PairScore {
        let cfg = configuration
        var signals: [EvidenceSignal] = []
        signals.reserveCapacity(12)

        // Title similarity.
        // A title given in two languages ("Máscaras = Masks") is named by either.
        var title = titleSimilarity(video: video, track: track, context: context)
        for translation in track.translations {
            let measure = titleSimilarity(video: video, track: translation, context: context)
            if title.value < measure.value { title = measure }
        }
        let titleContribution = cfg.titleWeight * title.value
        signals.append(EvidenceSignal(
            name: "title", value: Self.round(title.value), weight: cfg.titleWeight,
            contribution: Self.round(titleContribution), detail: title.detail))

        if !video.numberingIDs.isEmpty {
            let own = video.numberingIDs.contains { $0.map(track.contextSet.contains) ?? false }
            signals.append(EvidenceSignal(
                name: "uploader_numbering", value: own ? 1 : 0, weight: 0, contribution: 0,
                detail: own ? video.numberingDetailOwn : video.numberingDetailOther))
        }

        // Artist agreement; what the uploader is (an art track, a Topic or the label's channel) can vouch for it.
        var artist = artistAgreement(video: video, track: track, context: context)
        let uploader = uploaderVerdict(video: video, track: track, context: context)
        if case .vouches(let name, let detail) = uploader {
            // An official upload names its artist in its description already (counted there): raising it further
            // would tie two official uploads of different lengths. An artist's own channel is the artist named; a
            // label's channel vouches less (it uploads many artists).
            let floor = name == "artist_channel" ? 1 : name == "label_channel" ? cfg.labelChannelArtistValue : 0
            if artist.value < floor { artist = Measure(value: floor, detail: detail) }
            signals.append(EvidenceSignal(name: name, value: 1, weight: 0, contribution: 0, detail: detail))
        }
        signals.append(EvidenceSignal(
            name: "artist", value: artist.value, weight: cfg.artistWeight,
            contribution: Self.round(cfg.artistWeight * artist.value), detail: artist.detail))

        // Duration agreement.
        let duration = durationAgreement(video: video, track: track)
        signals.append(EvidenceSignal(
            name: "duration", value: Self.round(duration.value), weight: cfg.durationWeight,
            contribution: Self.round(cfg.durationWeight * duration.value), detail: duration.detail))

        // Artist and length only corroborate: they count in full once the title names the song, and not at all
        // when it does not (the same artist's other song of about the same length is no match).
        let corroboration = min(1, title.value / cfg.corroborationTitleLevel)
        var value = titleContribution
            + corroboration * (cfg.artistWeight * artist.value + cfg.durationWeight * duration.value)
        if corroboration < 1 {
            signals.append(EvidenceSignal(
                name: "corroboration", value: Self.round(corroboration), weight: 1,
                contribution: Self.round(-(1 - corroboration) * (cfg.artistWeight * artist.value
                    + cfg.durationWeight * duration.value)),
                detail: "artist and length count only as far as the title names the song"))
        }

        func penalise(_ name: String, _ factor: Double, _ detail: String) {
            let before = value
            value *= factor
            signals.append(EvidenceSignal(
                name: name, value: factor, weight: 1, contribution: Self.round(value - before), detail: detail))
        }

        if case .otherArtist(let detail) = uploader {
            penalise("official_artist_differs", cfg.otherOfficialArtistFactor, detail)
        }
        if let segment = title.unaccountedSegment {
            penalise("unaccounted_text", cfg.unaccountedSegmentFactor, "nothing accounts for \"\(segment)\"")
        }
        let trackNumbers = track.identifyingNumbers
        let videoNumbers = video.identifyingNumbers
        if !trackNumbers.isEmpty, !videoNumbers.isEmpty, trackNumbers.isDisjoint(with: videoNumbers) {
            penalise("number_conflict", cfg.numberConflictFactor,
                     "track is number \(trackNumbers.sorted().joined(separator: "/")), the video says \(videoNumbers.sorted().joined(separator: "/"))")
        }
        if context.namesOnlyRelease(video: video, track: track) {
            penalise("names_release", cfg.namesReleaseFactor, "video names the release, not this track")
        }
        if let other = context.trackNamedWithHeading(video: video, besides: track) {
            penalise("names_heading", cfg.namesReleaseFactor,
                     "the video names \(other.label) \"\(other.track.title)\" with its heading, which is this track's title")
        }
        if let album = fullAlbumReason(video: video, track: track) {
            penalise("full_album", cfg.fullAlbumFactor, album)
        }
        // Version words that are part of the release's names ("Live At Leeds", the band Live) describe every track.
        // A track title's own word ("Room To Live") does not make the release live.
        var extraVersions = video.versionWordsBeyondRelease.isEmpty
            ? [] : video.versionWordsBeyondRelease.subtracting(track.titleTokens)
        if context.isLive, video.profile.versionWords.contains("live"), !track.namesLive {
            signals.append(EvidenceSignal(
                name: "live_release", value: 1, weight: 0, contribution: 0,
                detail: "the release is a live recording: the video's \"live\" names this release's version"))
        }
        if !extraVersions.isEmpty, extraVersions.isSubset(of: Vocabulary.remixWords),
           context.isRemixedByReleaseArtist(video: video, track: track) {
            // "soz.IO - Gimme Chocolate (Ayane Fukumi Remix)" on Ayane Fukumi's own record: the remix is this
            // release's version of another artist's track.
            signals.append(EvidenceSignal(
                name: "remix_by_release_artist", value: 1, weight: 1, contribution: 0,
                detail: "the video's \(extraVersions.sorted().joined(separator: "/")) is by the release's artist, "
                    + "on a track credited to another"))
            extraVersions = []
        }
        // Most videos name no other version: no set is filtered (nor allocated) for them.
        let strongExtra = extraVersions.isEmpty ? [] : extraVersions.filter(Vocabulary.strongVersionWords.contains)
        if !strongExtra.isEmpty {
            penalise("different_version", cfg.differentVersionFactor,
                     "video is a \(strongExtra.sorted().joined(separator: "/")) version")
        } else if !extraVersions.isEmpty {
            penalise("different_mix", cfg.lesserVersionFactor,
                     "video names a \(extraVersions.sorted().joined(separator: "/")) the track does not")
        }
        let missingVersions = track.title.versionWords.isEmpty
            ? [] : track.title.versionWords.subtracting(video.profile.tokenSet)
        if !missingVersions.isEmpty {
            let strong = missingVersions.contains(where: Vocabulary.strongVersionWords.contains)
            let named = missingVersions.sorted().joined(separator: "/")
            if !strong, extraVersions.isEmpty, duration.exact {
                // A radio edit and the extended mix differ in length: a length that agrees says which one it is.
                signals.append(EvidenceSignal(
                    name: "version_by_length", value: 1, weight: 1, contribution: 0,
                    detail: "track is the \(named) version; the video does not say so, but its length agrees (\(duration.detail))"))
            } else {
                penalise("version_not_named", strong ? cfg.differentVersionFactor : cfg.unnamedMixFactor,
                         "track is the \(named) version; the video does not say so")
            }
        }
        if let part = partOfTrack(video: video, track: track) {
            // Policy, not score: one song of a medley, or one sub-track of a suite, is not the whole entry; a person
            // decides.
            signals.append(EvidenceSignal(name: "part_of_track", value: 1, weight: 0, contribution: 0, detail: part))
        }
        if context.isDJMixed, !duration.exact {
            // A DJ mix cuts its tracks in and out of each other: the single's upload is another version of the mixed
            // segment unless its length agrees with the segment's.
            signals.append(EvidenceSignal(
                name: "mixed_segment", value: 1, weight: 0, contribution: 0,
                detail: "the release is a DJ mix and the lengths do not agree (\(duration.detail)): "
                    + "the upload is the single, not the mixed segment"))
        }
        if duration.severe {
            penalise("duration_mismatch", cfg.durationMismatchFactor, duration.detail)
        } else if duration.value < cfg.differentLengthLevel {
            // Well outside the tolerance but not grossly: a video edit, a single edit or another take.
            penalise("different_length", cfg.differentLengthFactor, "another edit or take? \(duration.detail)")
        }
        return PairScore(value: value, signals: signals)
    }

    static func round(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
}
