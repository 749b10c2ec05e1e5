import Foundation

/// A value that can be an element of an array parameter: its type names the array type such arrays are sent as,
/// so SQL can say `id = ANY($1)` without a cast.
public protocol PostgresArrayElement: PostgresEncodable {
    /// The OID of the array type whose elements have this type (`int8[]` for `Int64`).
    static var postgresArrayType: UInt32 { get }
}

extension Int: PostgresArrayElement { public static var postgresArrayType: UInt32 { PostgresType.int8Array } }
extension Int64: PostgresArrayElement { public static var postgresArrayType: UInt32 { PostgresType.int8Array } }
extension Int32: PostgresArrayElement { public static var postgresArrayType: UInt32 { PostgresType.int4Array } }
extension String: PostgresArrayElement { public static var postgresArrayType: UInt32 { PostgresType.textArray } }
extension Double: PostgresArrayElement { public static var postgresArrayType: UInt32 { PostgresType.float8Array } }
extension Float: PostgresArrayElement { public static var postgresArrayType: UInt32 { PostgresType.float4Array } }
extension Bool: PostgresArrayElement { public static var postgresArrayType: UInt32 { PostgresType.boolArray } }
extension Date: PostgresArrayElement { public static var postgresArrayType: UInt32 { PostgresType.timestamptzArray } }

/// A nil element is sent as an SQL NULL element.
extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {
    public static var postgresArrayType: UInt32 { Wrapped.postgresArrayType }
}

/// A one-dimensional array parameter, in Postgres' array literal form: `{"1","2",NULL}`. Every element is
/// double-quoted with `\` and `"` escaped, so no element text (empty, `NULL`, commas, braces, spaces) can change
/// the array's shape; a nil element is an unquoted `NULL`.
extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: UInt32 { Element.postgresArrayType }

    public var postgresText: String? {
        var literal: [UInt8] = [UInt8(ascii: "{")]
        literal.reserveCapacity(2 + count * 8)
        for (index, element) in enumerated() {
            if index > 0 { literal.append(UInt8(ascii: ",")) }
            guard let text = element.postgresText else {
                literal.append(contentsOf: "NULL".utf8)
                continue
            }
            literal.append(UInt8(ascii: "\""))
            for byte in text.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { literal.append(UInt8(ascii: "\\")) }
                literal.append(byte)
            }
            literal.append(UInt8(ascii: "\""))
        }
        literal.append(UInt8(ascii: "}"))
        return String(decoding: literal, as: UTF8.self)
    }
}
