import CDCCore
import XCTest

/// Registry URLs in messages never show a password, whether Foundation can parse them or not.
final class RegistryURLTests: XCTestCase {
    func testPasswordsAreMasked() {
        XCTAssertEqual(RegistryURL.masked("ftp://u:s3cret@x"), "ftp://u:***@x")
        XCTAssertEqual(RegistryURL.masked("http://u:s3cret@host:8081/path?q=1"), "http://u:***@host:8081/path?q=1")
        XCTAssertEqual(RegistryURL.masked("https://u:p@ss:w@rd@host"), "https://u:***@host", "the last @ ends the userinfo")
        XCTAssertEqual(RegistryURL.masked("u:s3cret@host:8081"), "u:***@host:8081", "no scheme")
        XCTAssertEqual(RegistryURL.masked("http://u:s3cret@"), "http://u:***@")
    }

    func testURLsWithoutPasswordAreUnchanged() {
        for url in ["http://host:8081", "http://user@host:8081", "http://host/a@b", "not a url", ""] {
            XCTAssertEqual(RegistryURL.masked(url), url)
        }
    }

    func testInvalidURLErrorMasksThePassword() {
        XCTAssertThrowsError(try SchemaRegistryClient(url: "ftp://u:s3cret@x")) { error in
            XCTAssertEqual("\(error)", "invalid schema registry URL 'ftp://u:***@x': expected http(s)://host:port")
        }
    }
}
