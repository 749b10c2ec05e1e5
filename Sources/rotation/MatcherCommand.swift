import ArgumentParser
import Foundation
import Matching
import Rotation

/// `rotation matcher ...`: tools for the matcher itself (eval needs no server; calibrate and threshold --dry-run
/// read Postgres: MatcherCalibrationCommands.swift).
struct MatcherCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matcher",
        abstract: "Evaluate the track matcher offline; calibrate its auto-approve threshold from reviewers' decisions.",
        subcommands: [Eval.self, MatcherCalibrate.self, MatcherThreshold.self])

    /// `rotation matcher eval --labels FILE [--labels FILE ...] [--releases DIR ...] [--json]`
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score the matcher against labelled Discogs releases.",
            discussion: """
                Runs the matcher over the releases each --labels file names and scores it against those labels \
                (the format of Tests/Fixtures/discogs/labels.json): auto-approve precision and recall, top-1 \
                accuracy, false-match rate and review load, per release, per labels file and overall, and why each \
                missed track was not auto-approved (wrong approval, ambiguous, wrong version, below threshold, \
                wrong candidate, no candidate). Release bodies (<id>.json) are looked up in every --releases \
                directory, or, without --releases, in the releases/ directory beside each labels file.

                With --search youtube the candidates are what YouTube finds for each track (the API at \
                YOUTUBE_API_URL with YOUTUBE_API_KEY; no database, so no search cache and no daily budget), beside \
                each release's Discogs videos unless --no-release-videos (then only the tracks those leave \
                unmatched are searched, as the worker does); the report adds the searches made and the quota units \
                used, per release and overall.

                With --search soundcloud the candidates come from SoundCloud's API at SOUNDCLOUD_API_URL (token from \
                SOUNDCLOUD_AUTH_URL with SOUNDCLOUD_CLIENT_ID and SOUNDCLOUD_CLIENT_SECRET, the secret never printed), \
                the same way; SoundCloud has no unit quota, so its quota units are 0.
                """)

        @Option(name: .long, help: "Labels file (JSON array in the format of labels.json); repeat for several.")
        var labels: [String]

        @Option(name: .long, help: "Directory of Discogs release bodies (<id>.json); repeatable. Default: releases/ beside each labels file.")
        var releases: [String] = []

        @Flag(name: .long, help: "Print the report as JSON.")
        var json = false

        @Flag(name: .long, help: "List every evaluated track in the table.")
        var tracks = false

        @Option(name: .long, help: "Score what a search provider finds for each track (youtube or soundcloud).")
        var search: EvaluationSearchProvider?

        @Flag(name: .long, help: "With --search: score only the search results, not the releases' Discogs videos.")
        var noReleaseVideos = false

        @Option(name: .long, help: "Auto-approve threshold.")
        var autoApprove: Double = MatchPolicy.default.autoApproveThreshold

        @Option(name: .long, help: "Store (pending review) threshold.")
        var store: Double = MatchPolicy.default.storeThreshold

        @Option(name: .long, help: "Ambiguity margin between two auto-approvable candidates.")
        var ambiguityMargin: Double = MatchPolicy.default.ambiguityMargin

        func validate() throws {
            guard !labels.isEmpty else { throw ValidationError("give at least one --labels file") }
            var isDirectory: ObjCBool = false
            for file in labels {
                guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue else {
                    throw ValidationError("labels file not found: \(file)")
                }
            }
            for directory in releaseDirectories.map(\.path) {
                guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
                else { throw ValidationError("releases directory not found: \(directory)") }
            }
            for (name, value) in [("--auto-approve", autoApprove), ("--store", store), ("--ambiguity-margin", ambiguityMargin)]
            where !(0...1).contains(value) {
                throw ValidationError("\(name) must be between 0 and 1, got \(value)")
            }
            guard store <= autoApprove else { throw ValidationError("--store must not exceed --auto-approve") }
            if noReleaseVideos && search == nil { throw ValidationError("--no-release-videos needs --search") }
        }

        /// Every directory that will be searched for release bodies.
        var releaseDirectories: [URL] { labelSets.flatMap(\.releaseDirectories) }

        var labelSets: [LabelSet] {
            labels.map { file in
                let labelsFile = URL(fileURLWithPath: file)
                return releases.isEmpty ? LabelSet(labelsFile: labelsFile)
                    : LabelSet(labelsFile: labelsFile, releaseDirectories: releases.map { URL(fileURLWithPath: $0) })
            }
        }

        func run() throws {
            let policy = MatchPolicy(autoApproveThreshold: autoApprove, storeThreshold: store, ambiguityMargin: ambiguityMargin)
            let evaluation = MatcherEvaluation(policy: policy)
            let report: EvaluationReport
            do {
                report = try evaluation.evaluate(labelSets, source: try searchSource(policy: policy))
            } catch let error as DiscogsDecodingError {
                throw MatcherInputError(message: "bad input: \(error.description)")
            } catch let error as YouTubeSearchError {
                throw MatcherInputError(message: "search failed: \(error.description)")
            } catch let error as SoundCloudSearchError {
                throw MatcherInputError(message: "search failed: \(error.description)")
            }
            if json {
                try printJSON(report)
            } else {
                printLine(EvaluationReportFormatter.table(report, showTracks: tracks))
            }
            if report.releases.isEmpty {
                let searched = Set(releaseDirectories.map(\.path)).sorted().joined(separator: ", ")
                throw MatcherInputError(message: "no labelled release was found in \(searched)")
            }
        }
    }
}

extension MatcherCommand.Eval {
    /// The provider behind --search, configured from the environment (the key is never printed).
    func searchSource(policy: MatchPolicy) throws -> (any EvaluationCandidateSource)? {
        switch search {
        case nil: return nil
        case .youtube:
            return SearchEvaluationSource.youTube(client: YouTubeClient(configuration: try YouTubeSearchConfiguration()),
                                                  includesReleaseVideos: !noReleaseVideos, policy: policy)
        case .soundcloud:
            return SearchEvaluationSource.soundCloud(
                client: SoundCloudClient(configuration: try SoundCloudSearchConfiguration()),
                includesReleaseVideos: !noReleaseVideos, policy: policy)
        }
    }
}

/// The search providers `matcher eval --search` can ask.
enum EvaluationSearchProvider: String, ExpressibleByArgument, CaseIterable {
    case youtube, soundcloud
}

/// A problem with the files given to `matcher eval`; reported as one line, exit status 1.
struct MatcherInputError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
