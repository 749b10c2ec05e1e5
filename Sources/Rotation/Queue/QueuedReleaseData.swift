import Foundation
import Matching
import Postgres

/// `processing_queue.release_data`: the release object of the Discogs inventory listing that queued the release.
/// The web app reads it back when its processor takes the row, and its deployed schema makes it `NOT NULL`, so
/// every enqueue of ours carries one. It has the shape of a listing's `release` (`id`, `description`, `artist`,
/// `title`, `year`, `catalog_number`, `format`, `thumbnail`), as `DiscogsListingRelease` encodes it; when no
/// listing is at hand (a release body, a requeue) the same object is built from what we know of the release.
extension DiscogsListingRelease {
    /// What a listing of `release` would say about it.
    init(summarizing release: DiscogsRelease) {
        let artist = release.artistDisplayName
        let thumbnail = release.thumb.flatMap { $0.isEmpty ? nil : $0 }
        self.init(id: release.id, description: artist.isEmpty ? release.title : "\(artist) - \(release.title)",
                  artist: artist.isEmpty ? nil : artist, title: release.title, year: release.year,
                  catalogNumber: release.labels.first?.catno, thumbnail: thumbnail)
    }

    /// The object as it is stored in `release_data`.
    var releaseDataJSON: String {
        get throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        }
    }

    /// The `release_data` of a release we hold: from its stored Discogs body when there is one, else from its
    /// `releases` row. Nil when neither exists.
    static func stored(releaseID: Int64, on db: PostgresConnection) throws -> DiscogsListingRelease? {
        if let body = try db.query("SELECT body::text AS body FROM discogs_release_bodies WHERE discogs_id = $1", releaseID)
            .first?.decode("body", as: String.self),
           let release = try? DiscogsDecoding.decode(DiscogsRelease.self, from: Data(body.utf8)) {
            return DiscogsListingRelease(summarizing: release)
        }
        guard let row = try db.query("SELECT title, artist, year, catno, thumb FROM releases WHERE discogs_id = $1",
                                     releaseID).first else { return nil }
        let title = try row.decode("title", as: String?.self)
        let artist = try row.decode("artist", as: String?.self)
        let description = [artist, title].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: " - ")
        return DiscogsListingRelease(
            id: releaseID, description: description.isEmpty ? nil : description, artist: artist, title: title,
            year: try row.decode("year", as: Int?.self), catalogNumber: try row.decode("catno", as: String?.self),
            thumbnail: try row.decode("thumb", as: String?.self))
    }
}
