/// The scale a stored confidence came in on.
public enum ConfidenceScale: String, Codable, Sendable {
    /// [0, 1]: the contract's scale, and the only one Rotation writes.
    case unit
    /// 0 to 100: the deployed web app's engine scores on this scale and some of its paths store the number as is.
    case percent

    /// Put after a confidence read on this scale wherever one is shown (console, CLI text, cache browser), so a
    /// reader knows the row still holds the 0-100 number; empty for the contract's scale.
    public var marker: String { self == .percent ? "*" : "" }

    /// What the marker means, and what to do about it: for the console's legend and the CLI's footnote.
    public static let markerMeaning = "stored on the web app's 0-100 scale, e.g. 87, read as 0.87"
    public static let markerRemedy = "rotation matches normalize-confidence rewrites such rows in [0, 1]"
}
