import Foundation
import Matching

/// A decoded inventory file: either a `GET /users/{username}/inventory` page or a single
/// `GET /marketplace/listings/{id}` body. Each listing is decoded on its own, so one bad listing is reported with its
/// JSON path while the others are still imported.
struct InventoryDocument: Decodable {
    /// One listing or the reason it could not be read.
    struct ListingSlot: Decodable {
        let outcome: Result<DiscogsListing, DiscogsDecodingError>
        /// `listings[3]`, or `$` for a single-listing document.
        let path: String

        init(from decoder: any Decoder) throws {
            path = DiscogsDecoding.pathString(decoder.codingPath)
            do {
                outcome = .success(try DiscogsListing(from: decoder))
            } catch let error as DecodingError {
                outcome = .failure(DiscogsDecoding.describe(error))
            }
        }
    }

    let pagination: DiscogsPagination?
    let listings: [ListingSlot]

    private enum CodingKeys: String, CodingKey { case pagination, listings, release }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.listings) {
            pagination = try? container.decodeIfPresent(DiscogsPagination.self, forKey: .pagination)
            listings = try container.decodeNil(forKey: .listings) ? [] : container.decode([ListingSlot].self, forKey: .listings)
        } else if container.contains(.release) {
            pagination = nil
            listings = [try ListingSlot(from: decoder)]
        } else {
            // Neither an inventory page nor a marketplace listing: report the key a page must have.
            throw DecodingError.keyNotFound(CodingKeys.listings, .init(
                codingPath: [], debugDescription: "not an inventory page or a marketplace listing"))
        }
    }

    /// Decodes `data`, naming `source` in any issue.
    static func decode(_ data: Data, source: String) throws(ImportIssue) -> InventoryDocument {
        do {
            return try DiscogsDecoding.decode(InventoryDocument.self, from: data)
        } catch {
            throw ImportIssue(source: source, error)
        }
    }
}
