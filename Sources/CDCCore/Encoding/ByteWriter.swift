/// A growable byte buffer that hot paths render into without Foundation formatting.
///
/// Reused across rows and events: `removeAll(keepingCapacity:)` keeps its storage, so the steady
/// state allocates nothing per field.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Creates an empty writer that reserves `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// How many bytes have been written.
    @inlinable public var count: Int { bytes.count }

    /// Forgets the content but keeps the storage.
    public mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    /// Sets bit `index` (bit 0 = least significant bit of byte 0) of the bytes written so far.
    public mutating func setBit(_ index: Int) { bytes[index / 8] |= UInt8(1) << UInt8(index % 8) }

    /// Appends one byte.
    @inline(__always) public mutating func write(_ byte: UInt8) { bytes.append(byte) }

    /// Appends raw bytes.
    @inline(__always) public mutating func write(_ raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }

    /// Appends raw bytes.
    @inline(__always) public mutating func write(_ other: [UInt8]) { bytes.append(contentsOf: other) }

    /// Appends another writer's bytes.
    @inline(__always) public mutating func write(_ other: ByteWriter) { bytes.append(contentsOf: other.bytes) }

    /// Appends the UTF-8 of a compile-time string.
    @inline(__always) public mutating func write(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends the UTF-8 of a string.
    public mutating func write(string text: String) { bytes.append(contentsOf: text.utf8) }

    /// Appends a signed integer in decimal.
    public mutating func write(decimal value: Int64) {
        if value < 0 {
            write(UInt8(ascii: "-"))
            write(decimal: UInt64(bitPattern: 0 &- value))
        } else {
            write(decimal: UInt64(value))
        }
    }

    /// Appends an unsigned integer in decimal.
    public mutating func write(decimal value: UInt64) {
        if value < 10 { write(UInt8(ascii: "0") &+ UInt8(value)); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes of scratch: UInt64.max has 20 digits
        var n = value
        var length = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            while n > 0 {
                length += 1
                scratch[24 - length] = UInt8(ascii: "0") &+ UInt8(n % 10)
                n /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[(24 - length)...]))
        }
    }

    /// Appends `value` in decimal, left-padded with zeros to `width` digits.
    public mutating func write(decimal value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<max(width, 1) { divisor *= 10 }
        var v = value
        if v >= divisor * 10 { write(decimal: Int64(v)); return }
        while divisor > 0 {
            write(UInt8(ascii: "0") &+ UInt8(v / divisor))
            v %= divisor
            divisor /= 10
        }
    }
}
