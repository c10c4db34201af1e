import Glibc
import XCTest
@testable import CDCCore

/// The fast refusal check in front of the broker probe, against real loopback sockets.
final class ConnectionRefusalTests: XCTestCase {
    func testBootstrapEntriesAreSplitIntoHostAndPort() {
        XCTAssertEqual(ConnectionRefusal.endpoint("127.0.0.1:9092").map { "\($0.host) \($0.port)" }, "127.0.0.1 9092")
        XCTAssertEqual(ConnectionRefusal.endpoint(" PLAINTEXT://broker-1:9093 ").map { "\($0.host) \($0.port)" }, "broker-1 9093")
        XCTAssertEqual(ConnectionRefusal.endpoint("[::1]:9092").map { "\($0.host) \($0.port)" }, "::1 9092")
        XCTAssertNil(ConnectionRefusal.endpoint("broker"), "no port: left to librdkafka")
        XCTAssertNil(ConnectionRefusal.endpoint("broker:x"))
    }

    func testAClosedPortRefusesAndAListeningOneDoesNot() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        XCTAssertEqual(bound, 0)
        XCTAssertEqual(listen(fd, 4), 0)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let open = UInt16(bigEndian: address.sin_port)

        XCTAssertTrue(ConnectionRefusal.everyAddressRefuses(brokers: "127.0.0.1:1", timeout: 1))
        XCTAssertFalse(ConnectionRefusal.everyAddressRefuses(brokers: "127.0.0.1:\(open)", timeout: 1))
        XCTAssertFalse(ConnectionRefusal.everyAddressRefuses(brokers: "127.0.0.1:1,127.0.0.1:\(open)", timeout: 1),
                       "one listening broker is enough to ask for metadata")
        XCTAssertFalse(ConnectionRefusal.everyAddressRefuses(brokers: "no-such-host.invalid:9092", timeout: 1),
                       "an unresolvable name is the metadata request's to report")
    }
}
