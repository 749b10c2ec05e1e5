import Foundation

/// Word lists for synthetic stores and releases: record-shop names, artists and titles in several scripts, so the
/// console's width handling and sanitizing are exercised by the demo data.
enum SyntheticCatalog {
    static let storePrefixes = ["deep", "groove", "crate", "wax", "spin", "needle", "sleeve", "sound", "bass", "disc"]
    static let storeSuffixes = ["records", "vinyl", "shop", "depot", "cellar", "exchange", "corner", "attic"]
    static let cities = ["berlin", "detroit", "tokyo", "london", "lagos", "paris", "kyiv", "athens", "seoul", "bogota",
                         "leeds", "osaka", "montreal", "cairo", "lisbon"]

    static let artistFirst = [
        "Marcus", "Aya", "Olu", "Léa", "Dmitri", "Kenji", "Sofía", "Björn", "Nadia", "Theo", "Ines", "Jun",
        "坂本", "細野", "Алла", "Виктор", "Νίκος", "محمد", "김", "Zoë",
    ]
    static let artistLast = [
        "Hayes", "Okafor", "Moreau", "Volkov", "Tanaka", "Ruiz", "Lindqvist", "Haddad", "Park", "Novak",
        "龍一", "晴臣", "Пугачёва", "Цой", "Μαμαλάκης", "عبد الوهاب", "창완", "Ångström",
    ]
    static let groupNames = [
        "The Night Shift", "Sonic Division", "Kraftwerk Tribute Orchestra", "Yellow Magic Ensemble",
        "Кино", "Аквариум", "はっぴいえんど", "YMO Revisited", "Los Ritmos Calientes", "Les Rythmes Digitales",
        "Μουσική Ομάδα", "فرقة النيل", "산울림", "Café del Sol",
    ]
    static let titleWords = [
        "Midnight", "Sunrise", "Echoes", "Transmission", "Velvet", "Concrete", "Paradise", "Horizon", "Pulse",
        "Groove", "Dreams", "Signal", "Garden", "Fire", "Ocean", "Machine", "Soul", "Jazz", "Rain", "Neon",
        "夜の街", "東京", "雨", "Ночной", "Город", "Звезда", "Καλοκαίρι", "Θάλασσα", "ليل", "서울", "Über", "Café",
        "Ça", "Fête", "Straße", "Niño",
    ]
    static let mixWords = ["Original Mix", "Extended Mix", "Dub", "Radio Edit", "Instrumental", "Remix", "Live"]
    static let labels = ["Warp", "Strictly Rhythm", "Nervous", "Sähkö", "Music From Memory", "Alfa Records",
                         "Мелодия", "Lyra", "Studio One", "Blue Note", "Tresor", "R&S Records"]
    static let genres = ["Electronic", "Jazz", "Funk / Soul", "Rock", "Hip Hop", "Reggae", "Latin", "Pop"]
    static let styles = ["House", "Techno", "Disco", "Ambient", "Dub", "Soul-Jazz", "Synth-pop", "City Pop",
                         "Afrobeat", "Boogie", "Deep House", "Acid"]
    static let reviewers = ["maria", "kwame", "yuki", "lars", "priya"]
    static let failures = [
        "cannot fetch release from Discogs: Discogs answered HTTP 404 for /releases/%d: Release not found.",
        "cannot fetch release from Discogs: cannot reach Discogs for /releases/%d: The request timed out. (gave up after 5 attempts)",
        "Discogs' body for release %d is unusable: /releases/%d: tracklist: the release has an empty tracklist: nothing to match",
    ]

    static func storeName(_ index: Int) -> String {
        "\(storePrefixes[index % storePrefixes.count])-\(storeSuffixes[(index / storePrefixes.count) % storeSuffixes.count])-\(cities[index % cities.count])-\(index + 1)"
    }

    static func artist(_ random: inout SeededGenerator) -> String {
        random.unit() < 0.3 ? random.pick(groupNames) : "\(random.pick(artistFirst)) \(random.pick(artistLast))"
    }

    static func title(_ random: inout SeededGenerator, words: ClosedRange<Int>) -> String {
        let count = words.lowerBound + Int(random.next() % UInt64(words.count))
        var parts: [String] = []
        for _ in 0..<count { parts.append(random.pick(titleWords)) }
        return parts.joined(separator: " ")
    }

    /// A plausible YouTube video id from a number (11 characters of the URL-safe alphabet).
    static func videoID(_ value: UInt64) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var v = value
        var out = ""
        for _ in 0..<11 { out.append(alphabet[Int(v & 63)]); v = (v >> 6) ^ (v &* 0x9E37_79B9) }
        return out
    }
}

