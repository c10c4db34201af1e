/// Recognises `logicalType` annotations in schema JSON.
///
/// Per the spec, an unknown or invalid logical type (e.g. decimal with scale > precision, or a
/// negative scale) is ignored and the underlying type used; its keys then stay as plain properties
/// so that parse → serialize still reproduces them.
enum AvroLogicalTypes {
    /// Returns the valid logical type in `object` for `base`, adding the keys it used to `consumed`.
    static func parse(_ object: [String: AvroJSONValue], base: AvroSchema, consumed: inout Set<String>) -> AvroLogicalType? {
        guard case .string(let name)? = object["logicalType"] else { return nil }
        let logical: AvroLogicalType?
        var keys: Set<String> = ["logicalType"]
        switch (name, base) {
        case ("decimal", .bytes), ("decimal", .fixed):
            keys.formUnion(["precision", "scale"])
            logical = decimal(object, base: base)
        case ("uuid", .string): logical = .uuid
        case ("uuid", .fixed(let f)) where f.size == 16: logical = .uuid
        case ("date", .int): logical = .date
        case ("time-millis", .int): logical = .timeMillis
        case ("time-micros", .long): logical = .timeMicros
        case ("timestamp-millis", .long): logical = .timestampMillis
        case ("timestamp-micros", .long): logical = .timestampMicros
        case ("local-timestamp-millis", .long): logical = .localTimestampMillis
        case ("local-timestamp-micros", .long): logical = .localTimestampMicros
        case ("duration", .fixed(let f)) where f.size == 12: logical = .duration
        default: logical = nil
        }
        if logical != nil { consumed.formUnion(keys) }
        return logical
    }

    /// A decimal's precision/scale when they satisfy the spec; nil otherwise.
    static func decimal(_ object: [String: AvroJSONValue], base: AvroSchema) -> AvroLogicalType? {
        guard case .integer(let precision)? = object["precision"], precision > 0, precision <= Int32.max else { return nil }
        var scale: Int64 = 0
        if let s = object["scale"] {
            guard case .integer(let value) = s else { return nil }
            scale = value
        }
        guard scale >= 0, scale <= precision else { return nil }
        if case .fixed(let f) = base, precision > maxDecimalPrecision(fixedSize: f.size) { return nil }
        return .decimal(precision: Int(precision), scale: Int(scale))
    }

    /// floor(log10(2^(8n-1) - 1)): the most decimal digits a fixed(n) two's-complement value can hold.
    static func maxDecimalPrecision(fixedSize n: Int) -> Int {
        guard n > 0 else { return 0 }
        // 2^k - 1 is never a power of ten, so floor(k·log10 2) is exact for any realistic size.
        let bits = Double(8 * n - 1)
        return Int((bits * 0.30102999566398119521).rounded(.down))
    }
}
