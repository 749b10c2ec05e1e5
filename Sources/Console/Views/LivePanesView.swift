import Foundation
import Terminal

/// Cache, queue and health figures: one summary line on short windows, three boxes with sparklines on tall ones.
enum LivePanesView {
    static func draw(_ state: ConsoleState, layout: ConsoleLayout, into buffer: inout CellBuffer) {
        if layout.hasFullLivePanes { drawBoxes(state, layout.live, &buffer) } else { drawLine(state, layout.live, &buffer) }
    }

    static func optionalCount(_ value: Int?) -> String { value.map(DisplayFormat.count) ?? "–" }

    static func tierText(_ name: String, _ tier: TierStatus) -> (String, ThemeRole) {
        if !tier.isUp { return ("\(name) ✗ down", .paneBad) }
        let rtt = tier.roundTripMilliseconds.map { String(format: " %.1fms", $0) } ?? ""
        return ("\(name) ✓\(rtt)", .paneGood)
    }

    static func drawLine(_ state: ConsoleState, _ rect: CellRect, _ buffer: inout CellBuffer) {
        // Health first: it is what the curator must not miss; then the queue, then the cache.
        var parts: [(String, ThemeRole)] = [tierText("PG", state.health.postgres), tierText("Redis", state.health.redis)]
        if let alerts = state.cacheStats?.alerts, !alerts.isEmpty {
            parts.append((CachePaneFigures.alertLine(alerts), CachePaneFigures.flaggedRole))
        }
        if let queue = state.queueStats {
            var text = "queue \(DisplayFormat.count(queue.count(.queued)))"
            if let eta = queue.etaSeconds { text += " ETA \(DisplayFormat.age(seconds: eta))" }
            parts.append((text, .paneValue))
            if queue.failed + queue.stuck > 0 { parts.append(("\(queue.failed) failed \(queue.stuck) stuck", .paneBad)) }
            if queue.postponed > 0 { parts.append(("waiting " + DisplayFormat.count(queue.postponed) + waitingReason(queue), .stale)) }
            if let quota = queue.searchQuota {
                parts.append(("yt quota \(quota.summary)", quota.isSpent ? .paneBad : .paneValue))
            }
        } else {
            parts.append(("queue –", .textDim))
        }
        if let cache = state.cacheStats {
            parts.append(("cache \(optionalCount(cache.matchKeys ?? cache.totalKeys)) keys · hit \(DisplayFormat.percent(cache.hitRate)) · " +
                          "\(optionalCount(cache.opsPerSecond.map { Int($0) }))/s", state.health.redis.isUp ? .paneValue : .stale))
        } else {
            parts.append(("cache –", .textDim))
        }
        var x = rect.column + 1
        for (offset, part) in parts.enumerated() {
            guard x < rect.maxColumn - 1 else { break }
            if offset > 0 { x += buffer.put(offset == 1 ? "  " : " │ ", at: CellPosition(column: x, row: rect.row), style: CellStyle(.border)) }
            x += buffer.put(part.0, at: CellPosition(column: x, row: rect.row), style: CellStyle(part.1),
                            maxWidth: rect.maxColumn - x)
        }
    }

    static func drawBoxes(_ state: ConsoleState, _ rect: CellRect, _ buffer: inout CellBuffer) {
        let third = rect.width / 3
        let cacheRect = CellRect(column: rect.column, row: rect.row, width: third, height: rect.height)
        let queueRect = CellRect(column: rect.column + third, row: rect.row, width: third, height: rect.height)
        let healthRect = CellRect(column: rect.column + 2 * third, row: rect.row, width: rect.width - 2 * third,
                                  height: rect.height)
        drawCache(state, cacheRect, &buffer)
        drawQueue(state, queueRect, &buffer)
        drawHealth(state, healthRect, &buffer)
    }

    static func pair(_ buffer: inout CellBuffer, _ inner: CellRect, _ row: Int, _ label: String, _ value: String,
                     role: ThemeRole = .paneValue) {
        guard row < inner.maxRow else { return }
        let labelWidth = min(12, inner.width / 2)
        buffer.put(label, at: CellPosition(column: inner.column, row: row), width: labelWidth, style: CellStyle(.textDim))
        buffer.put(value, at: CellPosition(column: inner.column + labelWidth, row: row), width: inner.width - labelWidth,
                   style: CellStyle(role))
    }

    static func drawCache(_ state: ConsoleState, _ rect: CellRect, _ buffer: inout CellBuffer) {
        let scanAge = state.cacheStats?.scanAgeSeconds.map { " · scan \(DisplayFormat.age(seconds: $0)) ago" } ?? ""
        Drawing.pane(&buffer, rect, title: "Cache" + scanAge, focused: false)
        let inner = rect.inset(by: 1)
        guard let cache = state.cacheStats else {
            ListView.emptyLine(&buffer, inner, state.health.redis.isUp ? "Waiting for figures…" : "Redis is down")
            return
        }
        let role: ThemeRole = state.health.redis.isUp ? .paneValue : .stale
        pair(&buffer, inner, inner.row, "keys", optionalCount(cache.totalKeys) + " · match:* " + optionalCount(cache.matchKeys),
             role: role)
        let memory = (cache.memoryUsedBytes.map(DisplayFormat.bytes) ?? "–")
            + (cache.memoryMaxBytes.map { $0 > 0 ? " / " + DisplayFormat.bytes($0) : " / no limit" } ?? "")
        pair(&buffer, inner, inner.row + 1, "memory",
             memory + (cache.isFlagged(.memory) ? " high" : "") + " · evicted " + optionalCount(cache.evictions),
             role: cache.isFlagged(.memory) ? CachePaneFigures.flaggedRole : (cache.evictions ?? 0) > 0 ? .paneBad : role)
        pair(&buffer, inner, inner.row + 2, "hit rate",
             "server \(DisplayFormat.percent(cache.hitRate)) · ours \(DisplayFormat.percent(cache.oursHitRate))"
                + (cache.isFlagged(.hitRate) ? " low" : ""),
             role: cache.isFlagged(.hitRate) ? CachePaneFigures.flaggedRole : role)
        let ops = optionalCount(cache.opsPerSecond.map { Int($0) })
        pair(&buffer, inner, inner.row + 3, "ops/s", ops, role: role)
        if let spread = cache.ttlSpread, inner.height > 3 {
            // The TTL histogram after the ops figure, shortest TTL first, as a tiny sparkline.
            let row = inner.row + 3
            var column = inner.column + min(12, inner.width / 2) + DisplayWidth.of(ops) + 1
            column += buffer.put("· ttl ", at: CellPosition(column: column, row: row), style: CellStyle(.textDim),
                                 maxWidth: max(0, inner.maxColumn - column))
            if inner.maxColumn - column >= spread.buckets.count {
                buffer.sparkline(spread.buckets.map { Double($0.keys) }, at: CellPosition(column: column, row: row),
                                 width: spread.buckets.count)
                column += spread.buckets.count
            }
            if spread.withoutTTL > 0 {
                buffer.put(" \(spread.withoutTTL) no TTL", at: CellPosition(column: column, row: row), style: CellStyle(.paneBad),
                           maxWidth: max(0, inner.maxColumn - column))
            }
        }
        if !cache.alerts.isEmpty, inner.height > 4 {
            // Alerts first: each flagged figure named in words, in the warning style.
            buffer.put(CachePaneFigures.alertLine(cache.alerts), at: CellPosition(column: inner.column, row: inner.row + 4),
                       width: inner.width, style: CellStyle(CachePaneFigures.flaggedRole))
        } else if !cache.limits.isEmpty, inner.height > 4 {
            // A hosted Redis that refuses INFO, DBSIZE or SCAN: say which figures are unknown instead of the ops line.
            buffer.put(TerminalText.sanitize(cache.limits.joined(separator: "; ")),
                       at: CellPosition(column: inner.column, row: inner.row + 4), width: inner.width, style: CellStyle(.textDim))
        } else if CachePaneFigures.hasFleetMinutes(cache), inner.height > 4 {
            CachePaneFigures.drawFleetSparkline(cache, inner, row: inner.row + 4, &buffer)
        } else if inner.height > 4 {
            buffer.sparkline(state.opsHistory, at: CellPosition(column: inner.column, row: inner.row + 4), width: inner.width)
        }
    }

    static func drawQueue(_ state: ConsoleState, _ rect: CellRect, _ buffer: inout CellBuffer) {
        Drawing.pane(&buffer, rect, title: "Queue", focused: false)
        let inner = rect.inset(by: 1)
        guard let queue = state.queueStats else {
            ListView.emptyLine(&buffer, inner, "Waiting for figures…")
            return
        }
        pair(&buffer, inner, inner.row, "queued", DisplayFormat.count(queue.count(.queued)) + " · oldest " +
                (queue.oldestQueuedSeconds.map { DisplayFormat.age(seconds: $0) } ?? "–"))
        pair(&buffer, inner, inner.row + 1, "running",
             "\(queue.count(.processing)) · done \(DisplayFormat.count(queue.count(.completed)))")
        pair(&buffer, inner, inner.row + 2, "rate",
             String(format: "%.0f/min", queue.throughputPerMinute) + " · ETA " + (queue.etaSeconds.map { DisplayFormat.age(seconds: $0) } ?? "–"))
        pair(&buffer, inner, inner.row + 3, "problems", "\(queue.failed) failed · \(queue.stuck) stuck",
             role: queue.failed + queue.stuck > 0 ? .paneBad : .paneGood)
        var sparklineRow = inner.row + 4
        if queue.postponed > 0, let quota = queue.searchQuota, inner.maxRow - sparklineRow < 2 {
            // One row left for the waiting jobs and today's quota: the count and the quota first, the reason after
            // (cut to the width; the line mode and `rotation queue stats` have it whole).
            pair(&buffer, inner, sparklineRow, "waiting",
                 DisplayFormat.count(queue.postponed) + " · yt quota " + quota.summary + waitingReason(queue),
                 role: quota.isSpent ? .paneBad : .stale)
            return
        }
        if queue.postponed > 0 {
            // Jobs put back with a reason (a search waiting for the quota or the API, a retry backoff): how many, and
            // the latest one's due time and reason.
            pair(&buffer, inner, sparklineRow, "waiting", DisplayFormat.count(queue.postponed) + waitingReason(queue),
                 role: .stale)
            sparklineRow += 1
        }
        if let quota = queue.searchQuota {
            // Today's YouTube search units (the worker's searches and the console's), before the sparkline.
            pair(&buffer, inner, sparklineRow, "yt quota", quota.summary, role: quota.isSpent ? .paneBad : .paneValue)
            sparklineRow += 1
        }
        if sparklineRow < inner.maxRow {
            buffer.sparkline(state.throughputHistory, at: CellPosition(column: inner.column, row: sparklineRow), width: inner.width)
        }
    }

    /// " · due 4h03m · search postponed: …": the latest-due waiting job's due time and its reason (a row's
    /// `error_message`: sanitized), after the count of the jobs that wait.
    static func waitingReason(_ queue: QueueSnapshot) -> String {
        guard let latest = queue.latestPostponed.first else { return "" }
        return " · due \(DisplayFormat.age(seconds: latest.dueInSeconds)) · " + TerminalText.sanitize(latest.reason)
    }

    static func drawHealth(_ state: ConsoleState, _ rect: CellRect, _ buffer: inout CellBuffer) {
        Drawing.pane(&buffer, rect, title: "Health", focused: false)
        let inner = rect.inset(by: 1)
        for (offset, (name, tier)) in [("Postgres", state.health.postgres), ("Redis", state.health.redis)].enumerated() {
            let (text, role) = tierText(name, tier)
            buffer.put(text, at: CellPosition(column: inner.column, row: inner.row + offset * 2), width: inner.width,
                       style: CellStyle(role))
            if let note = tier.isUp ? tier.detail : tier.problem {
                buffer.put("  " + note, at: CellPosition(column: inner.column, row: inner.row + offset * 2 + 1),
                           width: inner.width, style: CellStyle(.textDim))
            }
        }
        if let replica = state.health.replica, inner.height > 4 {
            buffer.put("Replica " + replica, at: CellPosition(column: inner.column, row: inner.row + 4), width: inner.width,
                       style: CellStyle(.textDim))
        }
    }
}
