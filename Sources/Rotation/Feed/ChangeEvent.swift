import Foundation

/// One row change announced by the triggers on channel `rotation_changes`, whoever made it.
public struct ChangeEvent: Codable, Sendable, Equatable {
    public enum Table: String, Codable, Sendable {
        case trackMatches = "track_matches"
        case processingQueue = "processing_queue"
    }

    public enum Operation: String, Codable, Sendable {
        case insert = "INSERT"
        case update = "UPDATE"
        case delete = "DELETE"
    }

    public var table: Table
    /// The Discogs release id (for the queue: its `discogs_id`).
    public var releaseID: Int64?
    /// Nil for queue changes.
    public var trackIndex: Int?
    public var operation: Operation

    public init(table: Table, releaseID: Int64?, trackIndex: Int?, operation: Operation) {
        self.table = table
        self.releaseID = releaseID
        self.trackIndex = trackIndex
        self.operation = operation
    }

    enum CodingKeys: String, CodingKey {
        case table, operation
        case releaseID = "release_id", trackIndex = "track_index"
    }

    /// The track this change is about, for `track_matches` changes.
    public var key: TrackKey? {
        guard table == .trackMatches, let releaseID, let trackIndex else { return nil }
        return TrackKey(releaseID: releaseID, trackIndex: trackIndex)
    }

    /// Parses a trigger payload; nil for anything else (a payload is never trusted to be well-formed).
    public init?(payload: String) {
        guard payload.utf8.count < 8192,
              let event = try? JSONDecoder().decode(ChangeEvent.self, from: Data(payload.utf8))
        else { return nil }
        self = event
    }
}

/// What a feed subscriber receives.
public enum FeedEvent: Sendable, Equatable {
    case change(ChangeEvent)
    /// The feed (re)connected after losing its connection: notifications may have been missed, reload everything.
    case resync
    /// The feed lost its connection and is retrying with backoff.
    case disconnected(String)
    /// How changes reach the feed, said once it knows and again whenever that changes (ChangeFeedMode.swift).
    case mode(ChangeFeedMode)
}
