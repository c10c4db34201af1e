import CDCTestSupport
import XCTest
@testable import CDCCore

/// Which columns an incremental snapshot chunks a table by, against a real catalog: the
/// primary key, or a key-less table's `--key` columns when NOT NULL, unique by an index within
/// them, and carried by the replica identity; else one line saying why not.
final class IncrementalSnapshotKeyTests: XCTestCase {
    private func key(_ table: TableName, _ requested: [String]?, _ connection: PGConnection) throws -> Result<[String], IncrementalSnapshotError> {
        let schema = try TableSchema.load(table, connection: connection, types: TypeResolver(connection: connection))
        do {
            let key = try IncrementalSnapshotKey(schema, requested: requested, catalog: connection)
            return .success(key.indices.map { schema.columns[$0].name })
        } catch let error as IncrementalSnapshotError {
            XCTAssertFalse(error.description.contains("\n"), "one line: \(error)")
            return .failure(error)
        }
    }

    private func problem(_ result: Result<[String], IncrementalSnapshotError>) -> String {
        if case .failure(let error) = result { return error.description }
        return "accepted \(result)"
    }

    func testPrimaryKeyWinsOverKey() throws {
        try withScratchSchema { schema, connection in
            let t = TableName(schema: schema, table: "pk")
            try connection.execute("CREATE TABLE \(t.sqlIdentifier) (b int, a int NOT NULL UNIQUE, PRIMARY KEY (b))")
            XCTAssertEqual(try key(t, nil, connection).get(), ["b"])
            XCTAssertEqual(try key(t, ["a"], connection).get(), ["b"])
        }
    }

    func testKeyOverAUniqueIndexWithinIt() throws {
        try withScratchSchema { schema, connection in
            let t = TableName(schema: schema, table: "nokey")
            try connection.execute("CREATE TABLE \(t.sqlIdentifier) (a int NOT NULL, b text NOT NULL, c int, d int NOT NULL)")
            try connection.execute("CREATE UNIQUE INDEX ON \(t.sqlIdentifier) (a) INCLUDE (d)")
            try connection.execute("CREATE UNIQUE INDEX ON \(t.sqlIdentifier) (d) WHERE d > 0")
            // Exactly the index's columns, or more (in --key's order).
            XCTAssertEqual(try key(t, ["a"], connection).get(), ["a"])
            XCTAssertEqual(try key(t, ["b", "a"], connection).get(), ["b", "a"])
            // Without --key: the unique index that would do is named.
            let none = problem(try key(t, nil, connection))
            XCTAssertTrue(none.contains("has no primary key") && none.contains("--key \(t):a"), none)
            // No unique index within the columns (an INCLUDE column and a partial index do not count).
            let notUnique = problem(try key(t, ["b"], connection))
            XCTAssertTrue(notUnique.contains("no unique index on its --key columns b"), notUnique)
            XCTAssertTrue(problem(try key(t, ["d"], connection)).contains("no unique index"))
            // A nullable column.
            let nullable = problem(try key(t, ["a", "c"], connection))
            XCTAssertTrue(nullable.contains("--key column c is nullable"), nullable)
            // A money column: its text depends on the locale.
            let m = TableName(schema: schema, table: "money")
            try connection.execute("CREATE TABLE \(m.sqlIdentifier) (m money NOT NULL UNIQUE)")
            XCTAssertTrue(problem(try key(m, ["m"], connection)).contains("has a money column (m)"))
            // A column the table does not have.
            XCTAssertTrue(problem(try key(t, ["zz"], connection)).contains("has no column zz"))
        }
    }

    func testReplicaIdentityIndexMustCarryTheKey() throws {
        try withScratchSchema { schema, connection in
            let t = TableName(schema: schema, table: "ident")
            try connection.execute("CREATE TABLE \(t.sqlIdentifier) (a int NOT NULL, b int NOT NULL)")
            try connection.execute("CREATE UNIQUE INDEX ident_a ON \(t.sqlIdentifier) (a)")
            try connection.execute("ALTER TABLE \(t.sqlIdentifier) REPLICA IDENTITY USING INDEX ident_a")
            XCTAssertEqual(try key(t, ["a"], connection).get(), ["a"])
            let outside = problem(try key(t, ["a", "b"], connection))
            XCTAssertTrue(outside.contains("replica identity index") && outside.contains("--key column b") && outside.contains("REPLICA IDENTITY FULL"), outside)
            try connection.execute("ALTER TABLE \(t.sqlIdentifier) REPLICA IDENTITY FULL")
            XCTAssertEqual(try key(t, ["a", "b"], connection).get(), ["a", "b"])
        }
    }

    func testRequestCheckAcceptsAKeylessTableWithAUniqueNotNullIndex() throws {
        try withScratchSchema { schema, connection in
            let usable = TableName(schema: schema, table: "usable")
            let bare = TableName(schema: schema, table: "bare")
            let nullable = TableName(schema: schema, table: "nullable")
            try connection.execute("CREATE TABLE \(usable.sqlIdentifier) (a int NOT NULL UNIQUE)")
            try connection.execute("CREATE TABLE \(bare.sqlIdentifier) (a int)")
            try connection.execute("CREATE TABLE \(nullable.sqlIdentifier) (a int UNIQUE)")
            let note = try IncrementalSnapshot.checkRequest(usable, catalog: connection) ?? "none"
            XCTAssertTrue(note.contains("has no primary key: the stream reads it in chunks by its --key"), note)
            for table in [bare, nullable] {
                do {
                    let note = try IncrementalSnapshot.checkRequest(table, catalog: connection)
                    XCTFail("\(table) accepted: \(note ?? "")")
                } catch let error as IncrementalSnapshotError {
                    XCTAssertTrue(error.description.contains("has no primary key and no unique index on NOT NULL columns"), error.description)
                }
            }
            let pk = TableName(schema: schema, table: "pk")
            try connection.execute("CREATE TABLE \(pk.sqlIdentifier) (a int PRIMARY KEY)")
            XCTAssertNil(try IncrementalSnapshot.checkRequest(pk, catalog: connection))
        }
    }
}
