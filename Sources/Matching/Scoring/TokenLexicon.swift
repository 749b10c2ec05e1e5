/// Every distinct token of one release and its candidates, numbered, with what the matcher asks of a token measured
/// once: its weight, whether it is a number, a year, a stopword, an upload tag. Scoring compares these numbers,
/// never the strings, so a pair (video, track) costs integer work, not string hashing and grapheme walks.
/// Tokens are numbered by `String` equality, the same equality the string sets compared with before.
struct TokenLexicon: Sendable {
    /// What is known of one token.
    struct Facts: Sendable {
        var text: String
        var bytes: [UInt8]
        var isASCII: Bool
        /// 1, or 0.3 for stopwords and one-letter words (numbers always 1).
        var weight: Double
        /// The first character is a number (`Character.isNumber`).
        var leadsWithNumber: Bool
        /// Every character is a number (`Character.isNumber`).
        var isNumeral: Bool
        var isYear: Bool
        var isSignificant: Bool
        var isSignificantWord: Bool
        var isNoise: Bool
        /// Identifies a part or volume: a numeral that is neither a year nor upload vocabulary (`45`, `12`).
        var isIdentifyingNumber: Bool
        /// Explains a video word whatever the track: a year, an upload tag, a version word of any kind.
        var isUploadVocabulary: Bool
    }

    private var index: [String: Int] = [:]
    private(set) var facts: [Facts] = []
    /// UTF-8 length of each token, apart from `facts` so that most pairs are told apart by two loads.
    private(set) var byteCounts: [Int] = []

    var count: Int { facts.count }

    /// The number of `token`, numbering it when new.
    mutating func id(_ token: String) -> Int {
        if let known = index[token] { return known }
        let id = facts.count
        index[token] = id
        facts.append(Self.measure(token))
        byteCounts.append(token.utf8.count)
        return id
    }

    mutating func ids(_ tokens: [String]) -> [Int] { tokens.map { id($0) } }

    /// The number of `token` when it has one; never numbers it.
    func lookup(_ token: String) -> Int? { index[token] }

    func text(_ id: Int) -> String { facts[id].text }

    /// The rules are `TrackMatcher.isSignificant`, `isSignificantWord` and `isYear`, and the word weight (1, or 0.3
    /// for stopwords and one-letter words), answered on bytes for ASCII words.
    private static func measure(_ token: String) -> Facts {
        let bytes = Array(token.utf8)
        let isASCII = bytes.allSatisfy { $0 < 0x80 }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        // For ASCII text a character is a byte and the numbers are the digits; other text asks `Character`.
        let leadsWithNumber = isASCII ? bytes.first.map(isDigit) == true : token.first?.isNumber == true
        let characters = isASCII ? bytes.count : token.count
        let lists = vocabularyLists[token] ?? []
        let isStopWord = lists.contains(.stop)
        let isNoise = lists.contains(.noise)
        let isNumeral = isASCII ? bytes.allSatisfy(isDigit) : token.allSatisfy(\.isNumber)
        let isYear = isASCII
            ? bytes.count == 4 && isNumeral && (token.hasPrefix("19") || token.hasPrefix("20")) : TrackMatcher.isYear(token)
        return Facts(
            text: token, bytes: bytes, isASCII: isASCII,
            weight: leadsWithNumber ? 1 : (isStopWord || characters == 1 ? 0.3 : 1),
            leadsWithNumber: leadsWithNumber, isNumeral: isNumeral, isYear: isYear,
            isSignificant: leadsWithNumber || (characters > 1 && !isStopWord && !isNoise),
            isSignificantWord: leadsWithNumber || (characters > 1 && !isStopWord), isNoise: isNoise,
            isIdentifyingNumber: isNumeral && !isYear && !isNoise,
            isUploadVocabulary: isYear || Vocabulary.isUploadTag(token) || !lists.isDisjoint(with: .version))
    }

    /// The `Vocabulary` word lists a word is on.
    private struct VocabularyLists: OptionSet {
        let rawValue: UInt8
        static let stop = VocabularyLists(rawValue: 1)
        static let noise = VocabularyLists(rawValue: 2)
        /// Default-version, strong or weak version words.
        static let version = VocabularyLists(rawValue: 4)
    }

    /// Every word of those lists with the lists it is on: one lookup per new token instead of one per list.
    private static let vocabularyLists: [String: VocabularyLists] = {
        var table: [String: VocabularyLists] = [:]
        for word in Vocabulary.stopWords { table[word, default: []].insert(.stop) }
        for word in Vocabulary.noiseWords { table[word, default: []].insert(.noise) }
        for word in Vocabulary.defaultVersionWords.union(Vocabulary.strongVersionWords).union(Vocabulary.weakVersionWords) {
            table[word, default: []].insert(.version)
        }
        return table
    }()

    /// Whether two tokens of these UTF-8 lengths can be `similar` at all (equal tokens aside): both 4 bytes or
    /// longer and at most 2 apart. Most pairs are told apart here, before `similar` reads their facts.
    static func maySimilar(byteCount an: Int, _ bn: Int) -> Bool { an >= 4 && bn >= 4 && abs(an - bn) <= 2 }

    /// `TokenMatch.similar` on two numbered tokens, on their bytes and without allocating.
    func similar(_ a: Int, _ b: Int) -> Bool {
        if a == b { return true }
        let an = byteCounts[a], bn = byteCounts[b]
        guard Self.maySimilar(byteCount: an, bn) else { return false }
        // The facts are read in place: copying them would retain and release their text and bytes per pair.
        if an == bn + 1, facts[a].bytes[an - 1] == UInt8(ascii: "s"), facts[a].text.hasPrefix(facts[b].text) { return true }
        if bn == an + 1, facts[b].bytes[bn - 1] == UInt8(ascii: "s"), facts[b].text.hasPrefix(facts[a].text) { return true }
        let shorter = min(an, bn)
        guard shorter >= 5, facts[a].isASCII, facts[b].isASCII else { return false }
        let allowed = shorter >= 8 ? 2 : 1
        return TokenMatch.distance(facts[a].bytes, facts[b].bytes, limit: allowed) <= allowed
    }
}

/// A set of token numbers, sorted: membership by binary search, no hashing.
struct TokenIDSet: Sendable, Equatable {
    private(set) var members: [Int]

    init<S: Sequence>(_ ids: S) where S.Element == Int {
        // Sorted, then each run of equal numbers kept once: the same members as a `Set`, without hashing.
        var sorted = ids.sorted()
        var kept = 0
        for index in sorted.indices where index == 0 || sorted[index] != sorted[kept - 1] {
            sorted[kept] = sorted[index]
            kept += 1
        }
        sorted.removeLast(sorted.count - kept)
        members = sorted
    }

    var isEmpty: Bool { members.isEmpty }

    func contains(_ id: Int) -> Bool {
        var low = 0, high = members.count
        while low < high {
            let mid = (low + high) >> 1
            let value = members[mid]
            if value == id { return true }
            if value < id { low = mid + 1 } else { high = mid }
        }
        return false
    }
}
