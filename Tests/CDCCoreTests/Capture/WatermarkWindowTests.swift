import XCTest
@testable import CDCCore

/// DBLog's window without a server: which transactions make chunk rows stale, and what is left
/// at the high watermark.
final class WatermarkWindowTests: XCTestCase {
    private func window(inProgress: Set<UInt32> = [], xmax: UInt32 = 100) -> WatermarkWindow {
        WatermarkWindow(id: "w", table: TableName(schema: "public", table: "t"), keyColumns: ["id"], inProgress: inProgress, xmax: xmax, readMicros: 0)
    }

    private func key(_ text: String) -> ChunkKey { ChunkKey(texts: [text]) }

    private func add(_ lines: [String], to window: inout WatermarkWindow) throws {
        var scratch = ByteWriter(capacity: 64)
        for line in lines {
            let bytes = Array(line.utf8)
            try bytes.withUnsafeBytes { raw in
                window.add(line: raw, key: try ChunkKey(copyLine: raw, keyIndices: [0], scratch: &scratch))
            }
        }
    }

    private func remaining(_ window: WatermarkWindow) -> [String] {
        var out: [String] = []
        window.forEachRemaining { out.append(String(decoding: $0, as: UTF8.self)) }
        return out
    }

    func testBeforeTheLowWatermarkOnlyTransactionsTheSnapshotMissedRemoveKeys() {
        let w = window(inProgress: [90], xmax: 100)
        XCTAssertFalse(w.removesChanges(ofTransaction: 80), "committed before the snapshot: the chunk holds its effect")
        XCTAssertTrue(w.removesChanges(ofTransaction: 90), "in progress for the snapshot, though before L in the stream")
        XCTAssertTrue(w.removesChanges(ofTransaction: 100), "at or after xmax: not yet started for the snapshot")
        XCTAssertTrue(w.removesChanges(ofTransaction: 105))
    }

    func testAfterTheLowWatermarkEveryTransactionRemovesKeys() {
        var w = window(xmax: 100)
        w.lowWatermarkArrived()
        XCTAssertTrue(w.removesChanges(ofTransaction: 50))
    }

    func testXidsCompareAcrossWraparound() {
        // xmax just past the wrap: 4294967290 is older (seen), 3 is newer (not seen).
        let w = window(xmax: 2)
        XCTAssertTrue(w.sees(4_294_967_290))
        XCTAssertFalse(w.sees(3))
    }

    func testRemovedKeysAreNotEmittedAndTheRestKeepKeyOrder() throws {
        var w = window()
        try add(["1\ta", "2\tb", "3\tc"], to: &w)
        w.remove(key("2"))
        w.remove(key("2"))
        w.remove(key("9"))
        XCTAssertEqual(remaining(w), ["1\ta", "3\tc"])
        XCTAssertEqual(w.removed, 1)
        XCTAssertEqual(w.count, 3)
    }

    func testTruncateEmptiesTheChunk() throws {
        var w = window()
        try add(["1\ta", "2\tb"], to: &w)
        w.removeAll()
        XCTAssertEqual(remaining(w), [])
        XCTAssertEqual(w.removed, 2)
    }

    func testACopyKeyWithEscapesEqualsTheTupleKey() throws {
        // COPY escapes a tab in a value as \t; pgoutput sends the raw bytes.
        var scratch = ByteWriter(capacity: 64)
        let line = Array("a\\tb\tx".utf8)
        let fromCopy = try line.withUnsafeBytes { try ChunkKey(copyLine: $0, keyIndices: [0], scratch: &scratch) }
        let tuple = TupleData(columns: [.text(Array("a\tb".utf8)), .text(Array("x".utf8))])
        XCTAssertEqual(ChunkKey(tuple: tuple, keyIndices: [0]), fromCopy)
        XCTAssertEqual(fromCopy.texts, ["a\tb"])
    }

    func testCompositeKeysTakeTheKeyOrderAndKeepColumnsApart() throws {
        var scratch = ByteWriter(capacity: 64)
        let line = Array("x\tab\tc".utf8)
        // key (c2, c1): columns 2 then 1
        let fromCopy = try line.withUnsafeBytes { try ChunkKey(copyLine: $0, keyIndices: [2, 1], scratch: &scratch) }
        XCTAssertEqual(fromCopy.texts, ["c", "ab"])
        XCTAssertNotEqual(ChunkKey(texts: ["ca", "b"]), fromCopy)
    }

    func testAnUnchangedToastedKeyHasNoKey() {
        let tuple = TupleData(columns: [.unchangedToast, .text(Array("x".utf8))])
        XCTAssertNil(ChunkKey(tuple: tuple, keyIndices: [0]))
    }
}
