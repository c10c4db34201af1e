@testable import CDCCore
import XCTest

/// The pure parts of shaping: patterns and flag values, flat field names, the mask functions
/// (against hashes the real Debezium 3.6 wrote), and how a table's columns are shaped.
final class ShapingSpecTests: XCTestCase {
    // MARK: patterns

    func testLiteralTableNamesAndPatterns() throws {
        let literal = try TablePattern.parse("Shop.Orders").get()
        XCTAssertEqual(literal.name, TableName(schema: "shop", table: "orders"))
        XCTAssertTrue(literal.matches(TableName(schema: "shop", table: "orders")))
        XCTAssertFalse(literal.matches(TableName(schema: "shop", table: "ordersx")))
        XCTAssertEqual(try TablePattern.parse("orders").get().name, TableName(schema: "public", table: "orders"))
        XCTAssertEqual(try TablePattern.parse("\"Mixed\".\"Case.T\"").get().name, TableName(schema: "Mixed", table: "Case.T"))

        // A pattern matches the whole schema.table, ignoring case, as Debezium's include lists.
        let pattern = try TablePattern.parse("shop.order_.*").get()
        XCTAssertNil(pattern.name)
        XCTAssertTrue(pattern.matches(TableName(schema: "shop", table: "order_items")))
        XCTAssertTrue(pattern.matches(TableName(schema: "SHOP", table: "Order_x")))
        XCTAssertFalse(pattern.matches(TableName(schema: "shop", table: "orders")))
        XCTAssertFalse(pattern.matches(TableName(schema: "myshop", table: "order_items")), "anchored at the start")
        XCTAssertFalse(try TablePattern.parse("shop\\.o").get().matches(TableName(schema: "shop", table: "orders")), "anchored at the end")

        XCTAssertNotNil(failure(TablePattern.parse("a.b.c")))
        XCTAssertNotNil(failure(TablePattern.parse("shop.(orders")))
    }

    func testColumnPatterns() throws {
        XCTAssertEqual(try ColumnPattern.parse("Email").get().name, "email")
        XCTAssertEqual(try ColumnPattern.parse("\"Email\"").get().name, "Email")
        let pattern = try ColumnPattern.parse("e.*l").get()
        XCTAssertTrue(pattern.matches("email"))
        XCTAssertFalse(pattern.matches("emails"))
    }

    func testRuleAndSelectionSyntax() throws {
        let selection = try ColumnSelection.parse("shop.orders:id, total ,\"Note\"").get()
        XCTAssertEqual(selection.table.name, TableName(schema: "shop", table: "orders"))
        XCTAssertEqual(selection.columns.map(\.name), ["id", "total", "Note"])
        XCTAssertNotNil(failure(ColumnSelection.parse("shop.orders")))
        XCTAssertNotNil(failure(ColumnSelection.parse("shop.orders:")))

        let mask = try ColumnRule.parse("shop.customers.email=hash:SHA-256:s=a:lt", value: ColumnMask.parse).get()
        XCTAssertEqual(mask.table.name, TableName(schema: "shop", table: "customers"))
        XCTAssertEqual(mask.column.name, "email")
        XCTAssertEqual(mask.value, .hash(.sha256, salt: "s=a:lt", form: .v1))
        // A pattern table, the column after the last unescaped dot, or after a colon.
        let patterned = try ColumnRule.parse("shop\\.cust.*.email=stars:3", value: ColumnMask.parse).get()
        XCTAssertEqual(patterned.table.text, "shop\\.cust.*")
        XCTAssertEqual(patterned.value, .stars(3))
        let colon = try ColumnRule.parse("shop.t:e.*=null", value: ColumnMask.parse).get()
        XCTAssertEqual(colon.column.text, "e.*")
        XCTAssertEqual(colon.value, .null)

        XCTAssertEqual(try ColumnMask.parse("hash-v2:sha512").get(), .hash(.sha512, salt: "", form: .v2))
        XCTAssertEqual(try ColumnMask.parse("stars").get(), .stars(ColumnMask.defaultStars))
        for bad in ["hash", "hash:md4", "stars:0", "stars:x", "nul", "null:1"] {
            XCTAssertNotNil(failure(ColumnMask.parse(bad)), bad)
        }
        XCTAssertEqual(try ColumnRule.parse("s.t.c=12", value: ColumnRule<Int>.characters).get().value, 12)
        XCTAssertNotNil(failure(ColumnRule.parse("s.t.c=0", value: ColumnRule<Int>.characters)))
        XCTAssertNotNil(failure(ColumnRule.parse("s.t.c", value: ColumnRule<Int>.characters)))

        let key = try KeySelection.parse("shop.orders:customer_id,id").get()
        XCTAssertEqual(key.columns, ["customer_id", "id"])
        XCTAssertNotNil(failure(KeySelection.parse("shop.orders:c.*")), "key columns are names")
        XCTAssertNotNil(failure(KeySelection.parse("shop.orders:a,a")))

        let filter = try RowFilter.parse("shop.orders: status = 'a:b'").get()
        XCTAssertEqual(filter.predicate, "status = 'a:b'")

        XCTAssertEqual(try ShapingSettings.parseOperations("c,u,d").get(), [.create, .update, .delete])
        XCTAssertNotNil(failure(ShapingSettings.parseOperations("c,r")), "a snapshot's reads are not an --ops choice")
    }

    /// Debezium's `FieldReference` naming: `__` + the field, `__<struct>_<field>` when the struct
    /// is named, `__<new name>` after a colon; unqualified names live in `source` except op and
    /// ts_ms (the envelope) and the transaction's fields.
    func testFlatFieldNames() throws {
        let fields = try FlatField.parseList("op,table,schema,lsn,txId,source.ts_ms,ts_ms,id,transaction.total_order,db:database").get()
        XCTAssertEqual(fields.map(\.name), ["__op", "__table", "__schema", "__lsn", "__txId", "__source_ts_ms", "__ts_ms", "__id",
                                           "__transaction_total_order", "__database"])
        XCTAssertEqual(fields.map(\.source), [.op, .table, .schema, .lsn, .txId, .sourceTsMs, .tsMs, .transactionId, .totalOrder, .db])
        XCTAssertEqual(try FlatField.parseList("ts_us").get().map(\.source), [.sourceTsUs], "unqualified: source's")
        XCTAssertNotNil(failure(FlatField.parseList("op,nope")))
        XCTAssertNotNil(failure(FlatField.parseList("op,op")))
        XCTAssertNotNil(failure(FlatField.parseList("after.id")))
    }

    // MARK: masks

    /// Hashes the real Debezium 3.6 connector wrote (e2e/lib/DebeziumParity.java with
    /// column.mask.hash.SHA-256.with.salt.pepper and its v2): v1 hashes Java's serialization of
    /// the string (cut to a varchar(20)'s length here), v2 its UTF-8 bytes.
    func testHashesMatchDebezium() throws {
        XCTAssertEqual(try hash("ada@example.com", .v1, maxLength: 20), "7f0a74bbcb5d5b1edb5c")
        XCTAssertEqual(try hash("é€😀", .v1, maxLength: 20), "aa92761b7e2452f3fbe3")
        XCTAssertEqual(try hash("Ada", .v2, maxLength: nil), "a361fc0516894a29805742d18c2062065108996bdee21d8eecda9c133147d723")
        XCTAssertEqual(try hash("é€😀", .v2, maxLength: nil), "571e101af7964039e48eab2c915912482fdedda1311b4aa6b33985141cdb6605")
    }

    /// Java's ObjectOutputStream form: header, TC_STRING and a 2-byte length, modified UTF-8
    /// (NUL in two bytes, a supplementary character as two 3-byte surrogates); TC_LONGSTRING past 65,535 bytes.
    func testJavaSerializedString() {
        XCTAssertEqual(serialized(Array("Ab".utf8)), [0xAC, 0xED, 0x00, 0x05, 0x74, 0x00, 0x02, 0x41, 0x62])
        XCTAssertEqual(serialized([0x00]), [0xAC, 0xED, 0x00, 0x05, 0x74, 0x00, 0x02, 0xC0, 0x80])
        XCTAssertEqual(serialized(Array("😀".utf8)), [0xAC, 0xED, 0x00, 0x05, 0x74, 0x00, 0x06, 0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80])
        let long = serialized([UInt8](repeating: 0x61, count: 70_000))
        XCTAssertEqual(Array(long.prefix(13)), [0xAC, 0xED, 0x00, 0x05, 0x7C, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70])
        XCTAssertEqual(long.count, 13 + 70_000)
    }

    func testTruncationCountsCharacters() {
        let text = Array("é€😀ab".utf8)
        text.withUnsafeBytes { raw in
            XCTAssertEqual(ValueMasker.prefixLength(raw, characters: 3), 2 + 3 + 4)
            XCTAssertEqual(ValueMasker.prefixLength(raw, characters: 10), text.count)
            XCTAssertEqual(ValueMasker.prefixLength(raw, characters: 0), 0)
        }
    }

    // MARK: shaping a table

    private let columns = [
        Column(name: "id", type: .int32, typeName: "integer", nullable: false, primaryKeyPosition: 1),
        Column(name: "email", type: .text, typeName: "character varying(20)", nullable: false, primaryKeyPosition: nil),
        Column(name: "note", type: .text, typeName: "text", nullable: true, primaryKeyPosition: nil),
        Column(name: "secret", type: .text, typeName: "text", nullable: true, primaryKeyPosition: nil),
        Column(name: "amount", type: .numeric(precision: 10, scale: 2), typeName: "numeric(10,2)", nullable: true, primaryKeyPosition: nil),
    ]
    private let table = TableName(schema: "s", table: "t")

    func testPlanSelectsMasksAndKeys() throws {
        var settings = ShapingSettings()
        settings.excludedColumns = [try ColumnSelection.parse("s.t:sec.*").get()]
        settings.masks = [try ColumnRule.parse("s.t.email=hash:sha256", value: ColumnMask.parse).get(),
                          try ColumnRule.parse("s.t.amount=null", value: ColumnMask.parse).get()]
        settings.truncations = [try ColumnRule.parse("s.t.note=2", value: ColumnRule<Int>.characters).get()]
        settings.keys = [try KeySelection.parse("s.t:note,id").get()]
        let shaper = TableShaper(settings: settings)
        let plan = shaper.plan(table, columns: columns)
        XCTAssertEqual(plan.columns.map(\.name), ["id", "email", "note", "amount"])
        XCTAssertEqual(plan.sourceIndices, [0, 1, 2, 4])
        XCTAssertEqual(plan.columns.map(\.primaryKeyPosition), [2, nil, 1, nil], "the key follows --key, in its order")
        XCTAssertEqual(plan.columns[1].type, .text)
        XCTAssertTrue(plan.columns[3].nullable, "a null mask makes the field optional")
        XCTAssertEqual(plan.rules?[1], .hash(.sha256, salt: [], form: .v1, maxLength: 20))
        XCTAssertEqual(plan.rules?[2], .truncate(2))

        // The stream's table reads the tuple through positions; the snapshot selects the columns.
        let shaped = shaper.shape(EventTable(prefix: "p", database: "d", name: table, columns: columns))
        XCTAssertEqual(shaped.layout.tuplePositions, [0, 1, 2, 4])
        XCTAssertEqual(shaped.layout.tupleWidth, 5)
        XCTAssertEqual(shaped.keyTuplePositions, [2, 0])
        // A truncated key column breaks keys: refused before anything is written.
        XCTAssertThrowsError(try shaper.validate([.init(name: table, columns: columns)])) { error in
            XCTAssertEqual(error as? ShapingError, .ruleBreaksKey(.truncate, spec: "s.t.note=2", table: table, column: "note",
                                                                  why: "keep only the first 2 characters"))
        }
    }

    func testValidationNamesWhatIsWrong() throws {
        func check(_ configure: (inout ShapingSettings) throws -> Void, _ expected: ShapingError, file: StaticString = #filePath, line: UInt = #line) throws {
            var settings = ShapingSettings()
            try configure(&settings)
            XCTAssertThrowsError(try TableShaper(settings: settings).validate([.init(name: table, columns: columns)]), file: file, line: line) {
                XCTAssertEqual($0 as? ShapingError, expected, file: file, line: line)
            }
        }
        try check({ $0.columns = [try ColumnSelection.parse("s.t:nope").get()] },
                  .unknownColumn(.columns, spec: "s.t:nope", table: table, column: "nope", publication: nil))
        try check({ $0.masks = [try ColumnRule.parse("s.u.email=null", value: ColumnMask.parse).get()] },
                  .matchesNoCapturedTable(.mask, spec: "s.u.email=null"))
        try check({ $0.excludedColumns = [try ColumnSelection.parse("s.t:id").get()] },
                  .keyColumnDropped(.excludeColumns, spec: "s.t:id", table: table, column: "id"))
        try check({ $0.columns = [try ColumnSelection.parse("s.t:x.*").get()] }, .patternMatchesNoColumn(.columns, spec: "s.t:x.*"))
        try check({ $0.excludedColumns = [try ColumnSelection.parse("s.t:.*").get()] }, .noColumnLeft(table: table))
        try check({ $0.truncations = [try ColumnRule.parse("s.t.amount=3", value: ColumnRule<Int>.characters).get()] },
                  .truncateNeedsText(spec: "s.t.amount=3", table: table, column: "amount", typeName: "numeric(10,2)"))
        try check({ $0.masks = [try ColumnRule.parse("s.t.id=stars", value: ColumnMask.parse).get()] },
                  .ruleBreaksKey(.mask, spec: "s.t.id=stars", table: table, column: "id", why: "write the same stars in place"))
        // A hash cut to a varchar(20)'s length could make two keys one.
        try check({
            $0.keys = [try KeySelection.parse("s.t:email").get()]
            $0.masks = [try ColumnRule.parse("s.t.email=hash:md5", value: ColumnMask.parse).get()]
        }, .ruleBreaksKey(.mask, spec: "s.t.email=hash:md5", table: table, column: "email",
                          why: "cut the 32-character hash to 20 (its declared length, as Debezium does)"))
        try check({
            $0.masks = [try ColumnRule.parse("s.t.note=null", value: ColumnMask.parse).get()]
            $0.truncations = [try ColumnRule.parse("s.t:n.*=3", value: ColumnRule<Int>.characters).get()]
        }, .conflictingRules(table: table, column: "note", first: "s.t.note=null", second: "s.t:n.*=3"))
        // A hash of a key column keeps keys apart: allowed.
        var settings = ShapingSettings()
        settings.masks = [try ColumnRule.parse("s.t.id=hash:sha256", value: ColumnMask.parse).get()]
        XCTAssertNoThrow(try TableShaper(settings: settings).validate([.init(name: table, columns: columns)]))
    }

    // MARK: helpers

    private func failure<T>(_ result: Result<T, ShapingSpecProblem>) -> ShapingSpecProblem? {
        if case .failure(let problem) = result { return problem }
        return nil
    }

    private func hash(_ text: String, _ form: ColumnMask.HashForm, maxLength: Int?) throws -> String {
        var masker = ValueMasker()
        var out = ""
        try Array(text.utf8).withUnsafeBytes { raw in
            try masker.hash(raw, algorithm: .sha256, salt: Array("pepper".utf8), form: form, maxLength: maxLength) {
                out = String(decoding: $0, as: UTF8.self)
            }
        }
        return out
    }

    private func serialized(_ utf8: [UInt8]) -> [UInt8] {
        var out = ByteWriter()
        utf8.withUnsafeBytes { ValueMasker.writeJavaSerializedString(utf8: $0, into: &out) }
        return out.bytes
    }
}
