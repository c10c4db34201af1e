import XCTest
@testable import AvroCodec

/// Lower-case hex of bytes, for readable byte-exact assertions.
func hex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// Bytes from a hex literal.
func bytes(hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var chars = Array(hex.utf8)
    chars.removeAll { $0 == UInt8(ascii: " ") }
    for i in stride(from: 0, to: chars.count, by: 2) {
        out.append(UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16)!)
    }
    return out
}

/// Deterministic xorshift generator so "random" tests are reproducible.
struct TestRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

/// Schemas and values shared by several test files.
enum Fixtures {
    /// A 10-column change-event-like record (PostgreSQL orders row as a CDC value).
    static let ordersSchemaJSON = """
    {"type":"record","name":"Value","namespace":"pg.public.orders","fields":[
     {"name":"id","type":"long"},
     {"name":"customer_id","type":["null","int"],"default":null},
     {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED"]}},
     {"name":"amount","type":["null",{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}],"default":null},
     {"name":"note","type":["null","string"],"default":null},
     {"name":"created_at","type":{"type":"long","logicalType":"timestamp-micros"}},
     {"name":"ship_date","type":["null",{"type":"int","logicalType":"date"}],"default":null},
     {"name":"order_uuid","type":{"type":"string","logicalType":"uuid"}},
     {"name":"tags","type":{"type":"array","items":"string"}},
     {"name":"attrs","type":{"type":"map","values":["null","double"]}}
    ]}
    """

    /// The record fastavro encoded to `ordersFastavroHex`.
    static func order(id: Int64 = 42, note: String? = "héllo ✓") -> AvroValue {
        .record([
            .long(id),
            .union(branch: 1, .int(7)),
            .enumSymbol(index: 1, name: "PAID"),
            .union(branch: 1, .bytes(try! AvroDecimal.unscaledBytes("-1234.50", scale: 2))),
            note.map { .union(branch: 1, .string($0)) } ?? .union(branch: 0, .null),
            .long(1_700_000_000_123_456),
            .union(branch: 1, .int(19700)),
            .string("123e4567-e89b-12d3-a456-426614174000"),
            .array([.string("a"), .string("bb")]),
            .map([("x", .union(branch: 1, .double(1.5))), ("y", .union(branch: 0, .null))]),
        ])
    }

    /// fastavro 1.13 `schemaless_writer` output for `order()` (computed once, pasted here).
    static let ordersFastavroHex = "54020e020206fe1dc6021468c3a96c6c6f20e29c93808981828389850602e8b302483132336534353637"
        + "2d653839622d313264332d613435362d3432363631343137343030300402610462620004027802000000000000f83f02790000"

    /// Schema/value pairs covering every type, used for Swift-vs-Avro-C comparisons.
    static let typeCorpus: [(String, AvroValue)] = [
        (#""null""#, .null),
        (#""boolean""#, .boolean(true)),
        (#""int""#, .int(Int32.min)),
        (#""long""#, .long(Int64.max)),
        (#""float""#, .float(-1.25)),
        (#""double""#, .double(3.141592653589793)),
        (#""bytes""#, .bytes([0, 1, 0xFF])),
        (#""bytes""#, .bytes([])),
        (#""string""#, .string("")),
        (#""string""#, .string("Grüße, 世界 🌍")),
        (#"{"type":"fixed","name":"F","size":4}"#, .fixed([1, 2, 3, 4])),
        (#"{"type":"enum","name":"E","symbols":["A","B","C"]}"#, .enumSymbol(index: 2, name: "C")),
        (#"{"type":"array","items":"long"}"#, .array((0..<300).map { .long(Int64($0) * 1_000_003) })),
        (#"{"type":"array","items":"long"}"#, .array([])),
        (#"{"type":"map","values":"string"}"#, .map([("k1", .string("v1")), ("k2", .string(""))])),
        (#"["null","string"]"#, .union(branch: 0, .null)),
        (#"["null","string"]"#, .union(branch: 1, .string("x"))),
        (#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":{"type":"record","name":"P","fields":[{"name":"x","type":"int"},{"name":"y","type":["null","P"]}]}}},{"name":"m","type":{"type":"map","values":"P"}}]}"#,
         .record([
            .array([.record([.int(1), .union(branch: 1, .record([.int(2), .union(branch: 0, .null)]))]), .record([.int(-3), .union(branch: 0, .null)])]),
            .map([("p", .record([.int(9), .union(branch: 0, .null)]))]),
         ])),
        (#"{"type":"map","values":{"type":"array","items":["null",{"type":"map","values":"boolean"}]}}"#,
         .map([("outer", .array([.union(branch: 1, .map([("t", .boolean(true)), ("f", .boolean(false))])), .union(branch: 0, .null)]))])),
    ]
}
