import XCTest
@testable import Matching

final class TextNormalizerTests: XCTestCase {
    func testCaseDiacriticsAndPunctuation() {
        XCTAssertEqual(TextNormalizer.tokens("Östermalm"), ["ostermalm"])
        XCTAssertEqual(TextNormalizer.tokens("Djurgårdsbron"), TextNormalizer.tokens("DJURGARDSBRON"))
        XCTAssertEqual(TextNormalizer.tokens("İlhan Mİmaroğlu"), ["ilhan", "mimaroglu"])
        XCTAssertEqual(TextNormalizer.tokens("Love, Love, Love."), ["love", "love", "love"])
        XCTAssertEqual(TextNormalizer.tokens("Un'Isola Felice"), ["unisola", "felice"])
        XCTAssertEqual(TextNormalizer.tokens("Rock & Roll"), ["rock", "and", "roll"])
        XCTAssertEqual(TextNormalizer.tokens("Straße"), ["strasse"])
        XCTAssertEqual(TextNormalizer.compact("Rotor-Type"), TextNormalizer.compact("Rotortype"))
    }

    func testNumbering() {
        XCTAssertEqual(TextNormalizer.tokens("Part II"), ["part", "2"])
        XCTAssertEqual(TextNormalizer.tokens("Part One"), ["part", "1"])
        XCTAssertEqual(TextNormalizer.tokens("Part I"), ["part", "1"])
        XCTAssertEqual(TextNormalizer.tokens("Pt. 3"), ["part", "3"])
        XCTAssertEqual(TextNormalizer.tokens("01 - Intro"), ["1", "intro"])
        // A lone "I" outside a counted context is the pronoun.
        XCTAssertEqual(TextNormalizer.tokens("I Need You"), ["i", "need", "you"])
        XCTAssertEqual(TextNormalizer.tokens("Vol. IV"), ["vol", "4"])
    }

    func testNonLatinScriptsKeepTheirLetters() {
        XCTAssertEqual(TextNormalizer.tokens("バグズ・ナイト"), ["バグズ", "ナイト"])
        XCTAssertEqual(TextNormalizer.tokens("Кино — Группа Крови"), ["кино", "группа", "крови"])
        XCTAssertEqual(TextNormalizer.tokens("紅梔子"), ["紅梔子"])
    }

    func testHostileTextBecomesHarmlessTokens() {
        let hostile = "\u{1B}[2J\u{1B}]0;pwned\u{07}Title\u{202E}dlrow\u{0000}\u{009B}31m"
        let tokens = TextNormalizer.tokens(hostile)
        for token in tokens {
            XCTAssertFalse(token.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
            XCTAssertFalse(token.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) })
        }
        XCTAssertTrue(tokens.contains("title") || tokens.contains { $0.contains("title") })
        XCTAssertEqual(TextNormalizer.tokens(String(repeating: "💥", count: 1000)), [])
        XCTAssertEqual(TextNormalizer.tokens(""), [])
    }

    func testTitleAnalysisSeparatesVersionWords() {
        let mix = TitleAnalysis("Alphawave (Plasticman Acid House Mix)")
        XCTAssertEqual(mix.core, ["alphawave"])
        XCTAssertEqual(mix.versionWords, ["mix"])
        XCTAssertEqual(mix.qualifiers, ["plasticman", "acid", "house"])

        let original = TitleAnalysis("Sandstorm (Original Mix)")
        XCTAssertEqual(original.core, ["sandstorm"])
        XCTAssertTrue(original.versionWords.isEmpty)

        let optional = TitleAnalysis("Anjua (Sneaky 3)")
        XCTAssertEqual(optional.core, ["anjua"])
        XCTAssertEqual(optional.optional, ["sneaky", "3"])

        let feat = TitleAnalysis("Mega-Muffin (Feat. MC Whizzkid)")
        XCTAssertEqual(feat.core, ["mega", "muffin"])
        XCTAssertEqual(feat.featured, ["mc", "whizzkid"])

        let dash = TitleAnalysis("Song - Radio Edit")
        XCTAssertEqual(dash.core, ["song"])
        XCTAssertEqual(dash.versionWords, ["radio", "edit"])

        XCTAssertEqual(TitleAnalysis("Room To Live").core, ["room", "to", "live"])
        XCTAssertTrue(TitleAnalysis("Room To Live").versionWords.isEmpty)
    }

    func testFuzzyTokens() {
        XCTAssertTrue(TokenMatch.similar("umiliani", "uniliani"))
        XCTAssertTrue(TokenMatch.similar("piero", "peiro"))
        XCTAssertTrue(TokenMatch.similar("warning", "warnings"))
        XCTAssertFalse(TokenMatch.similar("kungsbron", "stromsbron"))
        XCTAssertFalse(TokenMatch.similar("dub", "pub"))
        XCTAssertFalse(TokenMatch.similar("2", "1"))
    }
}

/// The shortcuts taken for speed give what the long way gives.
final class TextNormalizerShortcutTests: XCTestCase {
    private let texts = [
        "Östermalm", "Djurgårdsbron — Straße", "Café Ÿ æøå ÆØÅ œ ß", "İlhan Mİmaroğlu", "Кино — Группа Крови",
        "バグズ・ナイト", "紅梔子", "℗ 2014 Sony · Artist · Other", "naïve 12\u{00B7}3 – “quoted” ‘x’", "Ελληνικά τόνος",
        "a \u{0301}b", "e\u{0301}te", "fullwidth ＡＢＣ", "𝔏𝔬𝔯𝔡 𝐧𝐨", "tab\tnbsp\u{00A0}end", "ﬁne ligature",
        "한국어 음악", "ᄀ\u{1161}", "x\u{200D}y", "\u{0D4E} word", "٣٤ arabic digits", "×2 and ½",
    ]

    /// Text whose scalars NFKC leaves alone is folded scalar by scalar from the cache; the rest goes the long way.
    func testFoldingWithoutNormalisingMatchesTheLongWay() {
        for text in texts {
            for _ in 0..<2 {  // the second time from the cache
                if let fast = TextNormalizer.foldWithoutNormalising(text) {
                    XCTAssertEqual(fast, TextNormalizer.foldNormalising(text), text)
                }
            }
        }
        XCTAssertNotNil(TextNormalizer.foldWithoutNormalising("Djurgårdsbron — Straße"))
        XCTAssertNil(TextNormalizer.foldWithoutNormalising("𝔏𝔬𝔯𝔡"))
    }

    /// Tokens are cut at the folded bytes' spaces unless a space is part of a larger character.
    func testTokensSplitLikeCharacters() {
        for text in texts {
            let expected = TextNormalizer.fold(text).split(separator: " ").map(String.init)
            let tokens = TextNormalizer.tokens(text)
            XCTAssertEqual(tokens.count, expected.count, text)
        }
        XCTAssertEqual(TextNormalizer.tokens("a \u{0301}b").count, 1)
    }

    /// The scanner finds what the uploader-numbering pattern finds.
    func testNumberingScannerAgreesWithThePattern() {
        let titles = [
            "Oils on Water - 14. Read About It - Midnight Oil", "DEF LEPPARD - 02. UNBELIEVABLE", "3. Strange ships",
            "A1 - Yuli, Yuli", "Side A: Survival", "side  b12 - Song", "SIDE C3. Song", "B2.Song", "b2: Song",
            "Casey Hogan - G4 (Original Mix)", "Casey Hogan - G4", "Prince - 1999", "1. ", "Pt. 2", "12) Twelve",
            "Artist | 03 . Title", "Artist – 07) Titel", "Artist — A3 Titel", "Artist : 4. Title", "A123 - Too many",
            "Ä1 - Umlaut", "Artist -\u{00A0}05. Title", "Artist - ٣. Arabic digit", "١٢) عنوان", "Artist - 5.",
            "Artist - 5. ☆", "Side\u{2003}A - Title", "H9 x", "I9 - not a side", "Artist - 01. Café - 02. Über",
            "BY-PASS,DIMWIT,LOWCARD de la morte 2.14出町柳ソクラテス", "Artist - side a - Title", "07.Intro",
        ]
        for title in titles {
            let keeping: Set<String> = ["g4"]
            XCTAssertNotNil(NumberingScanner(Array(title.unicodeScalars)).matches(), title)
            let scanned = VideoProfile.separatingNumbering(title, keeping: keeping)
            let pattern = VideoProfile.separatingNumberingByPattern(title, keeping: keeping)
            XCTAssertEqual(scanned.0, pattern.0, title)
            XCTAssertEqual(scanned.1, pattern.1, title)
        }
        // A title with a letter that folds to "s" is left to the pattern.
        XCTAssertNil(NumberingScanner(Array("ſide A - Title".unicodeScalars)).matches())
        XCTAssertEqual(VideoProfile.separatingNumbering("ſide A - Title").1,
                       VideoProfile.separatingNumberingByPattern("ſide A - Title", keeping: []).1)
    }
}
