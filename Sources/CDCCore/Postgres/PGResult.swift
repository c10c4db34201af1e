import CLibPQ

/// One libpq result. Owns the `PGresult` and clears it on deinit.
public final class PGResult {
    private let handle: OpaquePointer?

    init(_ handle: OpaquePointer?) { self.handle = handle }

    deinit { if let handle { PQclear(handle) } }

    var status: ExecStatusType { handle.map(PQresultStatus) ?? PGRES_FATAL_ERROR }

    var errorMessage: String { handle.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) } ?? "" }

    var sqlState: String? {
        guard let handle, let raw = PQresultErrorField(handle, Int32(UInt8(ascii: "C"))) else { return nil }
        return String(cString: raw)
    }

    /// How many rows the result holds.
    public var rowCount: Int { handle.map { Int(PQntuples($0)) } ?? 0 }

    /// The text value at `row`, `column`; nil for SQL NULL.
    public func value(_ row: Int, _ column: Int) -> String? {
        guard let handle, PQgetisnull(handle, Int32(row), Int32(column)) == 0 else { return nil }
        return String(cString: PQgetvalue(handle, Int32(row), Int32(column)))
    }

    /// The text value at `row`, `column`, or "" for NULL.
    public func string(_ row: Int, _ column: Int) -> String { value(row, column) ?? "" }
}
