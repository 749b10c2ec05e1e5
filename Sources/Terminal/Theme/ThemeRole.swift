/// What a piece of the screen means. Views ask for roles; a `Theme` decides how each role looks.
public enum ThemeRole: String, CaseIterable, Hashable, Sendable {
    case text = "text"
    case textDim = "text.dim"
    case title = "title"
    case header = "header"
    case border = "border"
    case borderFocused = "border.focused"
    case selection = "selection"
    case selectionUnfocused = "selection.unfocused"
    case statusBar = "status.bar"
    case statusKey = "status.key"
    case bannerError = "banner.error"
    case bannerWarning = "banner.warning"
    case bannerInfo = "banner.info"
    case confidenceHigh = "confidence.high"
    case confidenceMedium = "confidence.medium"
    case confidenceLow = "confidence.low"
    case statusApproved = "status.approved"
    case statusPending = "status.pending"
    case statusUnmatched = "status.unmatched"
    case statusRejected = "status.rejected"
    case marked = "marked"
    case paneTitle = "pane.title"
    case paneValue = "pane.value"
    case paneGood = "pane.good"
    case paneBad = "pane.bad"
    case sparkline = "sparkline"
    case input = "input"
    case inputError = "input.error"
    case helpKey = "help.key"
    case helpGroup = "help.group"
    case dialog = "dialog"
    case dialogDanger = "dialog.danger"
    case stale = "stale"
    case disabled = "disabled"
    case search = "search.match"

    /// The role used when a theme does not define this one (`nil` for `text`, the root).
    public var parent: ThemeRole? {
        switch self {
        case .text: return nil
        case .borderFocused: return .border
        case .selectionUnfocused: return .selection
        case .statusKey: return .statusBar
        case .inputError: return .input
        case .dialogDanger: return .dialog
        case .helpKey: return .statusKey
        case .helpGroup: return .title
        case .paneTitle: return .title
        case .disabled, .stale: return .textDim
        default: return .text
        }
    }

    /// Attributes that carry the role's meaning when there is no colour (monochrome terminals and `NO_COLOR`).
    public var monochromeEmphasis: TextAttributes {
        switch self {
        case .selection, .statusBar, .bannerError, .dialogDanger, .inputError: return .reverse
        case .selectionUnfocused: return .underline
        case .title, .header, .paneTitle, .helpGroup, .borderFocused, .statusKey, .helpKey, .bannerWarning,
             .confidenceLow, .paneBad, .statusRejected:
            return .bold
        case .textDim, .disabled, .stale, .statusUnmatched: return .dim
        case .marked, .search, .input: return .underline
        default: return []
        }
    }

    /// Position in `allCases`, for array-backed lookups on the render path. A payload-free enum is stored as its
    /// declaration index in one byte; a test checks this against `allCases`.
    @inline(__always)
    public var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }
}
