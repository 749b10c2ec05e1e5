import Foundation
import XCTest
@testable import Matching

final class DiscogsDecodingTests: XCTestCase {
    func testEveryReleaseFixtureDecodes() throws {
        let files = try Fixtures.files("releases")
        XCTAssertEqual(files.count, 20)
        for file in files {
            let release = try DiscogsDecoding.decode(DiscogsRelease.self, contentsOf: file)
            XCTAssertEqual(String(release.id), file.deletingPathExtension().lastPathComponent)
            XCTAssertFalse(release.title.isEmpty, file.lastPathComponent)
            XCTAssertFalse(release.tracklist.isEmpty, file.lastPathComponent)
        }
    }

    func testReleaseFieldsAndTrackKinds() throws {
        let fall = try Fixtures.release(1018055)
        XCTAssertEqual(fall.tracklist[0].type, .heading)
        XCTAssertFalse(fall.tracklist[0].isMatchable)
        XCTAssertEqual(fall.tracklist[1].durationSeconds, 288)
        XCTAssertEqual(fall.videos.count, 8)
        XCTAssertEqual(fall.videos.first?.duration, 261)

        let floyd = try Fixtures.release(374278)
        XCTAssertEqual(floyd.tracklist[0].type, .index)
        XCTAssertEqual(floyd.tracklist[0].subTracks.count, 6)
        XCTAssertTrue(floyd.tracklist[0].isMatchable)
        XCTAssertEqual(floyd.tracklist[0].durationSeconds, 23 * 60 + 45)

        // Older bodies without `type_` decode as plain tracks; "Persuader, The" reads as "The Persuader".
        let old = try Fixtures.release(79)
        XCTAssertEqual(old.tracklist[0].type, .track)
        XCTAssertEqual(old.artists.first?.cleanName, "The Persuader")

        let compilation = try Fixtures.release(3151795)
        XCTAssertTrue(compilation.isVariousArtists)
        XCTAssertEqual(compilation.tracklist[1].artists.map(\.name), ["CLSM", "Lisa Abbott"])

        let stockholm = try Fixtures.release(1)
        XCTAssertEqual(stockholm.labels.first?.name, "Svek")
        XCTAssertEqual(stockholm.labels.first?.catno, "SK032")
        XCTAssertEqual(stockholm.year, 1999)
        XCTAssertNotNil(stockholm.uri)
    }

    func testEveryInventoryPageDecodesInBothSchemas() throws {
        var total = 0
        for file in try Fixtures.files("inventory") {
            let page = try DiscogsDecoding.decode(DiscogsInventoryPage.self, contentsOf: file)
            XCTAssertFalse(page.listings.isEmpty, file.lastPathComponent)
            for listing in page.listings {
                XCTAssertGreaterThan(listing.release.id, 0)
                XCTAssertNotNil(listing.release.title, "\(file.lastPathComponent) \(listing.id)")
            }
            if file.lastPathComponent.hasPrefix("brotherlogic") { total += page.listings.count }
        }
        XCTAssertEqual(total, 322)

        let current = try DiscogsDecoding.decode(
            DiscogsInventoryPage.self,
            contentsOf: try Fixtures.discogs().appendingPathComponent("inventory/brotherlogic_inventory_forsale_page1.json"))
        XCTAssertEqual(current.pagination.pages, 4)
        XCTAssertTrue(current.pagination.hasNextPage)
        let first = current.listings[0]
        XCTAssertEqual(first.price?.currency, "USD")
        XCTAssertEqual(first.release.artist, "John Cameron (2)")
        XCTAssertNotNil(first.release.format)

        // The older schema has only a description: artist and title come from it.
        let docs = try DiscogsDecoding.decode(
            DiscogsInventoryPage.self,
            contentsOf: try Fixtures.discogs().appendingPathComponent("inventory/rappcats_docs_example.json"))
        XCTAssertEqual(docs.listings[0].release.artist, "Danger Mouse & Daniele Luppi")
        XCTAssertEqual(docs.listings[0].release.title, "Rome")
        XCTAssertEqual(docs.listings[0].release.catalogNumber, "509990292346, TMR092")
    }

    func testEveryListingDecodes() throws {
        let files = try Fixtures.files("listings")
        XCTAssertEqual(files.count, 6)
        let statuses = try files.map { try DiscogsDecoding.decode(DiscogsListing.self, contentsOf: $0).status ?? "" }
        XCTAssertEqual(Set(statuses), ["For Sale", "Deleted", "Expired", "Sold"])
        for file in files {
            let listing = try DiscogsDecoding.decode(DiscogsListing.self, contentsOf: file)
            // The upstream fixtures reuse one body (id 805377159) under three file names with different statuses.
            XCTAssertGreaterThan(listing.id, 0)
            XCTAssertGreaterThan(listing.release.id, 0)
            XCTAssertNotNil(listing.status)
            XCTAssertNotNil(listing.price)
        }
    }

    func testListingWithoutReleaseIDNamesThePath() throws {
        let page = """
        {"pagination": {"page": 1, "pages": 1, "per_page": 50, "items": 4},
         "listings": [
          {"id": 1, "release": {"id": 10, "description": "A - B (LP)"}},
          {"id": 2, "release": {"id": 11}},
          {"id": 3, "release": {"id": "12"}},
          {"id": 4, "release": {"description": "no id here"}}
         ]}
        """
        XCTAssertThrowsError(try DiscogsDecoding.decode(DiscogsInventoryPage.self, from: Data(page.utf8))) { error in
            let error = error as! DiscogsDecodingError
            XCTAssertEqual(error.path, "$.listings[3].release.id")
            XCTAssertTrue(error.description.hasPrefix("$.listings[3].release.id:"), error.description)
        }
    }

    func testWrongTypeNamesThePath() {
        let body = #"{"id": 5, "title": "T", "tracklist": [{"title": "a"}], "videos": [{"title": "no uri"}]}"#
        XCTAssertThrowsError(try DiscogsDecoding.decode(DiscogsRelease.self, from: Data(body.utf8))) { error in
            XCTAssertEqual((error as! DiscogsDecodingError).path, "$.videos[0].uri")
        }
        let badID = #"{"id": "abc", "title": "T"}"#
        XCTAssertThrowsError(try DiscogsDecoding.decode(DiscogsRelease.self, from: Data(badID.utf8))) { error in
            XCTAssertEqual((error as! DiscogsDecodingError).path, "$.id")
        }
    }

    func testTruncatedJSONNamesWhereItStopped() throws {
        let url = try Fixtures.discogs().appendingPathComponent("inventory/rappcats_docs_example.json")
        let data = try Data(contentsOf: url)
        let text = String(decoding: data, as: UTF8.self)
        // Cut inside the third listing's release object.
        let third = text.range(of: "\"listings\"")!.upperBound
        var cut = text[third...].startIndex
        for _ in 0..<3 { cut = text.range(of: "\"release\"", range: text.index(after: cut)..<text.endIndex)!.lowerBound }
        let truncated = String(text[..<text.index(cut, offsetBy: 30)])
        XCTAssertThrowsError(try DiscogsDecoding.decode(DiscogsInventoryPage.self, from: Data(truncated.utf8))) { error in
            let error = error as! DiscogsDecodingError
            XCTAssertTrue(error.path.hasPrefix("$.listings[2].release"), error.description)
            XCTAssertTrue(error.message.contains("truncated"), error.description)
        }
        XCTAssertThrowsError(try DiscogsDecoding.decode(DiscogsRelease.self, from: Data("{\"id\": 1, \"tracklist\": [".utf8))) {
            XCTAssertEqual(($0 as! DiscogsDecodingError).path, "$.tracklist[0]")
        }
        XCTAssertThrowsError(try DiscogsDecoding.decode(DiscogsRelease.self, from: Data())) {
            XCTAssertEqual(($0 as! DiscogsDecodingError).path, "$")
        }
    }

    func testTolerantFields() throws {
        let body = """
        {"id": "42", "title": 7, "year": "1999", "genres": "not a list", "labels": null,
         "tracklist": [{"position": "A", "type_": "weird", "title": "X", "duration": "3:00", "artists": 5}],
         "videos": [{"uri": "https://youtu.be/abc", "duration": "200", "title": "X"}], "unknown": {"a": 1}}
        """
        let release = try DiscogsDecoding.decode(DiscogsRelease.self, from: Data(body.utf8))
        XCTAssertEqual(release.id, 42)
        XCTAssertEqual(release.title, "7")
        XCTAssertEqual(release.year, 1999)
        XCTAssertEqual(release.genres, [])
        XCTAssertEqual(release.tracklist[0].type, .track)
        XCTAssertEqual(release.videos[0].duration, 200)
        // Encoding round-trips.
        let again = try DiscogsDecoding.decode(DiscogsRelease.self, from: try JSONEncoder().encode(release))
        XCTAssertEqual(again, release)
    }

    func testDurationParsing() {
        XCTAssertEqual(TrackDuration.seconds(from: "4:05"), 245)
        XCTAssertEqual(TrackDuration.seconds(from: "1:02:03"), 3723)
        XCTAssertEqual(TrackDuration.seconds(from: "63:20"), 3800)
        XCTAssertEqual(TrackDuration.seconds(from: " 0:59 "), 59)
        XCTAssertEqual(TrackDuration.seconds(from: "4.05"), 245)
        XCTAssertNil(TrackDuration.seconds(from: ""))
        XCTAssertNil(TrackDuration.seconds(from: "4:5x"))
        XCTAssertNil(TrackDuration.seconds(from: "4:75"))
        XCTAssertNil(TrackDuration.seconds(from: "1:75:00"))
        XCTAssertNil(TrackDuration.seconds(from: "abc"))
        XCTAssertNil(TrackDuration.seconds(from: "4"))
        XCTAssertNil(TrackDuration.seconds(from: ":"))
        XCTAssertNil(TrackDuration.seconds(from: "-1:00"))
        XCTAssertEqual(TrackDuration.format(245), "4:05")
        XCTAssertEqual(TrackDuration.format(3723), "1:02:03")
    }

    func testIndexDurationFallsBackToSubTracks() {
        let index = DiscogsTrack(type: .index, title: "Suite", subTracks: [
            DiscogsTrack(position: "1a", title: "a", duration: "1:00"), DiscogsTrack(position: "1b", title: "b", duration: "2:30"),
        ])
        XCTAssertEqual(index.durationSeconds, 210)
        let partial = DiscogsTrack(type: .index, title: "Suite", subTracks: [
            DiscogsTrack(title: "a", duration: "1:00"), DiscogsTrack(title: "b", duration: ""),
        ])
        XCTAssertNil(partial.durationSeconds)
    }
}
