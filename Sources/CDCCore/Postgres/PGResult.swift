import CLibPQ

/// One libpq result. Owns the `PGresult` and clears it on deinit.
public final class PGResult {
    private let handle: OpaquePointer?

    init(_ handle: OpaquePointer?) { self.handle = handle }

    deinit { if let handle { PQclear(handle) } }

    var status: ExecStatusType { handle.map(PQresultStatus) ?? PGRES_FATAL_ERROR }

    /// The server's primary message ("permission denied for table t"), without the severity,
    /// the statement excerpt or the caret line that the full error text carries.
    var errorMessage: String {
        guard let handle else { return "" }
        if let primary = PQresultErrorField(handle, Int32(UInt8(ascii: "M"))) { return String(cString: primary) }
        return PQresultErrorMessage(handle).map { String(cString: $0) } ?? ""
    }

    /// The server's CONTEXT field (e.g. `COPY t, line 3, column c: "x"`), if any.
    var errorContext: String? {
        guard let handle, let raw = PQresultErrorField(handle, Int32(UInt8(ascii: "W"))) else { return nil }
        return String(cString: raw)
    }

    /// The rows a command affected (`PQcmdTuples`), 0 when it reports none.
    var affectedRows: Int {
        guard let handle else { return 0 }
        return Int(String(cString: PQcmdTuples(handle))) ?? 0
    }

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
