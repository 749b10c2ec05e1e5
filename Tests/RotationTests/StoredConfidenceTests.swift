import Foundation
import Matching
@testable import Rotation
import XCTest

/// The rule itself: a stored confidence above 1 is a percentage. No servers.
final class StoredConfidenceTests: XCTestCase {
    func testValuesUpToOneAreReadAsTheyAre() {
        for stored in [0.0, 0.5, 0.87, 1.0] {
            let confidence = StoredConfidence(stored: stored)
            XCTAssertEqual(confidence.scale, .unit, "\(stored)")
            XCTAssertEqual(confidence.value, stored, "\(stored)")
            XCTAssertTrue(confidence.isOnAScale, "\(stored)")
        }
    }

    func testValuesAboveOneArePercentages() {
        let cases: [(stored: Double, value: Double)] = [(87, 0.87), (100, 1), (50.5, 0.505), (1.5, 0.015), (80, 0.8)]
        for (stored, value) in cases {
            let confidence = StoredConfidence(stored: stored)
            XCTAssertEqual(confidence.scale, .percent, "\(stored)")
            XCTAssertEqual(confidence.value, value, accuracy: 1e-12, "\(stored)")
            XCTAssertEqual(confidence.stored, stored, "the stored number is kept untouched")
            XCTAssertTrue(confidence.isOnAScale, "\(stored)")
        }
    }

    func testNumbersOnNeitherScaleAreClampedAndFlagged() {
        XCTAssertEqual(StoredConfidence(stored: 150).value, 1, "above 100 counts as 100, as the SQL action does")
        XCTAssertFalse(StoredConfidence(stored: 150).isOnAScale)
        XCTAssertEqual(StoredConfidence(stored: -0.2).value, 0)
        XCTAssertFalse(StoredConfidence(stored: -0.2).isOnAScale)
        XCTAssertTrue(StoredConfidence(stored: .nan).value.isNaN)
        XCTAssertFalse(StoredConfidence(stored: .nan).isOnAScale)
        XCTAssertFalse(StoredConfidence(stored: .infinity).isOnAScale)
    }

    func testFormattedValueCarriesTheMarkerOnlyForPercentages() {
        XCTAssertEqual(StoredConfidence(stored: 87).formatted(), "0.87" + ConfidenceScale.percent.marker)
        XCTAssertEqual(StoredConfidence(stored: 0.87).formatted(), "0.87")
        XCTAssertEqual(StoredConfidence(stored: 87.5).formatted(decimals: 3), "0.875" + ConfidenceScale.percent.marker)
        XCTAssertFalse(ConfidenceScale.percent.marker.isEmpty)
        XCTAssertEqual(ConfidenceScale.unit.marker, "")
        XCTAssertEqual(StoredConfidence(stored: .nan).formatted(), "–")
    }

    func testSQLPredicatesKeepThePlainComparisonFirst() {
        // The plain range condition on the column leads, so the partial index serves the ordinary rows.
        XCTAssertTrue(StoredConfidence.sqlAtLeast("m.confidence", "$1::real").hasPrefix("(m.confidence >= $1::real AND"))
        XCTAssertTrue(StoredConfidence.sqlAtMost("m.confidence", "$2::real").hasPrefix("(m.confidence <= $2::real OR"))
    }

    // MARK: Rows and cache values

    private func row(confidence: Double) -> TrackMatch {
        TrackMatch(id: 7, releaseID: 42, trackIndex: 3, platform: "soundcloud", matchURL: "https://soundcloud.com/a/b",
                   confidence: confidence, approved: true, verifiedBy: nil,
                   verifiedAt: Date(timeIntervalSince1970: 1_740_823_200), updatedAt: Date(timeIntervalSince1970: 1_740_823_200))
    }

    private func object(_ data: Data) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testARowReadsNormalizedButKeepsWhatItStores() throws {
        let match = row(confidence: 87)
        XCTAssertEqual(match.confidence, 0.87, accuracy: 1e-12)
        XCTAssertEqual(match.confidenceScale, .percent)
        XCTAssertEqual(match.storedConfidence.stored, 87)
    }

    func testShownJSONIsNormalizedWithTheScaleAndRoundTrips() throws {
        let shown = try object(JSONEncoder().encode(row(confidence: 87)))
        XCTAssertEqual(try XCTUnwrap(shown["confidence"] as? Double), 0.87, accuracy: 1e-12)
        XCTAssertEqual(shown["confidence_scale"] as? String, "percent")
        XCTAssertNil(try object(JSONEncoder().encode(row(confidence: 0.87)))["confidence_scale"], "only rows on the 0-100 scale say so")
        let back = try JSONDecoder().decode(TrackMatch.self, from: JSONEncoder().encode(row(confidence: 87)))
        XCTAssertEqual(back.storedConfidence.stored, 87, accuracy: 1e-9)
    }

    func testStoredJSONKeepsTheColumnAsIs() throws {
        // What the decision log keeps and an undo restores: the number as it was stored.
        let stored = try object(Data(RowJSON.json(row(confidence: 87)).text.utf8))
        XCTAssertEqual(stored["confidence"] as? Double, 87)
        XCTAssertNil(stored["confidence_scale"])
        let fromLog = try XCTUnwrap(TrackMatch.fromJSON(RowJSON.json(row(confidence: 87))))
        XCTAssertEqual(fromLog.storedConfidence.stored, 87)
        XCTAssertEqual(fromLog.updatedAt, row(confidence: 87).updatedAt, "the guard survives the round trip")
    }

    func testTheCacheValueOfAPercentRowIsWrittenInTheUnitScale() throws {
        let value = row(confidence: 87).cachedValue
        XCTAssertEqual(value.confidence, 0.87, accuracy: 1e-12)
        XCTAssertEqual(value.confidenceScale, .percent)
        try StrictWebAppReader.check(value.json)
        let written = try object(Data(value.json.utf8))
        XCTAssertEqual(try XCTUnwrap(written["confidence"] as? Double), 0.87, accuracy: 1e-12)
        XCTAssertNil(written["confidence_scale"], "Redis gets the contract's fields only")
        let shown = try object(JSONEncoder().encode(value))
        XCTAssertEqual(shown["confidence_scale"] as? String, "percent", "displayed (CLI JSON), the value says its scale")
    }

    func testTheWebAppsPercentCacheValueDecodesAsAPercentage() throws {
        let fixture = #"{"platform":"soundcloud","match_url":"https://soundcloud.com/web-artist/track","confidence":87,"approved":true,"verified_by":null,"verified_at":"2025-03-01T10:00:00.000Z"}"#
        guard case .value(let value) = CachedMatchDecoder.decode(Array(fixture.utf8)) else {
            return XCTFail("a confidence of 87 is the 0-100 scale, not garbage")
        }
        XCTAssertEqual(value.confidence, 0.87, accuracy: 1e-12)
        XCTAssertEqual(value.confidenceScale, .percent)
        XCTAssertTrue(value.approved)
        let written = try object(Data(value.json.utf8))
        XCTAssertEqual(try XCTUnwrap(written["confidence"] as? Double), 0.87, accuracy: 1e-12, "never re-written as 87")

        guard case .value(let text) = CachedMatchDecoder.decode(Array(#"{"platform":"y","match_url":"u","confidence":"87","approved":true}"#.utf8)) else {
            return XCTFail("a number as a string is read too")
        }
        XCTAssertEqual(text.confidence, 0.87, accuracy: 1e-12)
        guard case .value(let unit) = CachedMatchDecoder.decode(Array(#"{"platform":"y","match_url":"u","confidence":0.62,"approved":false}"#.utf8)) else {
            return XCTFail()
        }
        XCTAssertEqual(unit.confidenceScale, .unit)
        for bad in ["150", "-1", "\"NaN\""] {
            if case .invalid = CachedMatchDecoder.decode(Array(#"{"platform":"y","match_url":"u","confidence":\#(bad),"approved":true}"#.utf8)) {} else {
                XCTFail("confidence \(bad) is on neither scale")
            }
        }
    }

    func testAPercentCacheValueAgreesWithTheSameMatchInTheUnitScale() {
        let percent = row(confidence: 87).cachedValue
        XCTAssertTrue(percent.agrees(with: row(confidence: 0.87).cachedValue), "the same match, whatever the scale: no drift")
        XCTAssertFalse(percent.agrees(with: row(confidence: 0.86).cachedValue))
    }
}
