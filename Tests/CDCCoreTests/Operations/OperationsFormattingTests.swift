import XCTest
@testable import CDCCore

/// The pure parts of `cdcctl slots` and `cdcctl check`: sizes, the publication read back from a
/// walsender's command, the table and JSON shapes, and the one-line failure.
final class OperationsFormattingTests: XCTestCase {
    func testByteSizeParsesPostgresUnits() {
        XCTAssertEqual(ByteSize(parsing: "1048576")?.bytes, 1_048_576)
        XCTAssertEqual(ByteSize(parsing: "512MB")?.bytes, 512 * 1024 * 1024)
        XCTAssertEqual(ByteSize(parsing: "1GB")?.bytes, 1 << 30)
        XCTAssertEqual(ByteSize(parsing: "1 gb")?.bytes, 1 << 30)
        XCTAssertEqual(ByteSize(parsing: "64kB")?.bytes, 65536)
        XCTAssertEqual(ByteSize(parsing: "1.5GiB")?.bytes, 3 << 29)
        XCTAssertEqual(ByteSize(parsing: "2T")?.bytes, 2 << 40)
        for bad in ["", "GB", "-1GB", "1PB", "1 G B", "abc", "1e9"] {
            XCTAssertNil(ByteSize(parsing: bad), bad)
        }
    }

    func testByteSizePrettyPrints() {
        XCTAssertEqual(ByteSize.pretty(0), "0 bytes")
        XCTAssertEqual(ByteSize.pretty(1023), "1023 bytes")
        XCTAssertEqual(ByteSize.pretty(1024), "1 kB")
        XCTAssertEqual(ByteSize.pretty(1536), "1.5 kB")
        XCTAssertEqual(ByteSize.pretty(11_852_000), "11 MB")
        XCTAssertEqual(ByteSize.pretty(5 << 30), "5 GB")
        XCTAssertEqual(ByteSize.pretty(-2048), "-2 kB")
    }

    func testPublicationNamesFromStartReplication() {
        let command = WalsenderCommand.startReplication(slot: "s", from: .zero, protocolVersion: 3,
                                                        publications: ["a", "B c", #"it's "p""#], messages: true).text
        XCTAssertEqual(SlotReport.publicationNames(inStartReplication: command), #"a,B c,it's "p""#)
        XCTAssertEqual(SlotReport.publicationNames(inStartReplication: "START_REPLICATION SLOT \"d\" LOGICAL 0/0 (\"proto_version\" '1', \"publication_names\" 'dbz_publication')"),
                       "dbz_publication")
        XCTAssertNil(SlotReport.publicationNames(inStartReplication: "IDENTIFY_SYSTEM"))
        XCTAssertNil(SlotReport.publicationNames(inStartReplication: "START_REPLICATION SLOT \"s\" LOGICAL 0/0"))
    }

    func testSlotTableAndJSON() {
        let active = SlotReport.Slot(name: "orders", plugin: "pgoutput", database: "shop", active: true, activePID: 4242,
                                     client: "10.0.0.7:50122", restartLSN: LSN("0/16B3700"), confirmedFlushLSN: LSN("0/16B3748"),
                                     retainedBytes: 2 << 30, lagBytes: 1024, walStatus: "extended", safeWALSize: nil, publication: "orders")
        let idle = SlotReport.Slot(name: "old", plugin: "pgoutput", database: "shop", active: false, activePID: nil, client: nil,
                                   restartLSN: LSN("0/100"), confirmedFlushLSN: LSN("0/200"), retainedBytes: 56, lagBytes: 0,
                                   walStatus: "reserved", safeWALSize: 1_000, publication: nil)
        let report = SlotReport(slots: [active, idle], warnRetained: ByteSize(parsing: "1GB"))
        XCTAssertEqual(report.text(), """
            SLOT    PLUGIN    DATABASE  ACTIVE  PID   CLIENT          CONFIRMED_FLUSH  RETAINED_BYTES  RETAINED  LAG_BYTES  WAL_STATUS  SAFE_WAL_SIZE  PUBLICATION  WARN
            orders  pgoutput  shop      yes     4242  10.0.0.7:50122  0/16B3748        2147483648      2GB       1024       extended    -              orders       retained>1GB
            old     pgoutput  shop      no      -     -               0/200            56              56B       0          reserved    1000           unknown      -

            """)
        XCTAssertEqual(report.slotsOverThreshold.map(\.name), ["orders"])
        let lines = String(decoding: report.jsonLines().bytes, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(String(lines[1]), #"{"slot":"old","plugin":"pgoutput","database":"shop","active":false,"active_pid":null,"client":null,"restart_lsn":"0/100","confirmed_flush_lsn":"0/200","retained_bytes":56,"retained":"56 bytes","lag_bytes":0,"wal_status":"reserved","safe_wal_size":1000,"publication":null,"warn_retained":false}"#)
    }

    func testCheckLinesAndFailure() {
        let preflight = Preflight(checks: [
            .ok("wal_level", "wal_level is logical"),
            .problem("replica_identity", "table public.a has no primary key", fix: "ALTER TABLE a REPLICA IDENTITY FULL"),
            .problem("replica_identity", "table public.b has no primary key", fix: "ALTER TABLE b REPLICA IDENTITY FULL"),
            .skipped("broker", "no brokers given"),
        ])
        XCTAssertEqual(preflight.text(), """
            ok       wal_level         wal_level is logical
            problem  replica_identity  table public.a has no primary key; fix: ALTER TABLE a REPLICA IDENTITY FULL
            problem  replica_identity  table public.b has no primary key; fix: ALTER TABLE b REPLICA IDENTITY FULL
            skip     broker            no brokers given

            """)
        XCTAssertEqual(OperationsError.checksFailed(problems: preflight.problems.map(\.name)).description,
                       "check found 2 problems: replica_identity (2); the fixes are on stdout")
        XCTAssertEqual(String(decoding: preflight.jsonLines().bytes, as: UTF8.self).split(separator: "\n").first,
                       #"{"check":"wal_level","status":"ok","message":"wal_level is logical","fix":null}"#)
    }
}
