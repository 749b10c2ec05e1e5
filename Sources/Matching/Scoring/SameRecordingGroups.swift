/// One recording, several uploads: candidates of a track that are the same recording are marked as a group, so the
/// policy can tell duplicates of one recording (not ambiguous) from two recordings (ambiguous).
extension TrackMatcher {
    /// Marks candidates (best first) that are uploads of one recording: the same length (within
    /// `sameRecordingTolerance`, or `sameRecordingToleranceWithoutTrackLength` when the track has no length) and the
    /// same version words, neither a whole album. Each member gets a `same_recording` signal whose detail names the
    /// group by its best upload, so the policy can tell duplicates of one recording (not ambiguous) from two
    /// recordings (ambiguous) with nothing but the stored evidence.
    func markSameRecordings(_ candidates: [ScoredCandidate], track: TrackProfile, profiles: [String: VideoProfile],
                            context: ReleaseContext) -> [ScoredCandidate] {
        let tolerance = track.duration == nil
            ? configuration.sameRecordingToleranceWithoutTrackLength : configuration.sameRecordingTolerance
        let maxApart = track.duration == nil ? configuration.sameRecordingMaxSecondsWithoutTrackLength : Int.max
        // Each group: its members (indices into `candidates`, the best first), and the lead's length and version.
        var groups: [(members: [Int], length: Int, versions: Set<String>)] = []
        for (index, candidate) in candidates.enumerated() {
            guard candidate.confidence > 0, let profile = profiles[candidate.url], profile.albumPhrases.isEmpty,
                  let length = candidate.durationSeconds else { continue }
            // The version a video is: the one it names, or the track's when its length says so.
            let named = profile.versionWords.subtracting(context.versionNeutralTokens)
            let versions = candidate.evidence.signal("version_by_length") == nil
                ? named : named.union(track.title.versionWords)
            if let g = groups.firstIndex(where: { group in
                Self.sameLength(length, group.length, tolerance: tolerance) && abs(length - group.length) <= maxApart
                    && group.versions == versions
            }) {
                groups[g].members.append(index)
            } else {
                groups.append(([index], length, versions))
            }
        }
        var out = candidates
        for group in groups where group.members.count > 1 {
            let lead = candidates[group.members[0]]
            let detail = "one of \(group.members.count) uploads of the same title and length "
                + "(\(TrackDuration.format(lead.durationSeconds ?? 0))); the first is \(lead.url)"
            for index in group.members {
                // Before the closing exclusivity signal, which stays last.
                let signals = out[index].evidence.signals
                out[index].evidence.signals.insert(EvidenceSignal(
                    name: MatchEvidence.sameRecordingSignal, value: 1, weight: 0, contribution: 0, detail: detail),
                    at: max(0, signals.count - 1))
            }
        }
        return out
    }

    /// Two lengths of one recording: apart by at most `tolerance` of the longer one, or 6 s for short tracks.
    static func sameLength(_ a: Int, _ b: Int, tolerance: Double) -> Bool {
        Double(abs(a - b)) <= max(6, tolerance * Double(max(a, b)))
    }
}
