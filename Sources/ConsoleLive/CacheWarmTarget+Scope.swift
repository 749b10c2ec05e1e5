import Console
import Rotation

extension CacheWarmTarget {
    /// Rotation's scope of the same warm.
    var scope: CacheWarmScope {
        switch self {
        case .all: return .all
        case .store(let store): return .store(store)
        }
    }
}

extension CacheWarmStatus {
    init(_ progress: CacheWarmProgress) {
        self.init(jobID: progress.jobID, total: progress.total, written: progress.written, skipped: progress.skipped,
                  failed: progress.failed, resumed: progress.resumed, status: progress.status)
    }
}
