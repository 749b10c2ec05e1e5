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
