import Foundation
import Matching
import Postgres

/// How a worker uses one search provider (YouTube, SoundCloud): only for the tracks the release's candidates so far
/// leave unmatched (no candidate at or above the store threshold), through the provider (its cache first, then the
/// API; YouTube's within the shared daily budget, reserved before each call). When search cannot be made now it
/// says until when (`SearchDeferral`) and stops asking that provider for that long, so a spent quota or a failing
/// API is not asked again for every job.
final class WorkerSearch {
    /// The provider's name, as in a candidate's `source` ("youtube", "soundcloud").
    let name: String
    /// The cache's answers for a release's queries, by normalized query, in one round trip.
    private let cached: ([SearchQuery]) throws -> [String: [CandidateVideo]]
    /// The API, for a query the cache missed.
    private let searchAPI: (SearchQuery) throws -> [CandidateVideo]
    /// How long to stop asking after an error of this provider; nil for an error that is not the provider's (a
    /// database error), thrown as is.
    private let pauseKind: (any Error) -> PauseKind?
    /// When searching may resume, and why it stopped; nil while searching works.
    private var pause: (until: Date, deferral: SearchDeferral)?
    /// Failures in a row that waiting a little may cure (5xx, timeouts, 429): each doubles the pause.
    private var transientFailures = 0
    private let now: () -> Date

    /// What waiting cures an error: the next quota day, a person (looked at again within the hour), or a little
    /// time (doubling).
    enum PauseKind { case untilNextQuotaDay, untilSomeoneActs, transient }

    init(name: String, now: @escaping () -> Date = Date.init,
         cached: @escaping ([SearchQuery]) throws -> [String: [CandidateVideo]],
         searchAPI: @escaping (SearchQuery) throws -> [CandidateVideo],
         pauseKind: @escaping (any Error) -> PauseKind?) {
        self.name = name; self.now = now; self.cached = cached; self.searchAPI = searchAPI; self.pauseKind = pauseKind
    }

    /// YouTube, within the shared daily budget.
    convenience init(youTube provider: YouTubeSearchProvider, now: @escaping () -> Date = Date.init) {
        self.init(name: YouTubeSearchProvider.name, now: now,
                  cached: { try provider.cached($0).mapValues { $0.map(\.candidate) } },
                  searchAPI: { try provider.searchAPI($0).candidates }, pauseKind: { error in
            guard let error = error as? YouTubeSearchError else { return nil }
            switch error.kind {
            case .quotaExceeded, .budgetExhausted: return .untilNextQuotaDay
            case .keyInvalid, .notConfigured, .http: return .untilSomeoneActs
            case .server, .timeout, .transport, .badResponse: return .transient
            }
        })
    }

    /// SoundCloud: no unit quota to keep; 429 (too many requests) backs off like a failing server.
    convenience init(soundCloud provider: SoundCloudSearchProvider, now: @escaping () -> Date = Date.init) {
        self.init(name: SoundCloudSearchProvider.name, now: now,
                  cached: { try provider.cached($0).mapValues { $0.map(\.candidate) } },
                  searchAPI: { try provider.searchAPI($0).candidates }, pauseKind: { error in
            guard let error = error as? SoundCloudSearchError else { return nil }
            switch error.kind {
            case .credentialsInvalid, .notConfigured, .http: return .untilSomeoneActs
            case .rateLimited, .server, .timeout, .transport, .badResponse: return .transient
            }
        })
    }

    /// Longest pause: an hour, as the queue's own longest backoff.
    static let maxPauseSeconds = 3_600.0
    static let firstTransientPauseSeconds = 30.0

    /// The uploads search finds for `trackIndices` of `release`, in that order (duplicates left to the matcher), how
    /// many tracks were searched, and the seconds spent in searches the cache could not answer (the API's calls with
    /// their quota reservations). Throws `SearchDeferral` when search is paused or fails in a way waiting cures;
    /// a database error (the ledger, the cache) is thrown as is.
    func candidates(for release: DiscogsRelease, tracks trackIndices: [Int])
        throws -> (videos: [CandidateVideo], searched: Int, apiSeconds: Double) {
        let queries = trackIndices.compactMap { SearchQuery(release: release, trackIndex: $0) }
        guard !queries.isEmpty else { return ([], 0, 0) }
        if let pause {
            if pause.until > now() { throw pause.deferral.remaining(until: pause.until, now: now()) }
            self.pause = nil
        }
        var videos: [CandidateVideo] = []
        var apiSeconds = 0.0
        do {
            // The cache first for every track at once; a query two tracks share is asked once.
            let answered = try cached(queries)
            var asked: Set<String> = []
            for query in queries where asked.insert(query.normalized).inserted {
                if let hit = answered[query.normalized] {
                    videos += hit
                    continue
                }
                let start = ContinuousClock.now
                videos += try searchAPI(query)
                apiSeconds += (ContinuousClock.now - start) / .seconds(1)
                transientFailures = 0
            }
        } catch {
            guard let kind = pauseKind(error) else { throw error }
            throw pauseAfter(error, kind: kind)
        }
        return (videos, queries.count, apiSeconds)
    }

    /// Pauses searching after `error` and returns the deferral the job carries.
    private func pauseAfter(_ error: any Error, kind: PauseKind) -> SearchDeferral {
        let seconds: Double
        switch kind {
        case .untilNextQuotaDay:
            seconds = Self.secondsUntilNextQuotaDay(from: now())
        case .untilSomeoneActs:
            seconds = Self.maxPauseSeconds   // a person must act; look again within the hour
        case .transient:
            transientFailures += 1
            seconds = min(Self.maxPauseSeconds, Self.firstTransientPauseSeconds * pow(2, Double(transientFailures - 1)))
        }
        let deferral = SearchDeferral(reason: String(describing: error), seconds: seconds)
        pause = (now().addingTimeInterval(seconds), deferral)
        return deferral
    }

    /// Seconds from `date` to the next midnight in America/Los_Angeles, when YouTube's quota (and our ledger's day,
    /// `SearchQuotaLedger.today`) starts again, plus a minute so the ledger's new day has surely begun.
    static func secondsUntilNextQuotaDay(from date: Date) -> Double {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/Los_Angeles") ?? TimeZone(secondsFromGMT: -8 * 3_600)!
        let start = calendar.startOfDay(for: date)
        let next = calendar.date(byAdding: .day, value: 1, to: start) ?? date.addingTimeInterval(86_400)
        return next.timeIntervalSince(date) + 60
    }
}

/// Search was needed for a release and cannot be made now: the job goes back to the queue, due in `seconds`,
/// with `message` in `processing_queue.error_message` (no attempt counted: waiting is the cure).
struct SearchDeferral: Error, Equatable {
    /// The search error as the provider describes it (the key never in it).
    var reason: String
    var seconds: Double

    /// What the queue row says.
    var message: String {
        "search postponed: \(reason); the release is matched again in \(Self.duration(seconds))"
    }

    func remaining(until: Date, now: Date) -> SearchDeferral {
        SearchDeferral(reason: reason, seconds: max(1, until.timeIntervalSince(now)))
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 120 { return "\(s) s" }
        if s < 7_200 { return "\(s / 60) min" }
        return "\(s / 3_600) h \(s % 3_600 / 60) min"
    }
}
