import CLibPQ
import Glibc

/// One libpq connection. Owns the `PGconn` and closes it on deinit.
///
/// Calls block the calling thread (libpq is synchronous); callers keep them off Swift's
/// cooperative pool. Not thread-safe: one connection, one thread at a time.
public final class PGConnection {
    let conn: OpaquePointer
    /// The connection string with the password masked, for messages.
    public let displayName: String

    /// Connects and sets the session options every text conversion relies on. `replication`
    /// opens a walsender connection (`replication=database`) that also accepts SQL.
    public init(conninfo: String, replication: Bool = false) throws {
        displayName = ConnectionURL.redacted(conninfo)
        // expand_dbname parses the URL or key=value string; later keywords override it.
        let keywords = replication ? ["dbname", "replication"] : ["dbname"]
        let values = replication ? [conninfo, "database"] : [conninfo]
        let connected = withCStrings(keywords) { k in
            withCStrings(values) { v in PQconnectdbParams(k + [nil], v + [nil], 1) }
        }
        guard let handle = connected else {
            throw PostgresError("cannot connect to \(displayName)", detail: "out of memory")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let detail = String(cString: PQerrorMessage(handle))
            PQfinish(handle)
            throw PostgresError("cannot connect to \(displayName)", detail: detail)
        }
        conn = handle
        // The type converters parse PostgreSQL's text output; pin every setting that shapes it.
        try execute("""
            SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET IntervalStyle = 'iso_8601';
            SET extra_float_digits = 1; SET bytea_output = 'hex'; SET client_encoding = 'UTF8';
            SET lc_monetary = 'C'
            """, context: "cannot configure the session on \(displayName)")
    }

    deinit { PQfinish(conn) }

    /// The server's version as an integer (150004 for 15.4).
    public var serverVersion: Int { Int(PQserverVersion(conn)) }

    /// The libpq version loaded at run time, e.g. "15.18".
    public static var libraryVersion: String {
        let v = Int(PQlibVersion())
        return v >= 100000 ? "\(v / 10000).\(v % 10000)" : "\(v / 10000).\(v / 100 % 100).\(v % 100)"
    }

    /// The database this connection is attached to.
    public var database: String { String(cString: PQdb(conn)) }

    /// Runs one or more statements that return no rows of interest.
    public func execute(_ sql: String, context: @autoclosure () -> String = "query failed") throws {
        let result = PGResult(PQexec(conn, sql))
        try check(result, context: context(), accept: [PGRES_COMMAND_OK, PGRES_TUPLES_OK])
    }

    /// Runs one statement through the simple query protocol, the only one walsender commands
    /// (CREATE_REPLICATION_SLOT, IDENTIFY_SYSTEM) accept.
    public func simpleQuery(_ sql: String, context: @autoclosure () -> String) throws -> PGResult {
        let result = PGResult(PQexec(conn, sql))
        try check(result, context: context(), accept: [PGRES_TUPLES_OK, PGRES_COMMAND_OK])
        return result
    }

    /// Whether the connection is still usable (false after the server went away).
    public var isAlive: Bool { PQstatus(conn) == CONNECTION_OK }

    /// Runs a parameterised query (parameters as text) and returns its rows.
    public func query(_ sql: String, _ parameters: [String?] = [], context: @autoclosure () -> String = "query failed") throws -> PGResult {
        let result = withCStrings(parameters) { pointers in
            PGResult(PQexecParams(conn, sql, Int32(parameters.count), nil, pointers, nil, nil, 0))
        }
        try check(result, context: context(), accept: [PGRES_TUPLES_OK, PGRES_COMMAND_OK])
        return result
    }

    /// Runs `COPY … TO STDOUT` and hands each data row (one text line with its newline) to
    /// `row`, which must not keep the pointer. Rows are streamed: memory does not grow with the table.
    public func copyOut(_ sql: String, context: @autoclosure () -> String, row: (UnsafeRawBufferPointer) throws -> Void) throws {
        let start = PGResult(PQexec(conn, sql))
        try check(start, context: context(), accept: [PGRES_COPY_OUT])
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var rowError: Error? = nil
        while true {
            let length = PQgetCopyData(conn, &buffer, 0)
            if length > 0, let data = buffer {
                defer { PQfreemem(data) }
                // After a consumer error keep draining so the connection stays usable.
                if rowError == nil {
                    do { try row(UnsafeRawBufferPointer(start: data, count: Int(length))) } catch { rowError = error }
                }
            } else if length == -1 {
                break
            } else {
                throw PostgresError(context(), detail: String(cString: PQerrorMessage(conn)))
            }
        }
        // The command's final status; errors raised mid-COPY surface here.
        while let raw = PQgetResult(conn) {
            let result = PGResult(raw)
            try check(result, context: context(), accept: [PGRES_COMMAND_OK])
        }
        if let rowError { throw rowError }
    }

    /// Runs `COPY … FROM STDIN` and sends `data` (text-format lines, each ending in a newline)
    /// as its rows. Returns the number of rows the server loaded; a row the server rejects
    /// throws with the server's message (its CONTEXT line names the row number, 1-based).
    @discardableResult
    public func copyIn(_ sql: String, data: [UInt8], context: @autoclosure () -> String) throws -> Int {
        let start = PGResult(PQexec(conn, sql))
        try check(start, context: context(), accept: [PGRES_COPY_IN])
        var sendError: String? = nil
        // Sent in pieces of at most 1 MiB: libpq buffers each call whole.
        let piece = 1 << 20
        var offset = 0
        data.withUnsafeBufferPointer { buffer in
            while offset < buffer.count {
                let count = min(piece, buffer.count - offset)
                let sent = buffer.baseAddress!.advanced(by: offset).withMemoryRebound(to: CChar.self, capacity: count) {
                    PQputCopyData(conn, $0, Int32(count))
                }
                if sent != 1 { sendError = String(cString: PQerrorMessage(conn)); return }
                offset += count
            }
        }
        if PQputCopyEnd(conn, nil) != 1, sendError == nil { sendError = String(cString: PQerrorMessage(conn)) }
        var loaded = 0
        var failure: PostgresError? = nil
        while let raw = PQgetResult(conn) {
            let result = PGResult(raw)
            if result.status == PGRES_COMMAND_OK {
                loaded = Int(String(cString: PQcmdTuples(raw))) ?? 0
            } else if failure == nil {
                let detail = result.errorMessage.isEmpty ? String(cString: PQerrorMessage(conn)) : result.errorMessage
                failure = PostgresError(context(), detail: detail + (result.errorContext.map { " (\($0))" } ?? ""), sqlState: result.sqlState)
            }
        }
        if let failure { throw failure }
        if let sendError { throw PostgresError(context(), detail: sendError, sqlState: isAlive ? nil : "08006") }
        return loaded
    }

    /// Runs one statement and returns how many rows it affected (`PQcmdTuples`).
    @discardableResult
    public func command(_ sql: String, _ parameters: [String?] = [], context: @autoclosure () -> String = "query failed") throws -> Int {
        let result = withCStrings(parameters) { pointers in
            PGResult(PQexecParams(conn, sql, Int32(parameters.count), nil, pointers, nil, nil, 0))
        }
        try check(result, context: context(), accept: [PGRES_TUPLES_OK, PGRES_COMMAND_OK])
        return result.affectedRows
    }

    /// Asks the server to cancel the command in progress (`PQcancel`, over a connection of its
    /// own), e.g. from a `copyOut` row callback whose reader gave up, so the COPY ends early
    /// instead of being drained to its end. Best effort: a failure is ignored.
    public func cancelCurrentCommand() {
        guard let cancel = PQgetCancel(conn) else { return }
        defer { PQfreeCancel(cancel) }
        var errorBuffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &errorBuffer, Int32(errorBuffer.count))
    }

    private func check(_ result: PGResult, context: String, accept: [ExecStatusType]) throws {
        let status = result.status
        guard accept.contains(status) else {
            let detail = result.errorMessage.isEmpty ? String(cString: PQerrorMessage(conn)) : result.errorMessage
            // A lost connection has no SQLSTATE from the server: say so with class 08.
            let state = result.sqlState ?? (PQstatus(conn) == CONNECTION_OK ? nil : "08006")
            throw PostgresError(context, detail: detail, sqlState: state)
        }
    }
}

/// Calls `body` with C strings for `values` that live for the duration of the call.
private func withCStrings<R>(_ values: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let owned: [UnsafeMutablePointer<CChar>?] = values.map { $0.map { strdup($0) } ?? nil }
    defer { owned.forEach { free($0) } }
    return body(owned.map { $0.map { UnsafePointer($0) } })
}
