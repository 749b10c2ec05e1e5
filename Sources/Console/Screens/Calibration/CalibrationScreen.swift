import Foundation
import Matching
import Terminal

extension ConsoleScreen {
    /// Calibration of the auto-approve threshold from reviewers' decisions.
    public static let calibration = ConsoleScreen(rawValue: "calibration")
}

/// The calibration screen's slice of the state: the report last loaded and how far it is scrolled.
public struct CalibrationScreenState: Equatable, Sendable {
    public var report: CalibrationReport?
    /// When the report was loaded (the console's clock), for the pane's title.
    public var loadedAt: Date?
    /// The first line shown.
    public var top = 0
    /// The last load failed (its message is in the status bar).
    public var loadFailed = false

    public init() {}
}

extension ActionID {
    public static let screenCalibration = ActionID(rawValue: "screen_calibration")
}

extension ConsoleState {
    /// The calibration screen's slice.
    public var calibration: CalibrationScreenState {
        get { self[slice: CalibrationScreen.self] }
        _modify { yield &self[slice: CalibrationScreen.self] }
    }
}

extension ConsoleLayout {
    /// Lines of the report the calibration pane shows (inside the border).
    public var calibrationHeight: Int { max(1, main.height - 2) }
}

/// The calibration screen: per confidence band what people decided, a reliability chart, the precision and review
/// load of each candidate threshold, and the suggested threshold (`rotation matcher calibrate` on screen). Read
/// only; the refresh key reloads it.
enum CalibrationScreen: ScreenUnit {
    static let id = ConsoleScreen.calibration
    static let switchAction = ActionID.screenCalibration
    static var initialSlice: CalibrationScreenState { CalibrationScreenState() }

    static let actions: [ActionDescriptor] = [
        .init(.screenCalibration, "Calibration screen", group: .application,
              help: "Reviewers' decisions by confidence band and the auto-approve threshold they support",
              defaultKeys: ["6"]),
    ]

    static func enter(_ state: inout ConsoleState) -> [ConsoleEffect] {
        state.calibration.report == nil ? state.loadCalibration() : []
    }

    static func refresh(_ state: inout ConsoleState) -> [ConsoleEffect] { state.loadCalibration() }

    static func perform(_ action: ActionID, _ state: inout ConsoleState) -> [ConsoleEffect]? { nil }

    static func moveCursor(by delta: Int, _ state: inout ConsoleState) -> [ConsoleEffect] {
        let lines = CalibrationView.lines(state.calibration).count
        let height = ConsoleLayout(state: state).calibrationHeight
        let top = state.calibration.top.addingReportingOverflow(delta).partialValue
        state.calibration.top = max(0, min(max(0, lines - height), top))
        return []
    }

    static func pageSize(_ state: ConsoleState, _ layout: ConsoleLayout) -> Int { max(1, layout.calibrationHeight - 1) }
    static func focusedFilter(_ state: ConsoleState) -> String { "" }
    static func setFocusedFilter(_ text: String, _ state: inout ConsoleState) {}

    static func keepCursorsVisible(_ state: inout ConsoleState, _ layout: ConsoleLayout) {
        let lines = CalibrationView.lines(state.calibration).count
        state.calibration.top = max(0, min(state.calibration.top, lines - layout.calibrationHeight))
    }

    static func apply(answer event: ConsoleEvent, _ state: inout ConsoleState) -> [ConsoleEffect]? {
        guard case .calibrationLoaded(let id, let report) = event else { return nil }
        guard state.finish(id) != nil else { return [] }
        state.calibration.report = report
        state.calibration.loadedAt = state.now
        state.calibration.loadFailed = false
        state.keepCursorsVisible()
        return []
    }

    static func requestFailed(_ request: PendingRequest, _ state: inout ConsoleState) -> [ConsoleEffect] {
        if request.kind == .loadCalibration { state.calibration.loadFailed = true }
        return []
    }

    static func hints(_ state: ConsoleState) -> [ActionID] { [.refresh] }

    static func draw(_ state: ConsoleState, _ layout: ConsoleLayout, _ buffer: inout CellBuffer) {
        CalibrationView.draw(state, layout: layout, into: &buffer)
    }
}

extension ConsoleState {
    mutating func loadCalibration() -> [ConsoleEffect] {
        let effects = supersede { $0 == .loadCalibration }
        return effects + [.loadCalibration(begin(.loadCalibration, "loading calibration"))]
    }
}
