/// Receives one converted column value as a stream of typed events, so the JSON writer can
/// render it in place and other consumers (tests, Avro) can build values, from one converter.
protocol ValueSink {
    mutating func null()
    mutating func bool(_ value: Bool)
    mutating func int(_ value: Int64)
    /// PostgreSQL's own float text (shortest round-trip digits, or NaN / Infinity / -Infinity).
    mutating func float(text: UnsafeRawBufferPointer)
    /// An exact decimal in PostgreSQL's text form (or NaN / Infinity / -Infinity).
    mutating func decimal(text: UnsafeRawBufferPointer)
    mutating func string(_ utf8: UnsafeRawBufferPointer)
    mutating func bytes(_ raw: UnsafeRawBufferPointer)
    mutating func beginArray()
    mutating func endArray()
    mutating func beginRecord()
    mutating func field(_ name: StaticString)
    mutating func endRecord()
    /// A map of `count` entries follows: each a `mapKey`, then its value (hstore's map mode).
    mutating func beginMap(count: Int)
    mutating func mapKey(_ utf8: UnsafeRawBufferPointer)
    mutating func endMap()
}
