/// The columns of a result: names and type OIDs, shared by its rows.
public final class PostgresColumns: Sendable {
    public let names: [String]
    public let types: [UInt32]
    /// Only for wide results: a linear search of a few names is cheaper than building a dictionary per query.
    private let indexByName: [String: Int]?

    init(names: [String], types: [UInt32]) {
        self.names = names
        self.types = types
        if names.count > 16 {
            var index: [String: Int] = [:]
            for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
            indexByName = index
        } else {
            indexByName = nil
        }
    }

    public func index(of name: String) -> Int? { indexByName.map { $0[name] } ?? names.firstIndex(of: name) }
}

/// One row, copied out of libpq's result: each value in text form, or nil for NULL.
public struct PostgresRow: Sendable {
    public let columns: PostgresColumns
    public let values: [String?]

    /// Reads a column as `T`; an optional `T` reads NULL as nil, any other type throws on NULL.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let index = columns.index(of: column) else {
            throw PostgresError(.decoding, message: "no column named \(column)")
        }
        return try decode(at: index, as: type)
    }

    public func decode<T: PostgresDecodable>(at index: Int, as type: T.Type = T.self) throws -> T {
        guard index >= 0 && index < values.count else {
            throw PostgresError(.decoding, message: "no column at index \(index)")
        }
        guard let text = values[index] else { return try T.postgresNull(column: columns.names[index]) }
        do {
            return try T(postgresText: text, type: columns.types[index])
        } catch var error as PostgresError {
            error.message = "column \(columns.names[index]): \(error.message)"
            throw error
        }
    }

    /// The raw text of a column, nil for NULL or an unknown column.
    public subscript(_ column: String) -> String? {
        columns.index(of: column).flatMap { values[$0] }
    }
}

/// The outcome of one statement: its rows and, for writes, how many rows it touched.
public struct PostgresResult: Sendable {
    public let columns: PostgresColumns
    public let rows: [PostgresRow]
    /// Rows affected by INSERT/UPDATE/DELETE (and rows returned by SELECT), from the command tag.
    public let affectedRows: Int
    public let commandTag: String

    public var first: PostgresRow? { rows.first }
    public var isEmpty: Bool { rows.isEmpty }

    /// Decodes column `column` of every row.
    public func column<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> [T] {
        try rows.map { try $0.decode(column, as: type) }
    }

    /// The first row's first column, for scalar queries.
    public func scalar<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T {
        guard let row = rows.first else { throw PostgresError(.decoding, message: "query returned no rows") }
        return try row.decode(at: 0, as: type)
    }
}

/// A message sent with NOTIFY on a channel this connection LISTENs to.
public struct PostgresNotification: Sendable, Equatable {
    public let channel: String
    public let payload: String
    public let senderPID: Int32
}
