import Foundation
import Terminal

// The warm key of the cache screen (issue 14, item 6): W counts what a warm would write (the dry run), asks, then
// runs Rotation's CacheWarmer in the background with its job's progress in the keys pane's title and the status
// bar. Esc stops it after the batch in hand; W again resumes the stopped job, as `rotation cache warm` does.

/// Which approved matches a warm from the console writes: the selected key's store, or every one.
public enum CacheWarmTarget: Hashable, Sendable, CustomStringConvertible {
    case all
    case store(String)

    public var description: String {
        switch self {
        case .all: return "every store"
        case .store(let store): return "store \(store)"
        }
    }
}

/// What a warm's dry run counted.
public struct CacheWarmPlanSummary: Equatable, Sendable {
    public var target: CacheWarmTarget
    public var approved: Int
    public var alreadyCached: Int
    public var toWrite: Int { max(0, approved - alreadyCached) }

    public init(target: CacheWarmTarget, approved: Int, alreadyCached: Int) {
        self.target = target
        self.approved = approved
        self.alreadyCached = alreadyCached
    }
}

/// Where a running warm's job stands (`cache_warm_jobs`).
public struct CacheWarmStatus: Equatable, Sendable {
    public var jobID: Int64
    public var total: Int
    public var written: Int
    public var skipped: Int
    public var failed: Int
    /// It continues an earlier, stopped or interrupted job of the same scope.
    public var resumed: Bool
    /// `running`, `finished` or `stopped`.
    public var status: String

    public var done: Int { written + skipped + failed }

    public init(jobID: Int64, total: Int, written: Int, skipped: Int, failed: Int, resumed: Bool, status: String) {
        self.jobID = jobID
        self.total = total
        self.written = written
        self.skipped = skipped
        self.failed = failed
        self.resumed = resumed
        self.status = status
    }

    /// The total counted when the job started; matches approved meanwhile (a worker runs) can pass it.
    public var shownTotal: Int { max(total, done) }

    /// "120 of 400 · 100 written, 20 already cached".
    public var summary: String {
        "\(DisplayFormat.exact(done)) of \(DisplayFormat.exact(shownTotal)) · \(DisplayFormat.exact(written)) written, "
            + "\(DisplayFormat.exact(skipped)) already cached" + (failed > 0 ? ", \(DisplayFormat.exact(failed)) failed" : "")
    }
}

extension ActionID {
    public static let cacheWarm = ActionID(rawValue: "cache_warm")
}

extension CacheScreen {
    static let warmAction = ActionDescriptor(
        .cacheWarm, "Warm keys", group: .cache,
        help: "Write the missing match:* keys of the selected key's store (or of every store) from Postgres: counts, asks, then shows its progress",
        screens: [id], requirement: .cacheWrite, defaultKeys: ["W"])

    /// The warm's answers; nil for any other event.
    static func applyWarm(_ event: ConsoleEvent, _ state: inout ConsoleState) -> [ConsoleEffect]? {
        switch event {
        case .cacheWarmPlanned(let id, let plan):
            guard state.finish(id) != nil else { return [] }
            state.confirmCacheWarm(plan)
            return []
        case .cacheWarmProgress(let id, let status):
            guard let index = state.pending.firstIndex(where: { $0.id == id }) else { return [] }
            state.cache.warm = status
            state.pending[index].progress = RequestProgress(done: status.done, total: status.shownTotal)
            return []
        case .cacheWarmFinished(let id, let status):
            guard let request = state.finish(id), case .warmCache(let target) = request.kind else { return [] }
            state.cache.warm = nil
            if status.status == "stopped" {
                let resume = state.keymap.keyLabel(for: .cacheWarm) ?? "W"
                state.say("Stopped warming \(target): \(status.summary); \(resume) again resumes", .warning)
            } else {
                state.say("Warmed \(target): \(status.summary)" + (status.failed > 0 ? " (failed keys queued for repair)" : ""),
                          status.failed > 0 ? .warning : .success)
            }
            return state.screen == CacheScreen.id ? state.loadCacheKeysFromStart() : []
        default:
            return nil
        }
    }
}

extension ConsoleState {
    var isCacheWarmRunning: Bool { isPending { if case .warmCache = $0 { return true } else { return false } } }

    /// W: the dry run first (of the selected key's store, else of every store); its answer opens the confirmation.
    mutating func startCacheWarm(_ chosen: CacheWarmTarget? = nil) -> [ConsoleEffect] {
        guard !isCacheWarmRunning else {
            say("A warm is running: \(keymap.keyLabel(for: .cancel) ?? "Esc") stops it", .warning)
            return []
        }
        let target: CacheWarmTarget = chosen ?? cache.keys.selected?.store.map { .store($0) } ?? .all
        let effects = supersede { if case .previewCacheWarm = $0 { return true } else { return false } }
        let id = begin(.previewCacheWarm(target), "counting the keys a warm of \(target) would write")
        return effects + [.previewCacheWarm(id, target)]
    }

    /// The confirmation says how many keys the warm would write. A store's also offers every store instead (`a`):
    /// the keys of a store cleared from the cache have no key left to select. Every store with nothing to write
    /// only says so.
    mutating func confirmCacheWarm(_ plan: CacheWarmPlanSummary) {
        let counts = "\(plan.target): \(DisplayFormat.exact(plan.approved)) approved, "
            + "\(DisplayFormat.exact(plan.alreadyCached)) cached."
        guard case .store = plan.target else {
            guard plan.toWrite > 0 else {
                say("Nothing to warm: all \(DisplayFormat.exact(plan.approved)) approved match(es) of \(plan.target) are cached")
                return
            }
            modal = .confirm(ConfirmationDialog(
                title: "Warm the cache",
                lines: [counts, "Write \(DisplayFormat.exact(plan.toWrite)) key(s) from Postgres? Keys present are kept.",
                        "y warms · any other key cancels"],
                operation: .warmCache(plan.target)))
            return
        }
        let question = plan.toWrite > 0
            ? "Write \(DisplayFormat.exact(plan.toWrite)) key(s) from Postgres? Keys present are kept."
            : "Nothing to write for \(plan.target)."
        modal = .confirm(ConfirmationDialog(
            title: "Warm the cache",
            lines: [counts, question,
                    plan.toWrite > 0 ? "y warms · a counts every store instead · any other key cancels"
                                   : "y or a counts every store instead · any other key cancels"],
            operation: plan.toWrite > 0 ? .warmCache(plan.target) : .countCacheWarm(.all),
            alternative: ("a", .countCacheWarm(.all))))
    }

    /// Runs a confirmed warm.
    mutating func warmCache(_ target: CacheWarmTarget) -> [ConsoleEffect] {
        cache.warm = nil
        return [.warmCache(begin(.warmCache(target), "warming \(target)"), target)]
    }

    /// Esc / Ctrl-C: trips the running warm's stop signal; it answers once the batch in hand is written.
    mutating func stopCacheWarm() -> [ConsoleEffect] {
        var effects: [ConsoleEffect] = []
        for index in pending.indices {
            guard case .warmCache(let target) = pending[index].kind, !pending[index].stopRequested else { continue }
            pending[index].stopRequested = true
            pending[index].label = "stopping the warm of \(target)"
            effects.append(.cancel(pending[index].id))
            say("Stopping the warm of \(target) after the batch in hand…", .warning)
        }
        return effects
    }

    /// The keys pane's title while a warm runs: "warming store x · 120 of 400 · … · Esc stops".
    var cacheWarmStatusLine: String? {
        guard let request = pending.first(where: { if case .warmCache = $0.kind { return true } else { return false } }),
              case .warmCache(let target) = request.kind else { return nil }
        let progress = cache.warm.map { " · " + $0.summary } ?? ""
        return "warming \(target)\(progress) · \(keymap.keyLabel(for: .cancel) ?? "Esc") stops"
    }
}
