/// Why an action cannot run right now (lazygit's `GetDisabledReason`): read-only mode, a missing grant, or a tier
/// that is down. The UI greys the action out and shows the reason instead of failing after the fact.
public struct ActionAvailability: Equatable, Sendable {
    public var session: ConsoleSession
    public var health: HealthSnapshot

    public init(session: ConsoleSession, health: HealthSnapshot) {
        self.session = session
        self.health = health
    }

    /// nil when `action` may run; otherwise a sentence for the user.
    public func disabledReason(_ action: ActionID) -> String? {
        let descriptor = ActionCatalog.descriptor(action)
        switch descriptor.requirement {
        case .nothing:
            return nil
        case .reviewWrite:
            if session.readOnly { return "read-only mode: review actions are off (started with --read-only)" }
            if !session.grants.contains(.review) {
                return "\(session.user) lacks the rotation_reviewer role: review actions are off"
            }
            if !health.postgres.isUp { return "Postgres is down: decisions cannot be saved until it is back" }
            return nil
        case .cacheWrite:
            if session.readOnly { return "read-only mode: cache clears are off (started with --read-only)" }
            if !session.grants.contains(.admin) { return "\(session.user) lacks the rotation_admin role: cache clears are off" }
            if !health.redis.isUp { return "Redis is down: nothing to clear until it is back" }
            return nil
        case .queueWrite:
            if session.readOnly { return "read-only mode: queue changes are off (started with --read-only)" }
            if !session.grants.contains(.admin) { return "\(session.user) lacks the rotation_admin role: queue changes are off" }
            if !health.postgres.isUp { return "Postgres is down: the queue cannot be changed until it is back" }
            return nil
        }
    }

    public func isEnabled(_ action: ActionID) -> Bool { disabledReason(action) == nil }
}
