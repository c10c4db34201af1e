@testable import CDCCore
import XCTest

/// `ApplyJSON`: members keep their order, numbers their exact text; errors name the byte.
final class ApplyJSONTests: XCTestCase {
    func testKeepsMemberOrderAndNumberText() throws {
        let v = try ApplyJSON.parse(#"{"b":12.50,"a":-9223372036854775808,"c":1e400,"d":[true,null,"x\"\u00e9\ud83d\ude00"]}"#)
        guard case .object(let members) = v else { return XCTFail("not an object") }
        XCTAssertEqual(members.map(\.0), ["b", "a", "c", "d"])
        XCTAssertEqual(v["b"], .number("12.50"))
        XCTAssertEqual(v["a"], .number("-9223372036854775808"))
        XCTAssertEqual(v["c"], .number("1e400"))
        XCTAssertEqual(v["d"], .array([.bool(true), .null, .string("x\"é😀")]))
        XCTAssertEqual(v.text, #"{"b":12.50,"a":-9223372036854775808,"c":1e400,"d":[true,null,"x\"é😀"]}"#)
    }

    func testMalformedInputNamesTheByte() {
        for bad in ["{", #"{"a":}"#, "[1,]", "tru", #"{"a":1} x"#, #""\x""#, "01x", ""] {
            XCTAssertThrowsError(try ApplyJSON.parse(bad), bad) { error in
                XCTAssertTrue("\(error)".hasPrefix("not valid JSON at byte"), "\(error)")
            }
        }
    }
}
