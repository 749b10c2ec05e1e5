import Foundation

/// Anything that can hand over a `GET /releases/{id}` body: the API client, or a test double.
public protocol ReleaseBodySource: Sendable {
    func releaseBody(id: Int64) throws -> Data
}
