import Dispatch
import Foundation
import Synchronization

/// `--parallel N`: one table read as N ranges of its physical row order (ctid block ranges) on N
/// connections that share one exported snapshot, so together they still show one consistent
/// state. The caller's connection reads range 1 straight into the sink; each other range is
/// copied by a thread of its own into a bounded `SnapshotRangeChannel` and handed over, in
/// range order, once the ranges before it are done. A range's thread blocks while its channel
/// is full, so memory stays bounded (`chunkBytes × chunks` per range).
struct SnapshotRanges {
    /// The bytes of COPY lines a thread gathers before handing them over.
    static let chunkBytes = 256 * 1024
    /// The chunks a range may hold before its thread waits.
    static let chunks = 8

    /// The `WHERE` conditions of `count` ranges over a table of `blocks` pages: `[b_i, b_i+1)`,
    /// the last one open (rows that moved past the size read still belong to it). Empty when
    /// the table is too small to split.
    static func conditions(blocks: Int64, count: Int) -> [String] {
        guard count > 1, blocks >= Int64(count) else { return [] }
        let step = blocks / Int64(count)
        return (0..<count).map { i in
            let low = Int64(i) * step
            let lower = i == 0 ? nil : "ctid >= '(\(low),0)'::tid"
            let upper = i == count - 1 ? nil : "ctid < '(\(low + step),0)'::tid"
            return [lower, upper].compactMap { $0 }.joined(separator: " AND ")
        }
    }

    /// Starts a thread that copies `sql` inside `snapshot` on a new connection into the
    /// returned channel.
    static func start(conninfo: String, snapshot: String, sql: String, table: String) -> SnapshotRangeChannel {
        let channel = SnapshotRangeChannel()
        let thread = Thread {
            channel.run(conninfo: conninfo, snapshot: snapshot, sql: sql, table: table)
        }
        thread.name = "cdcctl snapshot range"
        thread.start()
        return channel
    }
}

/// Which range of a parallel read is being handed to the sink (1-based), for the progress line.
final class SnapshotRangeCursor {
    var range = 1
}

/// One range's COPY lines on their way from its thread to the reader: chunks of whole lines,
/// at most `SnapshotRanges.chunks` waiting, then the end (or the error that ended it).
final class SnapshotRangeChannel: Sendable {
    private struct State {
        var chunks: [[UInt8]] = []
        var finished = false
        var failure: (any Error)?
        var cancelled = false
        var rows: Int64 = 0
    }

    private let state = Mutex(State())
    /// Free places for chunks (the thread waits on it). Created at 0 and signalled up: libdispatch
    /// traps when a semaphore is released below the value it was created with (a reader that gave
    /// up leaves chunks unread).
    private let free = DispatchSemaphore(value: 0)
    /// Chunks or the end available (the reader waits on it).
    private let available = DispatchSemaphore(value: 0)
    /// Signalled when the thread is done with its connection.
    private let exited = DispatchSemaphore(value: 0)

    init() {
        for _ in 0..<SnapshotRanges.chunks { free.signal() }
    }

    /// Rows the thread has read so far (for the progress line).
    var rowsRead: Int64 { state.withLock { $0.rows } }

    /// The next chunk of whole COPY lines, or nil at the range's end; throws the error that
    /// ended the range.
    func next() throws -> [UInt8]? {
        available.wait()
        let item: Result<[UInt8]?, any Error> = state.withLock { state in
            if !state.chunks.isEmpty { return .success(state.chunks.removeFirst()) }
            if let failure = state.failure { return .failure(failure) }
            return .success(nil)
        }
        switch item {
        case .success(let chunk?):
            free.signal()
            return chunk
        case .success(nil):
            available.signal() // the end stays visible
            return nil
        case .failure(let error):
            available.signal()
            throw error
        }
    }

    /// Stops the thread (the reader gave up) and waits until it let go of its connection.
    func cancel() {
        state.withLock { $0.cancelled = true }
        free.signal()
        exited.wait()
        exited.signal()
    }

    /// The thread's body: connect, join the snapshot, COPY into chunks.
    fileprivate func run(conninfo: String, snapshot: String, sql: String, table: String) {
        defer { exited.signal() }
        do {
            let connection = try PGConnection(conninfo: conninfo)
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET TRANSACTION SNAPSHOT \(SQLQuote.literal(snapshot))",
                                   context: "cannot join exported snapshot \(snapshot) to read a range of table \(table)")
            var chunk: [UInt8] = []
            chunk.reserveCapacity(SnapshotRanges.chunkBytes + 4096)
            var rows: Int64 = 0
            try connection.copyOut(sql, context: "cannot read table \(table)") { line in
                chunk.append(contentsOf: line)
                rows += 1
                if chunk.count >= SnapshotRanges.chunkBytes {
                    do {
                        try send(chunk, rows: rows)
                    } catch {
                        // The reader gave up: end the COPY rather than drain the range.
                        connection.cancelCurrentCommand()
                        throw error
                    }
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            if !chunk.isEmpty { try send(chunk, rows: rows) }
            try? connection.execute("COMMIT")
            finish(nil)
        } catch {
            finish(error)
        }
    }

    private func send(_ chunk: [UInt8], rows: Int64) throws {
        free.wait()
        let cancelled = state.withLock { state in
            if !state.cancelled {
                state.chunks.append(chunk)
                state.rows = rows
            }
            return state.cancelled
        }
        if cancelled {
            free.signal()
            throw CancellationError()
        }
        available.signal()
    }

    private func finish(_ error: (any Error)?) {
        state.withLock { state in
            state.finished = true
            if !(error is CancellationError) { state.failure = error }
        }
        available.signal()
    }
}
