import Matching

/// Encodes a candidate's evidence as the JSON `match_candidates.evidence` holds: `MatchEvidence`'s Codable form
/// (`{"signals": [{"name", "value", "weight", "contribution", "detail"?}]}`) with the candidate's origin beside it,
/// `"source"`: `discogs` for a release's own video, the search provider's name (`youtube`) for a search result, so
/// the candidates pane can say where each came from (`evidence->>'source'`; rows written before have none and are
/// Discogs videos). Hand-written because the worker encodes about a hundred of these per release, and JSONEncoder
/// is slow on Linux.
enum EvidenceJSON {
    /// Appends the JSON, escaped for a COPY field when `forCopy`.
    static func append(_ evidence: MatchEvidence, source: String, to line: inout CopyLine, forCopy: Bool) {
        line.appendRaw("{\"source\":")
        line.appendJSONString(source, forCopy: forCopy)
        line.appendRaw(",\"signals\":[")
        for (index, signal) in evidence.signals.enumerated() {
            if index > 0 { line.appendRaw(UInt8(ascii: ",")) }
            line.appendRaw("{\"name\":")
            line.appendJSONString(signal.name, forCopy: forCopy)
            line.appendRaw(",\"value\":"); line.appendNumber(signal.value)
            line.appendRaw(",\"weight\":"); line.appendNumber(signal.weight)
            line.appendRaw(",\"contribution\":"); line.appendNumber(signal.contribution)
            if let detail = signal.detail {
                line.appendRaw(",\"detail\":")
                line.appendJSONString(detail, forCopy: forCopy)
            }
            line.appendRaw(UInt8(ascii: "}"))
        }
        line.appendRaw("]}")
    }
}
