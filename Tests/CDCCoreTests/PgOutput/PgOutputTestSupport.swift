import XCTest
@testable import CDCCore

/// Builds big-endian wire messages for fixtures; chainable so each fixture reads like the
/// protocol documentation's field list.
struct Wire {
    var bytes: [UInt8] = []

    func tag(_ character: Character) -> Wire { u8(character.asciiValue!) }
    func u8(_ value: UInt8) -> Wire { raw([value]) }
    func i16(_ value: Int16) -> Wire { be(UInt16(bitPattern: value)) }
    func i32(_ value: Int32) -> Wire { be(UInt32(bitPattern: value)) }
    func u32(_ value: UInt32) -> Wire { be(value) }
    func i64(_ value: Int64) -> Wire { be(UInt64(bitPattern: value)) }
    func u64(_ value: UInt64) -> Wire { be(value) }
    func cstring(_ text: String) -> Wire { raw(Array(text.utf8) + [0]) }
    func text(_ value: String) -> Wire { tag("t").i32(Int32(value.utf8.count)).raw(Array(value.utf8)) }
    func raw(_ more: [UInt8]) -> Wire {
        var copy = self
        copy.bytes.append(contentsOf: more)
        return copy
    }

    private func be<T: FixedWidthInteger>(_ value: T) -> Wire {
        raw((0..<T.bitWidth / 8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) })
    }
}

extension XCTestCase {
    /// Decodes `bytes` with a fresh decoder, optionally already inside a stream block.
    func decode(_ wire: Wire, version: Int = 1, inStream: Bool = false,
                file: StaticString = #filePath, line: UInt = #line) throws -> PgOutputMessage {
        var decoder = PgOutputDecoder(protocolVersion: version)
        if inStream {
            _ = try decoder.decode(Wire().tag("S").u32(999).u8(1).bytes)
            XCTAssertTrue(decoder.inStream, file: file, line: line)
        }
        return try decoder.decode(wire.bytes)
    }

    /// Asserts that decoding fails with a `PgOutputDecodingError` and returns it.
    @discardableResult
    func assertDecodeFails(_ bytes: [UInt8], version: Int = 1, inStream: Bool = false,
                           file: StaticString = #filePath, line: UInt = #line) -> PgOutputDecodingError? {
        var decoder = PgOutputDecoder(protocolVersion: version)
        if inStream { _ = try? decoder.decode(Wire().tag("S").u32(999).u8(1).bytes) }
        do {
            let message = try decoder.decode(bytes)
            XCTFail("expected failure, decoded \(message)", file: file, line: line)
            return nil
        } catch let error as PgOutputDecodingError {
            XCTAssertEqual(decoder.inStream, inStream, "failed decode must not change state", file: file, line: line)
            return error
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
            return nil
        }
    }

    /// Feeds every strict prefix of a valid message; each must throw a decoding error.
    func assertEveryPrefixFails(_ wire: Wire, version: Int = 1, inStream: Bool = false,
                                file: StaticString = #filePath, line: UInt = #line) {
        for length in 0..<wire.bytes.count {
            let error = assertDecodeFails(Array(wire.bytes.prefix(length)), version: version,
                                          inStream: inStream, file: file, line: line)
            if let error, length > 0 {
                XCTAssertEqual(error.tag, wire.bytes[0], "prefix \(length)", file: file, line: line)
            }
        }
    }
}

/// Shorthand for a text column from a string.
func textColumn(_ value: String) -> TupleColumn { .text(Array(value.utf8)) }
