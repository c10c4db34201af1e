import XCTest
@testable import AvroCodec

final class AvroMalformedInputTests: XCTestCase {
    func decodeError(_ hexBytes: String, _ json: String) -> AvroDecodingError? {
        do {
            _ = try AvroBinaryReader.decode(bytes(hex: hexBytes), as: AvroCompiledSchema(json: json))
            return nil
        } catch {
            return error as? AvroDecodingError
        }
    }

    func testEveryPrefixOfAValidEncodingThrows() throws {
        let schema = try AvroCompiledSchema(json: Fixtures.ordersSchemaJSON)
        let valid = try AvroBinaryWriter.encode(Fixtures.order(), as: schema)
        for length in 0..<valid.count {
            XCTAssertThrowsError(try AvroBinaryReader.decode(Array(valid.prefix(length)), as: schema), "prefix \(length)") { error in
                XCTAssertTrue(error is AvroDecodingError)
            }
        }
        for (json, value) in Fixtures.typeCorpus {
            let s = try AvroCompiledSchema(json: json)
            let encoded = try AvroBinaryWriter.encode(value, as: s)
            for length in 0..<encoded.count {
                XCTAssertThrowsError(try AvroBinaryReader.decode(Array(encoded.prefix(length)), as: s), "\(json) prefix \(length)")
            }
        }
    }

    func testSpecificMalformations() {
        XCTAssertEqual(decodeError("ffffffffffffffffffff01", #""long""#)?.message, "varint longer than 64 bits")
        XCTAssertEqual(decodeError("ffffffffffffffffff02", #""long""#)?.message, "varint longer than 64 bits")
        XCTAssertEqual(decodeError("8080", #""long""#)?.message, "truncated varint")
        XCTAssertEqual(decodeError("feffffff1f", #""int""#)?.message.hasPrefix("int out of range"), true)
        XCTAssertEqual(decodeError("01", #""string""#)?.message, "negative length -1")
        XCTAssertEqual(decodeError("0a6162", #""bytes""#)?.message, "length 5 exceeds the 2 bytes left")
        XCTAssertEqual(decodeError("04c328", #""string""#)?.message, "string is not valid UTF-8")
        XCTAssertEqual(decodeError("06eda080", #""string""#)?.offset, 0) // encoded surrogate is invalid UTF-8
        XCTAssertNotNil(decodeError("08f0908041", #""string""#)) // repairs to the same length: must still fail
        XCTAssertNotNil(decodeError("02ff", #""string""#))
        XCTAssertNotNil(decodeError("04c0af", #""string""#)) // overlong encoding
        XCTAssertEqual(decodeError("04", #"["null","int"]"#)?.message, "union branch 2 out of range 0..<2")
        XCTAssertEqual(decodeError("01", #"["null","int"]"#)?.message, "union branch -1 out of range 0..<2")
        XCTAssertEqual(decodeError("06", #"{"type":"enum","name":"E","symbols":["A","B"]}"#)?.message, "enum index 3 out of range 0..<2")
        XCTAssertEqual(decodeError("02", #""boolean""#)?.message, "boolean byte must be 0 or 1, got 2")
        XCTAssertEqual(decodeError("0000", #""int""#)?.message, "1 trailing bytes")
        XCTAssertEqual(decodeError("0000c0", #""float""#)?.message, "truncated float")
        // Hostile counts are refused before allocating.
        XCTAssertEqual(decodeError("feffffffffffffffff01", #"{"type":"array","items":"long"}"#)?.offset, 0)
        XCTAssertNotNil(decodeError("feffffffffffffffff01", #"{"type":"array","items":"null"}"#))
        XCTAssertNotNil(decodeError("ffffffffffffffffff01", #"{"type":"map","values":"null"}"#)) // count Int64.min
        XCTAssertNotNil(decodeError("030100", #"{"type":"array","items":"int"}"#)) // block byte size -1
        // Error offsets point at the offending item.
        XCTAssertEqual(decodeError("020004", #"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"boolean"},{"name":"c","type":["null","int"]}]}"#)?.offset, 2)
    }

    func testRecursionDepthIsCapped() throws {
        let schema = try AvroCompiledSchema(json: #"{"type":"record","name":"N","fields":[{"name":"next","type":["null","N"]}]}"#)
        let deep = [UInt8](repeating: 2, count: 100_000) + [0]
        XCTAssertThrowsError(try AvroBinaryReader.decode(deep, as: schema)) { error in
            XCTAssertTrue((error as? AvroDecodingError)?.message.hasPrefix("nesting deeper") == true)
        }
        let fine = [UInt8](repeating: 2, count: 200) + [0]
        XCTAssertNoThrow(try AvroBinaryReader.decode(fine, as: schema))
    }

    func testRandomBytesNeverCrash() throws {
        var random = TestRandom(state: 0x9E37_79B9_7F4A_7C15)
        let schemas = try ([Fixtures.ordersSchemaJSON] + Fixtures.typeCorpus.map(\.0)).map { try AvroCompiledSchema(json: $0) }
        var decoded = 0
        for _ in 0..<4000 {
            let length = Int(random.next() % 64)
            let input = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            for schema in schemas {
                if (try? AvroBinaryReader.decode(input, as: schema)) != nil { decoded += 1 }
            }
        }
        XCTAssertGreaterThan(decoded, 0, "some random inputs are valid for small schemas")
    }

    func testRandomMutationsOfValidEncodingsNeverCrash() throws {
        var random = TestRandom(state: 42)
        let schema = try AvroCompiledSchema(json: Fixtures.ordersSchemaJSON)
        let valid = try AvroBinaryWriter.encode(Fixtures.order(), as: schema)
        for _ in 0..<5000 {
            var mutated = valid
            for _ in 0..<(1 + random.next() % 3) {
                mutated[Int(random.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            _ = try? AvroBinaryReader.decode(mutated, as: schema)
        }
    }
}
