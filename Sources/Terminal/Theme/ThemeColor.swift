/// A colour as a theme file names it: the terminal's default, one of the 8 ANSI colours, or a 256-colour index.
public enum ThemeColor: Hashable, Sendable, CustomStringConvertible {
    case `default`
    /// One of the 8 basic colours, 0 (black) to 7 (white).
    case ansi(UInt8)
    /// An xterm 256-colour index.
    case indexed(UInt8)

    public static let ansiNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses `"default"`, `"red"`, `"bright-red"`, `"grey"`, `"208"` or `"#ff8800"` (nearest 256-colour index).
    public init?(name raw: String) {
        let name = raw.lowercased()
        if name == "default" || name == "none" {
            self = .default
        } else if let index = Self.ansiNames.firstIndex(of: name) {
            self = .ansi(UInt8(index))
        } else if name.hasPrefix("bright-"), let index = Self.ansiNames.firstIndex(of: String(name.dropFirst(7))) {
            self = .indexed(UInt8(8 + index))
        } else if name == "grey" || name == "gray" {
            self = .indexed(8)
        } else if let number = Int(name), (0...255).contains(number) {
            self = .indexed(UInt8(number))
        } else if name.hasPrefix("#"), name.count == 7, let rgb = Int(name.dropFirst(), radix: 16) {
            self = .indexed(Self.nearestIndex(red: (rgb >> 16) & 0xFF, green: (rgb >> 8) & 0xFF, blue: rgb & 0xFF))
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .default: return "default"
        case .ansi(let index): return Self.ansiNames[Int(index & 7)]
        case .indexed(let index): return String(index)
        }
    }

    /// The colour as an 8-colour terminal can show it: the nearest ANSI colour by RGB distance.
    public var degradedToEight: ThemeColor {
        switch self {
        case .default, .ansi: return self
        case .indexed(let index) where index < 8: return .ansi(index)
        case .indexed(let index) where index < 16: return .ansi(index - 8)
        case .indexed(let index):
            let (r, g, b) = Self.rgb(ofIndex: index)
            var best = 0, bestDistance = Int.max
            for candidate in 0..<8 {
                let (cr, cg, cb) = Self.rgb(ofIndex: UInt8(candidate))
                let distance = (r - cr) * (r - cr) + (g - cg) * (g - cg) + (b - cb) * (b - cb)
                if distance < bestDistance { (best, bestDistance) = (candidate, distance) }
            }
            return .ansi(UInt8(best))
        }
    }

    /// Perceived brightness 0...255 (for picking a readable foreground when two colours collapse into one).
    var luminance: Int {
        switch self {
        case .default: return 0
        case .ansi(let index), .indexed(let index):
            let (r, g, b) = Self.rgb(ofIndex: index)
            return (299 * r + 587 * g + 114 * b) / 1000
        }
    }

    /// The xterm palette's RGB value for an index.
    static func rgb(ofIndex index: UInt8) -> (Int, Int, Int) {
        let basic: [(Int, Int, Int)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
            (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
            (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        let i = Int(index)
        if i < 16 { return basic[i] }
        if i < 232 {
            let levels = [0, 95, 135, 175, 215, 255]
            let c = i - 16
            return (levels[c / 36], levels[(c / 6) % 6], levels[c % 6])
        }
        let grey = 8 + (i - 232) * 10
        return (grey, grey, grey)
    }

    /// The nearest index in the 6x6x6 cube or the grey ramp.
    static func nearestIndex(red: Int, green: Int, blue: Int) -> UInt8 {
        var best = 16, bestDistance = Int.max
        for index in 16...255 {
            let (r, g, b) = rgb(ofIndex: UInt8(index))
            let distance = (red - r) * (red - r) + (green - g) * (green - g) + (blue - b) * (blue - b)
            if distance < bestDistance { (best, bestDistance) = (index, distance) }
        }
        return UInt8(best)
    }
}

/// How many colours the terminal can show. `NO_COLOR` forces `.monochrome`.
public enum ColorCapability: String, Hashable, Sendable, CaseIterable {
    case monochrome
    case eight
    case full256

    /// Capability from the number of colours ncurses reports and the environment (`NO_COLOR` set and non-empty).
    public static func detect(colors: Int, environment: [String: String]) -> ColorCapability {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        if colors >= 256 { return .full256 }
        if colors >= 8 { return .eight }
        return .monochrome
    }
}
