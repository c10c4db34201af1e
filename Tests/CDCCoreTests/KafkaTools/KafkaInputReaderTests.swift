import CDCCore
import Glibc
import XCTest

/// `DelimitedInputReader`: records split at one- and multi-byte delimiters, across chunk
/// boundaries, with a last record lacking its delimiter, and records longer than the buffer.
final class KafkaInputReaderTests: XCTestCase {
    private func records(of input: [UInt8], delimiter: [UInt8], chunkSize: Int) throws -> [[UInt8]] {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let writer = Thread {
            input.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(writeEnd, raw.baseAddress! + offset, min(7, raw.count - offset))
                    if n <= 0 { break }
                    offset += n
                }
            }
            close(writeEnd)
        }
        writer.start()
        defer { close(readEnd) }
        let reader = DelimitedInputReader(fd: readEnd, delimiter: delimiter, chunkSize: chunkSize)
        var result: [[UInt8]] = []
        while true {
            let step = try reader.next { result.append(Array($0)) }
            if step == .end { break }
        }
        return result
    }

    func testSplitsAtNewlinesAndKeepsEmptyRecords() throws {
        XCTAssertEqual(try records(of: Array("a\nbb\n\nccc".utf8), delimiter: [0x0A], chunkSize: 4),
                       [Array("a".utf8), Array("bb".utf8), [], Array("ccc".utf8)])
        XCTAssertEqual(try records(of: Array("x\n".utf8), delimiter: [0x0A], chunkSize: 1), [Array("x".utf8)])
        XCTAssertEqual(try records(of: [], delimiter: [0x0A], chunkSize: 8), [])
    }

    func testMultiByteDelimiterAcrossChunksAndLongRecords() throws {
        let long = [UInt8](repeating: 0x41, count: 1000)
        let input = Array("one<=>two<".utf8) + Array("=>".utf8) + long + Array("<=><=>last".utf8)
        for chunk in [1, 2, 3, 5, 64] {
            XCTAssertEqual(try records(of: input, delimiter: Array("<=>".utf8), chunkSize: chunk),
                           [Array("one".utf8), Array("two".utf8), long, [], Array("last".utf8)], "chunk \(chunk)")
        }
    }

    func testBinaryRecords() throws {
        let payload = (0...255).map(UInt8.init).filter { $0 != 1 }
        XCTAssertEqual(try records(of: payload + [1] + payload.reversed() + [1], delimiter: [1], chunkSize: 16),
                       [payload, payload.reversed()])
    }

    func testMissingFileNamesIt() {
        XCTAssertThrowsError(try DelimitedInputReader(path: "/nonexistent/input.txt", delimiter: [0x0A])) { error in
            XCTAssertEqual("\(error)", "cannot open /nonexistent/input.txt: No such file or directory")
        }
    }
}
