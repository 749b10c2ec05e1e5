import Rotation

/// Cache values are written by the web app as well as by Rotation: any bytes are a value, a reported miss or a
/// missing key, never a crash; a value's confidence is in [0, 1] (DESIGN section 2); what Rotation would write
/// back (`json`) reads back as the same match.
enum CacheValueChecks {
    static func check(_ input: [UInt8], _ violations: inout FuzzViolations) {
        guard case .value(let match) = CachedMatchDecoder.decode(input) else { return }
        violations.expect(match.confidence.isFinite && (0...1).contains(match.confidence),
                          "confidence in [0, 1]", "decoded confidence \(match.confidence)")
        let written = match.json
        switch CachedMatchDecoder.decode(Array(written.utf8)) {
        case .value(let reread):
            violations.expect(reread.agrees(with: match), "written value reads back the same",
                              "\(escaped(written)) reads back as \(escaped(reread.json))")
        case .invalid(let reason):
            violations.expect(false, "written value reads back", "\(escaped(written)) is invalid: \(escaped(reason))")
        case .missing:
            violations.expect(false, "written value reads back", "\(escaped(written)) reads as missing")
        }
    }
}
