@testable import CDCCore
import XCTest

/// kcat's argument syntaxes and output bytes, without a broker: -o values, -D/-K escapes, -f
/// tokens, the -J envelope (yajl's escaping) and -Z.
final class KafkaFormatTests: XCTestCase {
    private func render(_ message: KafkaMessage, _ style: KafkaMessageRenderer.Style, null: Bool = false,
                        decoder: any PayloadDecoder = PassthroughPayloadDecoder()) -> [UInt8] {
        var out = ByteWriter()
        try? KafkaMessageRenderer(style: style, nullString: null ? Array("NULL".utf8) : nil, decoder: decoder).render(message, into: &out)
        return out.bytes
    }

    private let sample = KafkaMessage(topic: "t", partition: 2, offset: 41, key: Array("k1".utf8), value: Array("v1".utf8),
                                      headers: [KafkaHeader(name: "a", text: "b"), KafkaHeader(name: "n", value: nil)],
                                      timestamp: 1_700_000_000_123, timestampType: .createTime, brokerID: 111)

    func testOffsetSpecParsesEveryKcatForm() throws {
        XCTAssertEqual(try KafkaOffsetSpec.parse([]), KafkaOffsetSpec())
        XCTAssertEqual(try KafkaOffsetSpec.parse(["beginning"]).start, .beginning)
        XCTAssertEqual(try KafkaOffsetSpec.parse(["end"]).start, .end)
        XCTAssertEqual(try KafkaOffsetSpec.parse(["stored"]).start, .stored)
        XCTAssertEqual(try KafkaOffsetSpec.parse(["42"]).start, .absolute(42))
        XCTAssertEqual(try KafkaOffsetSpec.parse(["-3"]).start, .fromEnd(3))
        XCTAssertEqual(try KafkaOffsetSpec.parse(["s@1700000000000"]).start, .timestamp(1_700_000_000_000))
        XCTAssertEqual(try KafkaOffsetSpec.parse(["s@5", "e@9"]), KafkaOffsetSpec(start: .timestamp(5), stopTimestamp: 9))
        XCTAssertEqual(try KafkaOffsetSpec.parse(["end", "beginning"]).start, .beginning, "the last start wins, as in kcat")
        for bad in ["", "begin", "s@", "e@x", "12abc", "@5", "s@-1"] {
            XCTAssertThrowsError(try KafkaOffsetSpec.parse([bad]), bad) { error in
                XCTAssertTrue("\(error)".hasPrefix("invalid offset '\(bad)'"), "\(error)")
            }
        }
    }

    func testGroupModeAcceptsOnlyBeginningEndStored() throws {
        var options = KafkaConsumeOptions(topics: ["t"])
        options.group = "g"
        options.offsets = KafkaOffsetSpec(start: .beginning)
        XCTAssertTrue(try options.configuration().contains { $0 == ("auto.offset.reset", "earliest") })
        options.offsets = KafkaOffsetSpec(start: .end)
        XCTAssertTrue(try options.configuration().contains { $0 == ("auto.offset.reset", "latest") })
        // Like kcat -G without -o: the group's committed offsets, else librdkafka's own
        // auto.offset.reset (latest), so a new group starts at the end; -X may still set it.
        options.offsets = KafkaOffsetSpec()
        XCTAssertFalse(try options.configuration().contains { $0.0 == "auto.offset.reset" })
        options.offsets = KafkaOffsetSpec(start: .stored)
        XCTAssertFalse(try options.configuration().contains { $0.0 == "auto.offset.reset" })
        options.offsets = KafkaOffsetSpec(start: .absolute(3))
        XCTAssertThrowsError(try options.configuration())
        options.offsets = KafkaOffsetSpec(stopTimestamp: 5)
        XCTAssertThrowsError(try options.configuration())
        options.group = nil
        XCTAssertTrue(try options.configuration().contains { $0 == ("enable.auto.commit", "false") })
    }

    func testDelimiterEscapes() throws {
        XCTAssertEqual(try KafkaEscapes.delimiter("\\n"), [0x0A])
        XCTAssertEqual(try KafkaEscapes.delimiter("\\t\\n\\n"), [0x09, 0x0A, 0x0A])
        XCTAssertEqual(try KafkaEscapes.delimiter("\\x54!\\x45\\x53T"), Array("T!EST".utf8))
        XCTAssertEqual(try KafkaEscapes.delimiter("\\x01"), [0x01])
        XCTAssertEqual(try KafkaEscapes.delimiter("::"), Array("::".utf8))
        XCTAssertEqual(try KafkaEscapes.delimiter(""), [])
        XCTAssertThrowsError(try KafkaEscapes.delimiter("\\xZZ"))
    }

    func testFormatTokensAndEscapes() throws {
        let format = try KafkaOutputFormat.parse("%t|%p|%o|%k|%K|%s|%S|%T|%h|100%%\\t\\x41\\\\\\n")
        let text = String(decoding: render(sample, .format(format)), as: UTF8.self)
        XCTAssertEqual(text, "t|2|41|k1|2|v1|2|1700000000123|a=b,n=NULL|100%\tA\\\n")
        XCTAssertThrowsError(try KafkaOutputFormat.parse("%q")) { XCTAssertTrue("\($0)".contains("unsupported formatter %q"), "\($0)") }
        XCTAssertThrowsError(try KafkaOutputFormat.parse("abc%"))
    }

    func testNullAndEmptyFieldsAsKcatPrintsThem() {
        let tombstone = KafkaMessage(topic: "t", partition: 0, offset: 1, key: nil, value: nil)
        let empty = KafkaMessage(topic: "t", partition: 0, offset: 2, key: [], value: [])
        let format = KafkaOutputFormat.parse
        XCTAssertEqual(String(decoding: render(tombstone, .format(try! format("[%k][%s][%K][%S]"))), as: UTF8.self), "[][][-1][-1]")
        XCTAssertEqual(String(decoding: render(empty, .format(try! format("[%k][%s][%K][%S]"))), as: UTF8.self), "[][][0][0]")
        XCTAssertEqual(String(decoding: render(tombstone, .format(try! format("[%k][%s]")), null: true), as: UTF8.self), "[NULL][NULL]")
        XCTAssertEqual(render(tombstone, .format(try! format("%R"))), [0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(render(sample, .format(try! format("%R"))), [0, 0, 0, 2])
    }

    func testDefaultFormatIsValueAndDelimiterWithKeyFirstUnderK() {
        XCTAssertEqual(render(sample, .format(.delimited(keyDelimiter: nil, delimiter: [0x0A]))), Array("v1\n".utf8))
        XCTAssertEqual(render(sample, .format(.delimited(keyDelimiter: Array("::".utf8), delimiter: Array("|".utf8)))), Array("k1::v1|".utf8))
    }

    /// The exact bytes kcat 1.7.1 writes for the same message (from a real run).
    func testJSONEnvelopeMatchesKcatBytes() {
        let json = String(decoding: render(sample, .json(delimiter: [0x0A])), as: UTF8.self)
        XCTAssertEqual(json, #"{"topic":"t","partition":2,"offset":41,"tstype":"create","ts":1700000000123,"broker":111,"headers":["a","b","n",null],"key":"k1","payload":"v1"}"# + "\n")
        let bare = KafkaMessage(topic: "t", partition: 0, offset: 0, key: nil, value: [0x61, 0x01, 0x62, 0x1F, 0x22, 0x5C, 0x2F, 0x7F, 0xC3, 0xA9, 0xFF, 0x09, 0x7A])
        // yajl: \u00XX in upper case, '/' DEL and non-UTF-8 bytes unescaped; no headers key without headers.
        XCTAssertEqual(render(bare, .json(delimiter: Array("XX".utf8))),
                       Array(#"{"topic":"t","partition":0,"offset":0,"broker":-1,"key":null,"payload":"a\u0001b\u001F\"\\/"#.utf8)
                       + [0x7F, 0xC3, 0xA9, 0xFF] + Array(#"\tz"}XX"#.utf8))
    }

    func testPayloadDecoderHook() {
        struct FakeDecoder: PayloadDecoder {
            func decode(_ bytes: [UInt8], field: KafkaMessageField, topic: String) throws -> DecodedPayload {
                .json(Array(#"{"decoded":\#(field == .key)}"#.utf8))
            }
        }
        let json = String(decoding: render(sample, .json(delimiter: []), decoder: FakeDecoder()), as: UTF8.self)
        XCTAssertTrue(json.hasSuffix(#""key":{"decoded":true},"payload":{"decoded":false}}"#), json)
        XCTAssertEqual(String(decoding: render(sample, .format(try! KafkaOutputFormat.parse("%s")), decoder: FakeDecoder()), as: UTF8.self),
                       #"{"decoded":false}"#)
        XCTAssertEqual(try PassthroughPayloadDecoder().decode([1, 2], field: .value, topic: "t"), .bytes([1, 2]))
    }

    /// A decoder's error stops rendering before anything of the message is written (no partial
    /// line), in both styles; a format without %k never decodes the key.
    func testDecoderErrorWritesNothingOfTheMessage() throws {
        struct FailingKey: PayloadDecoder {
            func decode(_ bytes: [UInt8], field: KafkaMessageField, topic: String) throws -> DecodedPayload {
                if field == .key { throw KafkaUsageError("registry down") }
                return .bytes(bytes)
            }
        }
        for style in [KafkaMessageRenderer.Style.json(delimiter: [0x0A]), .format(try KafkaOutputFormat.parse("%t %k %s\\n"))] {
            var out = ByteWriter()
            out.write("before\n")
            XCTAssertThrowsError(try KafkaMessageRenderer(style: style, decoder: FailingKey()).render(sample, into: &out)) {
                XCTAssertEqual("\($0)", "registry down")
            }
            XCTAssertEqual(out.bytes, Array("before\n".utf8))
        }
        var out = ByteWriter()
        try KafkaMessageRenderer(style: .format(try KafkaOutputFormat.parse("%s")), decoder: FailingKey()).render(sample, into: &out)
        XCTAssertEqual(out.bytes, Array("v1".utf8))
    }

    func testHeaderArguments() {
        XCTAssertEqual(KafkaHeader(argument: "a=b=c"), KafkaHeader(name: "a", text: "b=c"))
        XCTAssertEqual(KafkaHeader(argument: "e="), KafkaHeader(name: "e", text: ""))
        XCTAssertEqual(KafkaHeader(argument: "novalue"), KafkaHeader(name: "novalue", value: nil))
        XCTAssertNil(KafkaHeader(argument: "=x"))
        XCTAssertNil(KafkaHeader(argument: ""))
    }
}
