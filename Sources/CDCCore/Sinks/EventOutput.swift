/// Where rendered event lines go. Lines are handed over whole, so a reader never sees half a line.
public protocol EventOutput {
    /// Takes complete event lines (each ending in a newline).
    mutating func write(lines: ByteWriter) throws
    /// Makes everything written so far durable for this kind of output (stdout: written to the fd).
    mutating func flush() throws
}
