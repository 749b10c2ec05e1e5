import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Matching
import Synchronization

/// One track as SoundCloud's `GET /tracks` describes it.
public struct SoundCloudTrack: Codable, Sendable, Hashable {
    public var id: Int64
    public var title: String
    /// The track's page, the URL stored as a match.
    public var url: String
    public var durationSeconds: Int?
    public var description: String
    /// The uploading account's name.
    public var uploader: String
    /// The artist a label or distributor filed the track under, when it did.
    public var publisherArtist: String?

    public init(id: Int64, title: String, url: String, durationSeconds: Int? = nil, description: String = "",
                uploader: String = "", publisherArtist: String? = nil) {
        self.id = id; self.title = title; self.url = url; self.durationSeconds = durationSeconds
        self.description = description; self.uploader = uploader; self.publisherArtist = publisherArtist
    }

    /// The track as a matcher candidate (source `soundcloud`), its uploader as the channel.
    public var candidate: CandidateVideo {
        CandidateVideo(url: url, title: title, durationSeconds: durationSeconds,
                       description: description.isEmpty ? nil : description, source: SoundCloudSearchProvider.name,
                       channel: uploader.isEmpty ? nil : uploader)
    }
}

/// A small synchronous client of SoundCloud's public API: an OAuth token from the client credentials grant, kept
/// until shortly before it expires (SoundCloud limits how many tokens an app may ask for), then `GET /tracks?q=`.
/// A search answered 401 (the token was revoked early) gets a new token once. Safe to share between threads.
public final class SoundCloudClient: Sendable {
    public let configuration: SoundCloudSearchConfiguration
    private let session: URLSession
    private let now: @Sendable () -> Date
    private let token = Mutex<(value: String, expires: Date)?>(nil)

    /// `now` is replaced in tests to move past a token's expiry without waiting.
    public init(configuration: SoundCloudSearchConfiguration, now: @escaping @Sendable () -> Date = Date.init) {
        self.configuration = configuration
        self.now = now
        session = URLSession.ephemeral(timeoutSeconds: configuration.timeoutSeconds)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// The tracks SoundCloud ranks first for `query`.
    public func search(_ query: String) throws -> [SoundCloudTrack] {
        do {
            return try searchOnce(query, token: try currentToken())
        } catch let error as SoundCloudSearchError where error.kind == .http(status: 401) {
            token.withLock { $0 = nil }
            return try searchOnce(query, token: try currentToken())
        }
    }

    private func searchOnce(_ query: String, token: String) throws -> [SoundCloudTrack] {
        guard var components = URLComponents(url: configuration.apiURL, resolvingAgainstBaseURL: false) else {
            throw SoundCloudSearchError(kind: .notConfigured, message: "SOUNDCLOUD_API_URL is not a URL")
        }
        components.percentEncodedPath = components.percentEncodedPath.trimmingSuffix("/") + "/tracks"
        components.queryItems = [URLQueryItem(name: "q", value: query), URLQueryItem(name: "limit", value: String(configuration.limit))]
        guard let url = components.url else { throw SoundCloudSearchError(kind: .notConfigured, message: "bad URL") }
        var request = URLRequest(url: url)
        request.setValue("OAuth \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let data = try perform(request)
        // An array, or `{"collection": [...]}` when the API paginates.
        let tracks: [TrackResponse]
        if let list = try? JSONDecoder().decode([TrackResponse].self, from: data) {
            tracks = list
        } else if let page = try? JSONDecoder().decode(TrackPage.self, from: data) {
            tracks = page.collection ?? []
        } else {
            throw SoundCloudSearchError(kind: .badResponse, message: "not a list of tracks")
        }
        return tracks.compactMap { track in
            guard let id = track.id, let url = track.permalink_url, !url.isEmpty else { return nil }
            return SoundCloudTrack(
                id: id, title: track.title ?? "", url: url, durationSeconds: track.duration.map { Int(($0 / 1000).rounded()) },
                description: track.description ?? "", uploader: track.user?.username ?? "",
                publisherArtist: track.publisher_metadata?.artist)
        }
    }

    /// The cached token, or a new one from the client credentials grant.
    private func currentToken() throws -> String {
        if let cached = token.withLock({ $0 }), cached.expires > now() { return cached.value }
        guard var components = URLComponents(url: configuration.authURL, resolvingAgainstBaseURL: false) else {
            throw SoundCloudSearchError(kind: .notConfigured, message: "SOUNDCLOUD_AUTH_URL is not a URL")
        }
        components.percentEncodedPath = components.percentEncodedPath.trimmingSuffix("/") + "/oauth/token"
        guard let url = components.url else { throw SoundCloudSearchError(kind: .notConfigured, message: "bad URL") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        let credentials = Data("\(configuration.clientID):\(configuration.clientSecret)".utf8).base64EncodedString()
        request.setValue("Basic \(credentials)", forHTTPHeaderField: "Authorization")
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.httpBody = Data("grant_type=client_credentials".utf8)
        let data: Data
        do {
            data = try perform(request)
        } catch let error as SoundCloudSearchError where [.http(status: 400), .http(status: 401)].contains(error.kind) {
            throw SoundCloudSearchError(kind: .credentialsInvalid)
        }
        guard let answer = try? JSONDecoder().decode(TokenResponse.self, from: data), !answer.access_token.isEmpty else {
            throw SoundCloudSearchError(kind: .badResponse, message: "no access_token in the token answer")
        }
        let lifetime = max(0, Double(answer.expires_in ?? 3_600) - configuration.tokenRenewalMarginSeconds)
        token.withLock { $0 = (answer.access_token, now().addingTimeInterval(lifetime)) }
        return answer.access_token
    }

    private func perform(_ request: URLRequest) throws -> Data {
        switch session.blockingResult(for: request) {
        case .success(let (data, response)):
            let status = response.statusCode
            if (200..<300).contains(status) { return data }
            if status == 429 { throw SoundCloudSearchError(kind: .rateLimited) }
            if (500..<600).contains(status) { throw SoundCloudSearchError(kind: .server(status: status)) }
            throw SoundCloudSearchError(kind: .http(status: status))
        case .failure(let error):
            // The request carries the secret only in a header, never in the URL a message may echo.
            let timedOut = (error as? URLError)?.code == .timedOut
            throw SoundCloudSearchError(kind: timedOut ? .timeout : .transport,
                                        message: timedOut ? "" : String(error.localizedDescription.prefix(200)))
        }
    }
}

private struct TrackResponse: Decodable {
    struct User: Decodable { var username: String? }
    struct Publisher: Decodable { var artist: String? }
    var id: Int64?
    var title: String?
    var permalink_url: String?
    var duration: Double?
    var description: String?
    var user: User?
    var publisher_metadata: Publisher?
}

private struct TrackPage: Decodable { var collection: [TrackResponse]? }

private struct TokenResponse: Decodable {
    var access_token: String
    var expires_in: Int?
}
