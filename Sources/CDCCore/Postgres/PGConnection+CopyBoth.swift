import CLibPQ
import Glibc

/// What one non-blocking read of a CopyBoth stream produced.
enum CopyBothRead {
    /// One CopyData message.
    case data([UInt8])
    /// Nothing arrived within the wait.
    case timeout
    /// The server ended the copy (e.g. it reached the end of what it will send).
    case end
}

/// The raw CopyBoth calls under `ReplicationConnection`, which is their only user: the rest of
/// cdcctl speaks typed walsender commands and messages.
extension PGConnection {
    /// Sends a command that enters CopyBoth mode (START_REPLICATION).
    func startCopyBoth(_ sql: String, context: @autoclosure () -> String) throws {
        let result = PGResult(PQexec(conn, sql))
        guard result.status == PGRES_COPY_BOTH else {
            let detail = result.errorMessage.isEmpty ? String(cString: PQerrorMessage(conn)) : result.errorMessage
            throw PostgresError(context(), detail: detail, sqlState: result.sqlState)
        }
    }

    /// Reads the next CopyData message, waiting at most `timeout` seconds on the socket
    /// (poll, not a busy loop).
    func readCopyData(timeout: Double) throws -> CopyBothRead {
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var length = PQgetCopyData(conn, &buffer, 1)
        if length == 0 {
            var descriptor = pollfd(fd: PQsocket(conn), events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(max(0, timeout * 1000)))
            if ready < 0, errno != EINTR { throw PostgresError("cannot wait for the replication stream", detail: String(cString: strerror(errno))) }
            guard ready > 0 else { return .timeout }
            guard PQconsumeInput(conn) == 1 else {
                throw PostgresError("replication connection lost", detail: String(cString: PQerrorMessage(conn)))
            }
            length = PQgetCopyData(conn, &buffer, 1)
            if length == 0 { return .timeout }
        }
        if length > 0, let data = buffer {
            defer { PQfreemem(data) }
            return .data(Array(UnsafeRawBufferPointer(start: data, count: Int(length))))
        }
        if length == -1 {
            // The copy is over; collect the command's final status.
            while let raw = PQgetResult(conn) {
                let result = PGResult(raw)
                if result.status != PGRES_COMMAND_OK && result.status != PGRES_TUPLES_OK && result.status != PGRES_COPY_OUT {
                    throw PostgresError("replication stream ended", detail: result.errorMessage, sqlState: result.sqlState)
                }
            }
            return .end
        }
        throw PostgresError("replication connection lost", detail: String(cString: PQerrorMessage(conn)))
    }

    /// Sends one CopyData message (a standby status update) and flushes it to the socket.
    func sendCopyData(_ bytes: [UInt8]) throws {
        let sent = bytes.withUnsafeBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { PQputCopyData(conn, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1, PQflush(conn) == 0 else {
            throw PostgresError("cannot send a status update", detail: String(cString: PQerrorMessage(conn)))
        }
    }

    /// Ends CopyBoth from our side and drains the server's final results.
    func endCopyBoth() {
        _ = PQputCopyEnd(conn, nil)
        _ = PQflush(conn)
        var buffer: UnsafeMutablePointer<CChar>? = nil
        // The server may still send data before acknowledging CopyDone; discard it.
        while true {
            let length = PQgetCopyData(conn, &buffer, 0)
            if length > 0, let data = buffer { PQfreemem(data); continue }
            break
        }
        while let raw = PQgetResult(conn) { _ = PGResult(raw) }
    }
}
