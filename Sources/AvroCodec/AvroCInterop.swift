import CAvro
import Glibc

/// An error reported by Avro C, with its `avro_strerror()` text.
public struct AvroCError: Error, Equatable, CustomStringConvertible {
    /// What failed and Avro C's explanation.
    public let message: String
    /// The message.
    public var description: String { message }

    /// Captures Avro C's thread-local error text for a failed call.
    static func last(_ context: String) -> AvroCError {
        AvroCError(message: "\(context): \(String(cString: avro_strerror()))")
    }
}

/// Owns one reference to an Avro C schema.
final class AvroCSchemaHandle {
    let raw: avro_schema_t

    /// Parses schema JSON with Avro C.
    init(json: String) throws {
        var schema: avro_schema_t?
        let status = json.withCString { avro_schema_from_json_length($0, strlen($0), &schema) }
        guard status == 0, let schema else { throw AvroCError.last("Avro C schema parse") }
        raw = schema
    }

    deinit { avro_schema_decref(raw) }
}

/// Owns one reference to an Avro C value interface ("class").
final class AvroCValueClass {
    let raw: UnsafeMutablePointer<avro_value_iface_t>

    init(_ raw: UnsafeMutablePointer<avro_value_iface_t>) { self.raw = raw }

    /// The generic (self-contained storage) class for a schema.
    convenience init(genericFor schema: AvroCSchemaHandle) throws {
        guard let iface = avro_generic_class_from_schema(schema.raw) else { throw AvroCError.last("avro_generic_class_from_schema") }
        self.init(iface)
    }

    // avro_value_iface_decref is a macro: call the method pointer it expands to.
    deinit { raw.pointee.decref_iface?(raw) }
}

/// Owns one Avro C value instance (and keeps its class alive).
final class AvroCValueHandle {
    var raw = avro_value_t()
    let valueClass: AvroCValueClass

    /// A new generic value of the class.
    init(generic valueClass: AvroCValueClass) throws {
        self.valueClass = valueClass
        guard avro_generic_value_new(valueClass.raw, &raw) == 0 else { throw AvroCError.last("avro_generic_value_new") }
    }

    /// A new resolved-writer value wrapping `destination` (an instance of the reader schema).
    init(resolvedWriter valueClass: AvroCValueClass, destination: AvroCValueHandle) throws {
        self.valueClass = valueClass
        guard avro_resolved_writer_new_value(valueClass.raw, &raw) == 0 else { throw AvroCError.last("avro_resolved_writer_new_value") }
        avro_resolved_writer_set_dest(&raw, &destination.raw)
    }

    deinit { avro_value_decref(&raw) }
}

/// Calls into `avro_value_iface_t` method pointers: the `avro_value_get_*` / `set_*` accessors
/// are C macros Swift cannot import, so these do what the macros expand to, returning EINVAL
/// when a class lacks the method exactly as the macros would.
extension avro_value_t {
    /// Throws Avro C's error text when `status` is non-zero.
    static func check(_ status: Int32, _ what: String) throws {
        if status != 0 { throw AvroCError.last(what) }
    }

    var avroType: avro_type_t { iface.pointee.get_type?(iface, self.`self`) ?? avro_type_t(rawValue: UInt32.max) }
    var schema: avro_schema_t? { iface.pointee.get_schema?(iface, self.`self`) }

    func reset() throws { try Self.check(iface.pointee.reset?(iface, self.`self`) ?? EINVAL, "reset") }

    func getBoolean() throws -> Bool { var v: Int32 = 0; try Self.check(iface.pointee.get_boolean?(iface, self.`self`, &v) ?? EINVAL, "get_boolean"); return v != 0 }
    func getInt() throws -> Int32 { var v: Int32 = 0; try Self.check(iface.pointee.get_int?(iface, self.`self`, &v) ?? EINVAL, "get_int"); return v }
    func getLong() throws -> Int64 { var v: Int64 = 0; try Self.check(iface.pointee.get_long?(iface, self.`self`, &v) ?? EINVAL, "get_long"); return v }
    func getFloat() throws -> Float { var v: Float = 0; try Self.check(iface.pointee.get_float?(iface, self.`self`, &v) ?? EINVAL, "get_float"); return v }
    func getDouble() throws -> Double { var v: Double = 0; try Self.check(iface.pointee.get_double?(iface, self.`self`, &v) ?? EINVAL, "get_double"); return v }
    func getEnum() throws -> Int32 { var v: Int32 = 0; try Self.check(iface.pointee.get_enum?(iface, self.`self`, &v) ?? EINVAL, "get_enum"); return v }
    func getDiscriminant() throws -> Int32 { var v: Int32 = 0; try Self.check(iface.pointee.get_discriminant?(iface, self.`self`, &v) ?? EINVAL, "get_discriminant"); return v }
    func getSize() throws -> Int { var v = 0; try Self.check(iface.pointee.get_size?(iface, self.`self`, &v) ?? EINVAL, "get_size"); return v }

    func getBytes() throws -> [UInt8] {
        var buf: UnsafeRawPointer?, size = 0
        try Self.check(iface.pointee.get_bytes?(iface, self.`self`, &buf, &size) ?? EINVAL, "get_bytes")
        return Array(UnsafeRawBufferPointer(start: buf, count: size))
    }

    func getFixed() throws -> [UInt8] {
        var buf: UnsafeRawPointer?, size = 0
        try Self.check(iface.pointee.get_fixed?(iface, self.`self`, &buf, &size) ?? EINVAL, "get_fixed")
        return Array(UnsafeRawBufferPointer(start: buf, count: size))
    }

    /// The string's UTF-8 bytes; Avro C reports a size that includes the NUL terminator.
    func getStringBytes() throws -> UnsafeRawBufferPointer {
        var str: UnsafePointer<CChar>?, size = 0
        try Self.check(iface.pointee.get_string?(iface, self.`self`, &str, &size) ?? EINVAL, "get_string")
        return UnsafeRawBufferPointer(start: str, count: max(size - 1, 0))
    }

    /// Record field / array item / map entry `index`, with the field name or map key if any.
    func child(at index: Int) throws -> (avro_value_t, String?) {
        var child = avro_value_t()
        var name: UnsafePointer<CChar>?
        try Self.check(iface.pointee.get_by_index?(iface, self.`self`, index, &child, &name) ?? EINVAL, "get_by_index")
        return (child, name.map { String(cString: $0) })
    }

    func currentBranch() throws -> avro_value_t {
        var branch = avro_value_t()
        try Self.check(iface.pointee.get_current_branch?(iface, self.`self`, &branch) ?? EINVAL, "get_current_branch")
        return branch
    }

    func setNull() throws { try Self.check(iface.pointee.set_null?(iface, self.`self`) ?? EINVAL, "set_null") }
    func setBoolean(_ v: Bool) throws { try Self.check(iface.pointee.set_boolean?(iface, self.`self`, v ? 1 : 0) ?? EINVAL, "set_boolean") }
    func setInt(_ v: Int32) throws { try Self.check(iface.pointee.set_int?(iface, self.`self`, v) ?? EINVAL, "set_int") }
    func setLong(_ v: Int64) throws { try Self.check(iface.pointee.set_long?(iface, self.`self`, v) ?? EINVAL, "set_long") }
    func setFloat(_ v: Float) throws { try Self.check(iface.pointee.set_float?(iface, self.`self`, v) ?? EINVAL, "set_float") }
    func setDouble(_ v: Double) throws { try Self.check(iface.pointee.set_double?(iface, self.`self`, v) ?? EINVAL, "set_double") }
    func setEnum(_ v: Int) throws { try Self.check(iface.pointee.set_enum?(iface, self.`self`, Int32(clamping: v)) ?? EINVAL, "set_enum") }

    /// Avro C copies the buffer; a 1-byte scratch stands in for empty arrays, whose base address may be nil.
    func setBytes(_ bytes: [UInt8], fixed: Bool) throws {
        var copy = bytes.isEmpty ? [0] : bytes
        let count = bytes.count
        let status = copy.withUnsafeMutableBytes { buf in
            fixed ? iface.pointee.set_fixed?(iface, self.`self`, buf.baseAddress, count) : iface.pointee.set_bytes?(iface, self.`self`, buf.baseAddress, count)
        }
        try Self.check(status ?? EINVAL, fixed ? "set_fixed" : "set_bytes")
    }

    /// `set_string_len` wants the size including a NUL terminator, which we append.
    func setString(_ s: String) throws {
        var cString = Array(s.utf8CString)
        let status = cString.withUnsafeMutableBufferPointer { iface.pointee.set_string_len?(iface, self.`self`, $0.baseAddress, $0.count) }
        try Self.check(status ?? EINVAL, "set_string_len")
    }

    func appendItem() throws -> avro_value_t {
        var child = avro_value_t(), index = 0
        try Self.check(iface.pointee.append?(iface, self.`self`, &child, &index) ?? EINVAL, "append")
        return child
    }

    func addEntry(_ key: String) throws -> avro_value_t {
        var child = avro_value_t(), index = 0
        var isNew: Int32 = 0
        try Self.check(key.withCString { iface.pointee.add?(iface, self.`self`, $0, &child, &index, &isNew) } ?? EINVAL, "add")
        return child
    }

    func setBranch(_ discriminant: Int) throws -> avro_value_t {
        var branch = avro_value_t()
        try Self.check(iface.pointee.set_branch?(iface, self.`self`, Int32(clamping: discriminant), &branch) ?? EINVAL, "set_branch")
        return branch
    }
}
