import Foundation
import LocalServers
import Postgres
import XCTest

final class PostgresClientTests: XCTestCase {
    var db: PostgresConnection!

    override func setUpWithError() throws {
        db = try PostgresConnection(url: TestEnvironment.postgresURL())
        try db.query("DROP TABLE IF EXISTS client_types")
        try db.query("""
            CREATE TABLE client_types (id SERIAL PRIMARY KEY, i INTEGER, b BIGINT, r REAL, d DOUBLE PRECISION,
              f BOOLEAN, t TEXT, ts TIMESTAMPTZ, j JSONB)
            """)
    }

    func testRoundTripsEveryType() throws {
        let when = Date(timeIntervalSince1970: 1_704_067_200.123456)
        let row = try db.query("""
            INSERT INTO client_types (i, b, r, d, f, t, ts, j) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            RETURNING i, b, r, d, f, t, ts, j
            """, Int32(-42), Int64.max, Float(0.75), 3.141592653589793, true, "héllo wörld ✓ 日本語 🎶", when,
            PostgresJSON(#"{"a": [1, 2], "b": null}"#)).first!
        XCTAssertEqual(try row.decode("i", as: Int32.self), -42)
        XCTAssertEqual(try row.decode("b", as: Int64.self), Int64.max)
        XCTAssertEqual(try row.decode("r", as: Float.self), 0.75)
        XCTAssertEqual(try row.decode("d", as: Double.self), 3.141592653589793)
        XCTAssertEqual(try row.decode("f", as: Bool.self), true)
        XCTAssertEqual(try row.decode("t", as: String.self), "héllo wörld ✓ 日本語 🎶")
        XCTAssertEqual(try row.decode("ts", as: Date.self).timeIntervalSince1970, when.timeIntervalSince1970, accuracy: 1e-6)
        let json = try row.decode("j", as: PostgresJSON.self)
        struct Doc: Decodable, Equatable { let a: [Int]; let b: Int? }
        XCTAssertEqual(try json.decode(Doc.self), Doc(a: [1, 2], b: nil))
    }

    func testNullsDecodeAsOptionalsAndRefuseNonOptionals() throws {
        let row = try db.query("INSERT INTO client_types (i, t) VALUES ($1, $2) RETURNING i, t, ts",
                               Int?.none, String?.none).first!
        XCTAssertNil(try row.decode("i", as: Int?.self))
        XCTAssertNil(try row.decode("ts", as: Date?.self))
        XCTAssertThrowsError(try row.decode("t", as: String.self)) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .decoding)
        }
    }

    func testMegabyteValueRoundTrips() throws {
        let big = String(repeating: "0123456789abcdéf", count: 65_536)  // 1 MiB of text, multi-byte included
        let back = try db.query("SELECT $1::text AS v", big).scalar(String.self)
        XCTAssertEqual(back, big)
    }

    func testHostileStringsStayData() throws {
        let attacks = ["'; DROP TABLE client_types; --", "$1", "\\x00", "' OR '1'='1", "\u{1B}[2J", "\"quoted\""]
        for attack in attacks {
            try db.query("INSERT INTO client_types (t) VALUES ($1)", attack)
        }
        let stored = try db.query("SELECT t FROM client_types ORDER BY id").column("t", as: String.self)
        XCTAssertEqual(stored, attacks)
    }

    func testNulByteIsRefusedClearly() throws {
        XCTAssertThrowsError(try db.query("SELECT $1::text", "a\u{0}b")) { error in
            let error = error as? PostgresError
            XCTAssertEqual(error?.kind, .invalidParameter)
            XCTAssertTrue(error?.description.contains("NUL") ?? false)
        }
        // The connection is still usable afterwards.
        XCTAssertEqual(try db.query("SELECT 1").scalar(Int.self), 1)
    }

    func testFailedStatementRollsTheTransactionBack() throws {
        XCTAssertThrowsError(try db.transaction { tx in
            try tx.query("INSERT INTO client_types (t) VALUES ('kept?')")
            try tx.query("SELECT * FROM no_such_table")
        })
        XCTAssertEqual(try db.query("SELECT count(*) FROM client_types").scalar(Int.self), 0)
        // A nested failure rolls back to its savepoint only.
        try db.transaction { tx in
            try tx.query("INSERT INTO client_types (t) VALUES ('outer')")
            XCTAssertThrowsError(try tx.transaction { inner in
                try inner.query("INSERT INTO client_types (t) VALUES ('inner')")
                try inner.query("SELECT 1/0")
            })
        }
        XCTAssertEqual(try db.query("SELECT t FROM client_types").column("t", as: String.self), ["outer"])
    }

    func testErrorsAreClassified() throws {
        try db.query("CREATE UNIQUE INDEX ON client_types (t)")
        try db.query("INSERT INTO client_types (t) VALUES ('dup')")
        XCTAssertThrowsError(try db.query("INSERT INTO client_types (t) VALUES ('dup')")) { error in
            let error = error as? PostgresError
            XCTAssertEqual(error?.kind, .uniqueViolation)
            XCTAssertEqual(error?.sqlState, "23505")
        }
        XCTAssertThrowsError(try db.query("SELEC 1")) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "42601")
        }
        let readOnly = try PostgresConnection(PostgresConfiguration(try TestEnvironment.postgresURL(), readOnly: true))
        XCTAssertThrowsError(try readOnly.query("INSERT INTO client_types (t) VALUES ('x')")) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .readOnlyTransaction)
        }
    }

    func testSerializationFailureIsRecognised() throws {
        try db.query("INSERT INTO client_types (id, i) VALUES (1, 0)")
        let other = try PostgresConnection(url: TestEnvironment.postgresURL())
        try db.query("BEGIN ISOLATION LEVEL REPEATABLE READ")
        _ = try db.query("SELECT i FROM client_types WHERE id = 1")
        try other.query("UPDATE client_types SET i = 1 WHERE id = 1")
        XCTAssertThrowsError(try db.query("UPDATE client_types SET i = 2 WHERE id = 1")) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .serializationFailure)
        }
        try db.query("ROLLBACK")
    }

    func testNotificationFromAnotherConnectionArrives() throws {
        try db.listen("rotation_test")
        let sender = try PostgresConnection(url: TestEnvironment.postgresURL())
        try sender.notify("rotation_test", payload: #"{"hello":"world"}"#)
        var received: [PostgresNotification] = []
        for _ in 0..<50 where received.isEmpty {
            received = try db.waitForNotifications(timeout: 0.1)
        }
        XCTAssertEqual(received.first?.channel, "rotation_test")
        XCTAssertEqual(received.first?.payload, #"{"hello":"world"}"#)
        XCTAssertTrue(try db.waitForNotifications(timeout: 0).isEmpty)
    }

    func testCopyInLoadsRows() throws {
        let copied = try db.copyIn("COPY client_types (i, t) FROM STDIN") { send in
            for i in 0..<1000 { try send("\(i)\trow \(i)\n") }
        }
        XCTAssertEqual(copied, 1000)
        XCTAssertEqual(try db.query("SELECT sum(i) FROM client_types").scalar(Int.self), 499_500)
    }

    func testWrongPasswordIsClearAndSecret() throws {
        let url = try TestEnvironment.postgresURL()
        guard var components = URLComponents(string: url), components.password != nil else {
            throw XCTSkip("DATABASE_URL has no password to get wrong")
        }
        components.password = "wrong-secret-\(UInt32.random(in: 0...UInt32.max))"
        let wrongURL = components.string!
        XCTAssertThrowsError(try PostgresConnection(url: wrongURL)) { error in
            let error = error as! PostgresError
            XCTAssertEqual(error.kind, .connectionFailed)
            XCTAssertTrue(error.description.contains("password authentication failed"), error.description)
            XCTAssertFalse(error.description.contains(components.password!))
            XCTAssertTrue(error.description.contains("***"))
        }
    }

    func testRedactionHidesPasswordsInEveryForm() {
        XCTAssertEqual(PostgresConfiguration("postgres://alice:s3cr%40t@db:5432/x?sslmode=require").redacted,
                       "postgres://alice:***@db:5432/x?sslmode=require")
        XCTAssertEqual(PostgresConfiguration("postgresql://h/db?user=a&password=hunter2&sslmode=disable").redacted,
                       "postgresql://a:***@h/db?sslmode=disable")
        XCTAssertEqual(PostgresConfiguration("host=h password='p w' dbname=x").redacted, "host=h dbname=x password=***")
        XCTAssertEqual(PostgresConfiguration("postgres://alice@%2Ftmp%2Fsock/db").redacted,
                       "postgres://alice@%2Ftmp%2Fsock/db")
    }

    /// Sends `values` as one array parameter with no cast in the SQL and reads its elements back in order.
    private func elements<T: PostgresArrayElement & PostgresDecodable>(_ values: [T]) throws -> [T] {
        try db.query("SELECT x FROM unnest($1) WITH ORDINALITY AS u(x, n) ORDER BY n", values).column("x", as: T.self)
    }

    func testArrayParametersRoundTripWithTheirTypes() throws {
        XCTAssertEqual(try elements([Int64.min, -1, 0, 42, Int64.max]), [Int64.min, -1, 0, 42, Int64.max])
        XCTAssertEqual(try elements([Int32.min, 7, Int32.max]), [Int32.min, 7, Int32.max])
        XCTAssertEqual(try elements([3, 2, 1]), [3, 2, 1])
        XCTAssertEqual(try elements([0.5, -2.25, 3.141592653589793, .infinity]), [0.5, -2.25, 3.141592653589793, .infinity])
        XCTAssertEqual(try elements([true, false, true]), [true, false, true])
        let types = try db.query("""
            SELECT pg_typeof($1)::text AS a, pg_typeof($2)::text AS b, pg_typeof($3)::text AS c, pg_typeof($4)::text AS d,
                   pg_typeof($5)::text AS e, pg_typeof($6)::text AS f
            """, [Int64(1)], [Int32(1)], ["a"], [1.5], [true], [Date()]).first!
        XCTAssertEqual(["a", "b", "c", "d", "e", "f"].map { types[$0] },
                       ["bigint[]", "integer[]", "text[]", "double precision[]", "boolean[]", "timestamp with time zone[]"])
    }

    func testTextArrayElementsStayData() throws {
        let texts = ["plain", "", "NULL", "null", "a,b", "{braces}", "say \"hi\"", "back\\slash\\", "\\\"", " padded ",
                     "tab\tand\nnewline", "héllo wörld ✓ 日本語 🎶", "'; DROP TABLE client_types; --"]
        XCTAssertEqual(try elements(texts), texts)
        XCTAssertEqual(try db.query("SELECT cardinality($1) AS n", texts).scalar(Int.self), texts.count)
    }

    func testEmptyArraysAndNullElements() throws {
        XCTAssertEqual(try elements([Int64]()), [])
        XCTAssertEqual(try elements([String]()), [])
        let row = try db.query("SELECT cardinality($1) AS n, array_to_string($1, ',') AS s", [Int64]()).first!
        XCTAssertEqual(try row.decode("n", as: Int.self), 0)
        XCTAssertEqual(try row.decode("s", as: String.self), "")
        XCTAssertEqual(try elements(["a", nil, "NULL", nil] as [String?]), ["a", nil, "NULL", nil])
        XCTAssertEqual(try elements([1, nil, 3] as [Int64?]), [1, nil, 3])
        XCTAssertEqual(try db.query("SELECT count(*) FROM unnest($1) AS u(x) WHERE x IS NULL", [nil, "x", nil] as [String?])
            .scalar(Int.self), 2)
    }

    func testArrayParameterWorksWithAny() throws {
        for (i, t) in ["a\"b", "c,d", "e"].enumerated() {
            try db.query("INSERT INTO client_types (i, b, t) VALUES ($1, $2, $3)", Int32(i), Int64(i) * 10, t)
        }
        XCTAssertEqual(try db.query("SELECT i FROM client_types WHERE t = ANY($1) ORDER BY i", ["a\"b", "c,d", "zzz"])
            .column("i", as: Int32.self), [0, 1])
        XCTAssertEqual(try db.query("SELECT t FROM client_types WHERE b = ANY($1) ORDER BY i", [Int64(20), 10])
            .column("t", as: String.self), ["c,d", "e"])
        XCTAssertEqual(try db.query("SELECT t FROM client_types WHERE i = ANY($1::integer[])", [Int32(2)])
            .column("t", as: String.self), ["e"])
        XCTAssertEqual(try db.query("SELECT count(*) FROM client_types WHERE b = ANY($1)", [Int64]()).scalar(Int.self), 0)
    }

    func testTimestampTextForms() {
        XCTAssertEqual(PostgresTimestamp.parse("2024-01-01 00:00:00+00")?.timeIntervalSince1970, 1_704_067_200)
        XCTAssertEqual(PostgresTimestamp.parse("2024-01-01 02:30:00.5+02:30")?.timeIntervalSince1970, 1_704_067_200.5)
        XCTAssertEqual(PostgresTimestamp.parse("2024-01-01T00:00:00Z")?.timeIntervalSince1970, 1_704_067_200)
        XCTAssertNil(PostgresTimestamp.parse("yesterday"))
        XCTAssertEqual(PostgresTimestamp.format(Date(timeIntervalSince1970: 1_704_067_200.25)), "2024-01-01T00:00:00.250000Z")
    }

    func testTimestampFormatsCutToTheirPrecision() {
        let date = Date(timeIntervalSince1970: 1_704_067_200.123_999_8)
        XCTAssertEqual(PostgresTimestamp.format(date), "2024-01-01T00:00:00.124000Z")
        XCTAssertEqual(PostgresTimestamp.iso8601(date, fractionDigits: 3, rounding: .down), "2024-01-01T00:00:00.123Z")
        XCTAssertEqual(PostgresTimestamp.iso8601(Date(timeIntervalSince1970: -0.25), fractionDigits: 3, rounding: .down),
                       "1969-12-31T23:59:59.750Z")
    }
}
