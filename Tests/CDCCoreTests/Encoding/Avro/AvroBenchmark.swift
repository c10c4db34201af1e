import AvroCodec
import Foundation
import XCTest
@testable import CDCCore

/// Throughput of a 10-column change event (Debezium envelope, op `c`) through AvroCodec's
/// `AvroBinaryWriter` / `AvroBinaryReader` and through CDCCore's `AvroEventEncoder` from a COPY
/// text line. Run by `bench/avro` in release mode (`swift test -c release -Xswiftc
/// -enable-testing --filter AvroBenchmark` with `CDCCTL_BENCH=1`), which then times fastavro on
/// the same records; skipped otherwise. Prints one `AVROBENCH key=value …` line and, with
/// `CDCCTL_BENCH_DIR`, writes the schema and the encoded records there for fastavro.
final class AvroBenchmark: XCTestCase {
    private static let columns: [Column] = [
        Column(name: "id", type: .int64, typeName: "bigint", nullable: false, primaryKeyPosition: 1),
        Column(name: "customer_id", type: .int32, typeName: "integer", nullable: false, primaryKeyPosition: nil),
        Column(name: "name", type: .text, typeName: "text", nullable: false, primaryKeyPosition: nil),
        Column(name: "email", type: .text, typeName: "character varying(100)", nullable: true, primaryKeyPosition: nil),
        Column(name: "amount", type: .numeric(precision: 12, scale: 2), typeName: "numeric(12,2)", nullable: false, primaryKeyPosition: nil),
        Column(name: "price", type: .float64, typeName: "double precision", nullable: false, primaryKeyPosition: nil),
        Column(name: "active", type: .boolean, typeName: "boolean", nullable: false, primaryKeyPosition: nil),
        Column(name: "created_at", type: .timestamp(precision: 6), typeName: "timestamp without time zone", nullable: false, primaryKeyPosition: nil),
        Column(name: "updated_at", type: .timestamptz(precision: 6), typeName: "timestamp with time zone", nullable: true, primaryKeyPosition: nil),
        Column(name: "note", type: .text, typeName: "text", nullable: true, primaryKeyPosition: nil),
    ]

    /// Row `i` as one line of `COPY … TO STDOUT` text (PostgreSQL's output forms, COPY escapes).
    static func copyLine(_ i: Int) -> [UInt8] {
        let cents = (i &* 7_919) % 100_000_000
        let amount = (i % 7 == 0 ? "-" : "") + "\(cents / 100)." + (cents % 100 < 10 ? "0" : "") + "\(cents % 100)"
        let seconds = i % 60, micros = (i &* 104_729) % 1_000_000
        let fields = [
            "\(i + 1)", "\((i &* 7_919) % 100_000)", "customer \(i) é", i % 10 == 0 ? "\\N" : "user\(i)@example.com", amount,
            "\(Double(i) * 0.37 + 0.125)", i % 3 == 0 ? "f" : "t",
            "2026-11-24 10:15:\(seconds < 10 ? "0" : "")\(seconds).\(String(repeating: "0", count: 6 - String(micros).count))\(micros)",
            i % 5 == 0 ? "\\N" : "2026-11-24 10:15:30.5+00",
            i % 4 == 0 ? "\\N" : "note \(i)\\twith a tab and a \\\\ backslash",
        ]
        return Array((fields.joined(separator: "\t") + "\n").utf8)
    }

    func testAvroBenchmark() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["CDCCTL_BENCH"] == "1" else { throw XCTSkip("a benchmark: bench/avro runs it in release mode with CDCCTL_BENCH=1") }
        let records = Int(env["CDCCTL_BENCH_RECORDS"] ?? "") ?? 10_000
        let rounds = Int(env["CDCCTL_BENCH_ROUNDS"] ?? "") ?? 20
        let runs = Int(env["CDCCTL_BENCH_RUNS"] ?? "") ?? 3

        let table = TableName(schema: "public", table: "orders")
        var encoder = AvroEventEncoder(prefix: "bench", database: "bench", table: table, columns: Self.columns)
        let schemaJSON = encoder.schemas.value.text
        let compiled = try AvroCompiledSchema(json: schemaJSON)
        let position = SourcePosition(commitMicros: 1_795_515_330_123_456, sequence: (LSN(0x16B_3748), LSN(0x16B_3800)), txId: 771, lsn: LSN(0x16B_3800))
        let nowNanos: Int64 = 1_795_515_330_500_000_000
        let lines = (0..<records).map(Self.copyLine)

        // The records: CDCCore's encoding of each COPY line; AvroCodec must decode them and
        // re-encode them byte for byte (so both paths and fastavro work on identical events).
        let bodies = try lines.map { line in
            try line.withUnsafeBytes { try encoder.encodeValue(op: .create, before: nil, after: .copyLine($0), position: position, nowNanos: nowNanos) }
        }
        let values = try bodies.map { try AvroBinaryReader.decode($0, as: compiled) }
        for (value, body) in zip(values, bodies) where try AvroBinaryWriter.encode(value, as: compiled) != body {
            return XCTFail("AvroBinaryWriter does not re-encode \(value) to AvroEventEncoder's bytes")
        }

        var sink = 0 // consumed, so the optimiser cannot drop the work
        func rate(_ body: () throws -> Void) rethrows -> Double {
            var best = Double.infinity
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<rounds { try body() }
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return Double(records * rounds) / best
        }
        let encode = try rate { for value in values { sink &+= try AvroBinaryWriter.encode(value, as: compiled).count } }
        let decode = try rate {
            for body in bodies {
                if case .record(let fields) = try AvroBinaryReader.decode(body, as: compiled) { sink &+= fields.count }
            }
        }
        let fromCopy = try rate {
            for line in lines {
                sink &+= try line.withUnsafeBytes { try encoder.encodeValue(op: .create, before: nil, after: .copyLine($0), position: position, nowNanos: nowNanos).count }
            }
        }
        let bytes = bodies.reduce(0) { $0 + $1.count }
        if let dir = env["CDCCTL_BENCH_DIR"], !dir.isEmpty {
            try Data(schemaJSON.utf8).write(to: URL(fileURLWithPath: dir).appendingPathComponent("schema.json"))
            var blob = Data()
            for body in bodies {
                withUnsafeBytes(of: UInt32(body.count).bigEndian) { blob.append(contentsOf: $0) }
                blob.append(contentsOf: body)
            }
            try blob.write(to: URL(fileURLWithPath: dir).appendingPathComponent("records.bin"))
        }
        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        print("AVROBENCH build=\(build) records=\(records) rounds=\(rounds) runs=\(runs) avg_bytes=\(bytes / max(records, 1)) "
              + "swift_encode=\(Int(encode)) swift_decode=\(Int(decode)) cdccore_copy_encode=\(Int(fromCopy)) checksum=\(sink)")
    }
}
