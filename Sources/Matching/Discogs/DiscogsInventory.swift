import Foundation

/// One page of `GET /users/{username}/inventory`.
public struct DiscogsInventoryPage: Codable, Sendable, Hashable {
    public var pagination: DiscogsPagination
    public var listings: [DiscogsListing]

    public init(pagination: DiscogsPagination, listings: [DiscogsListing]) {
        self.pagination = pagination; self.listings = listings
    }

    enum CodingKeys: String, CodingKey { case pagination, listings }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pagination = (try? c.decodeIfPresent(DiscogsPagination.self, forKey: .pagination)) ?? DiscogsPagination()
        listings = try c.array(DiscogsListing.self, .listings)
    }
}

public struct DiscogsPagination: Codable, Sendable, Hashable {
    public var page: Int
    public var pages: Int
    public var perPage: Int
    public var items: Int
    public var nextURL: String?

    public init(page: Int = 1, pages: Int = 1, perPage: Int = 0, items: Int = 0, nextURL: String? = nil) {
        self.page = page; self.pages = pages; self.perPage = perPage; self.items = items; self.nextURL = nextURL
    }

    enum CodingKeys: String, CodingKey { case page, pages, per_page, items, urls }
    enum URLKeys: String, CodingKey { case next }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // Page numbers are walked one by one and stored in int4 columns: a count beyond that is not a real page.
        func count(_ key: CodingKeys) throws -> Int? {
            guard let value = try c.lenientInt(key) else { return nil }
            guard (0...Int(Int32.max)).contains(value) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: c.codingPath + [key], debugDescription: "\(value) is not a page count"))
            }
            return value
        }
        page = try count(.page) ?? 1
        pages = try count(.pages) ?? 1
        perPage = try count(.per_page) ?? 0
        items = try count(.items) ?? 0
        let urls = try? c.nestedContainer(keyedBy: URLKeys.self, forKey: .urls)
        nextURL = urls?.lenientString(.next)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(page, forKey: .page)
        try c.encode(pages, forKey: .pages)
        try c.encode(perPage, forKey: .per_page)
        try c.encode(items, forKey: .items)
        if let nextURL {
            var urls = c.nestedContainer(keyedBy: URLKeys.self, forKey: .urls)
            try urls.encode(nextURL, forKey: .next)
        }
    }

    public var hasNextPage: Bool { page < pages }
}

/// A marketplace listing (an inventory entry or `GET /marketplace/listings/{id}`), in the older and current schema.
public struct DiscogsListing: Codable, Sendable, Hashable {
    public var id: Int64
    public var status: String?
    public var price: DiscogsPrice?
    public var condition: String?
    public var sleeveCondition: String?
    public var posted: String?
    public var sellerUsername: String?
    public var release: DiscogsListingRelease

    public init(
        id: Int64, status: String? = nil, price: DiscogsPrice? = nil, condition: String? = nil,
        sleeveCondition: String? = nil, posted: String? = nil, sellerUsername: String? = nil,
        release: DiscogsListingRelease
    ) {
        self.id = id; self.status = status; self.price = price; self.condition = condition
        self.sleeveCondition = sleeveCondition; self.posted = posted; self.sellerUsername = sellerUsername
        self.release = release
    }

    enum CodingKeys: String, CodingKey {
        case id, status, price, condition, sleeve_condition, posted, seller, release
    }
    enum SellerKeys: String, CodingKey { case username }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.requiredID(.id)
        status = c.lenientString(.status)
        price = try? c.decodeIfPresent(DiscogsPrice.self, forKey: .price)
        condition = c.lenientString(.condition)
        sleeveCondition = c.lenientString(.sleeve_condition)
        posted = c.lenientString(.posted)
        sellerUsername = (try? c.nestedContainer(keyedBy: SellerKeys.self, forKey: .seller))?.lenientString(.username)
        release = try c.decode(DiscogsListingRelease.self, forKey: .release)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(status, forKey: .status)
        try c.encodeIfPresent(price, forKey: .price)
        try c.encodeIfPresent(condition, forKey: .condition)
        try c.encodeIfPresent(sleeveCondition, forKey: .sleeve_condition)
        try c.encodeIfPresent(posted, forKey: .posted)
        if let sellerUsername {
            var seller = c.nestedContainer(keyedBy: SellerKeys.self, forKey: .seller)
            try seller.encode(sellerUsername, forKey: .username)
        }
        try c.encode(release, forKey: .release)
    }
}

/// A price: `{"currency": "USD", "value": 10.35}`; a bare number is accepted with an unknown currency.
public struct DiscogsPrice: Codable, Sendable, Hashable {
    public var currency: String?
    public var value: Double

    public init(currency: String?, value: Double) { self.currency = currency; self.value = value }

    enum CodingKeys: String, CodingKey { case currency, value }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let number = try? single.decode(Double.self) {
            currency = nil; value = number; return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        currency = c.lenientString(.currency)
        guard let value = c.lenientDouble(.value) else {
            throw DecodingError.keyNotFound(
                CodingKeys.value, .init(codingPath: c.codingPath, debugDescription: "price without value"))
        }
        self.value = value
    }
}

/// The release summary inside a listing. The older schema has only `id`, `description` ("Artist - Title (Format)"),
/// `year` and `catalog_number`; the current one adds `artist`, `title`, `format` and `thumbnail`. When `artist` or
/// `title` are missing they are derived from `description`.
public struct DiscogsListingRelease: Codable, Sendable, Hashable {
    public var id: Int64
    public var description: String?
    public var artist: String?
    public var title: String?
    public var year: Int?
    public var catalogNumber: String?
    public var format: String?
    public var thumbnail: String?

    public init(
        id: Int64, description: String? = nil, artist: String? = nil, title: String? = nil, year: Int? = nil,
        catalogNumber: String? = nil, format: String? = nil, thumbnail: String? = nil
    ) {
        self.id = id; self.description = description; self.artist = artist; self.title = title; self.year = year
        self.catalogNumber = catalogNumber; self.format = format; self.thumbnail = thumbnail
    }

    enum CodingKeys: String, CodingKey {
        case id, description, artist, title, year, catalog_number, catno, format, thumbnail, thumb
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.requiredID(.id)
        description = c.lenientString(.description)
        year = try c.lenientInt(.year).flatMap { $0 > 0 ? $0 : nil }
        catalogNumber = c.lenientString(.catalog_number) ?? c.lenientString(.catno)
        format = c.lenientString(.format).flatMap { $0.isEmpty ? nil : $0 }
        thumbnail = (c.lenientString(.thumbnail) ?? c.lenientString(.thumb)).flatMap { $0.isEmpty ? nil : $0 }
        let parsed = description.map(Self.split(description:))
        artist = c.lenientString(.artist).flatMap { $0.isEmpty ? nil : $0 } ?? parsed?.artist
        title = c.lenientString(.title).flatMap { $0.isEmpty ? nil : $0 } ?? parsed?.title
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encodeIfPresent(artist, forKey: .artist)
        try c.encodeIfPresent(title, forKey: .title)
        try c.encodeIfPresent(year, forKey: .year)
        try c.encodeIfPresent(catalogNumber, forKey: .catalog_number)
        try c.encodeIfPresent(format, forKey: .format)
        try c.encodeIfPresent(thumbnail, forKey: .thumbnail)
    }

    /// "Artist - Title (Format)" -> ("Artist", "Title"); the format suffix is dropped.
    static func split(description: String) -> (artist: String?, title: String?) {
        var text = description
        if text.hasSuffix(")"), let open = text.range(of: " (", options: .backwards) {
            text = String(text[..<open.lowerBound])
        }
        guard let dash = text.range(of: " - ") else { return (nil, text.isEmpty ? nil : text) }
        let artist = String(text[..<dash.lowerBound]).trimmingCharacters(in: .whitespaces)
        let title = String(text[dash.upperBound...]).trimmingCharacters(in: .whitespaces)
        return (artist.isEmpty ? nil : artist, title.isEmpty ? nil : title)
    }
}
