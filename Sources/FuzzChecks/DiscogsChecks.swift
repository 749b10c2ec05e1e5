import Foundation
import Matching

/// Discogs bodies come from the network and from files an operator passes: a decode either succeeds or throws a
/// `DiscogsDecodingError`, and what decoded can be read by the matcher (names, durations) without trapping.
enum DiscogsChecks {
    static func checkRelease(_ input: [UInt8], _ violations: inout FuzzViolations) {
        guard let release = try? DiscogsDecoding.decode(DiscogsRelease.self, from: Data(input)) else { return }
        readEverything(release)
    }

    static func checkInventory(_ input: [UInt8], _ violations: inout FuzzViolations) {
        if let page = try? DiscogsDecoding.decode(DiscogsInventoryPage.self, from: Data(input)) {
            _ = page.pagination.hasNextPage
            for listing in page.listings { _ = listing.release }
        }
        _ = try? DiscogsDecoding.decode(DiscogsListing.self, from: Data(input))
    }

    /// What the importers and the matcher derive from a release.
    private static func readEverything(_ release: DiscogsRelease) {
        _ = release.artistDisplayName
        _ = release.isVariousArtists
        for track in release.tracklist {
            _ = track.isMatchable
            _ = track.durationSeconds
            for subTrack in track.subTracks { _ = subTrack.durationSeconds }
        }
    }
}
