/// How `--mask` rewrites a column's values, as Debezium's `column.mask.*` properties do.
public enum ColumnMask: Sendable, Equatable, CustomStringConvertible {
    /// The lowercase hex digest of the salt's bytes followed by the value's: `form` v1 hashes the
    /// value as Java serializes a String (Debezium's `column.mask.hash.ALG.with.salt.SALT`, its
    /// default), v2 its UTF-8 bytes (`column.mask.hash.v2.ALG.with.salt.SALT`). NULL stays NULL.
    case hash(DigestAlgorithm, salt: String, form: HashForm)
    /// `count` asterisks in place of every value, NULL included (`column.mask.with.N.chars`).
    case stars(Int)
    /// NULL in place of every value (the field becomes optional).
    case null

    /// How the value's bytes are fed to the digest.
    public enum HashForm: String, Sendable {
        /// Java's serialization of a String (`ObjectOutputStream.writeObject`): Debezium's default.
        case v1
        /// The value's UTF-8 bytes: Debezium's `v2` (and `sha256(convert_to(salt || value, 'UTF8'))` in SQL).
        case v2
    }

    /// `stars` without a count writes this many.
    public static let defaultStars = 8

    /// Parses `hash:ALG[:SALT]`, `hash-v2:ALG[:SALT]`, `stars[:N]` or `null`; returns what is
    /// wrong otherwise (without naming a flag).
    public static func parse(_ text: String) -> Result<ColumnMask, ShapingSpecProblem> {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        switch parts[0].lowercased() {
        case "hash", "hash-v1", "hash-v2":
            let form: HashForm = parts[0].lowercased() == "hash-v2" ? .v2 : .v1
            guard parts.count >= 2, !parts[1].isEmpty else {
                return .failure(ShapingSpecProblem("'\(parts[0])' needs an algorithm: \(parts[0]):sha256[:salt]"))
            }
            guard let algorithm = DigestAlgorithm(name: parts[1]) else {
                let names = DigestAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
                return .failure(ShapingSpecProblem("unknown digest '\(parts[1])': expected one of \(names)"))
            }
            return .success(.hash(algorithm, salt: parts.count > 2 ? parts[2] : "", form: form))
        case "stars":
            guard parts.count > 1 else { return .success(.stars(defaultStars)) }
            guard parts.count == 2, let count = Int(parts[1]), count >= 1, count <= 1024 else {
                return .failure(ShapingSpecProblem("'stars:\(parts.dropFirst().joined(separator: ":"))': expected stars or stars:N with N from 1 to 1024"))
            }
            return .success(.stars(count))
        case "null" where parts.count == 1:
            return .success(.null)
        default:
            return .failure(ShapingSpecProblem("unknown mask '\(text)': expected hash:ALG[:SALT], hash-v2:ALG[:SALT], stars[:N] or null"))
        }
    }

    public var description: String {
        switch self {
        case let .hash(algorithm, salt, form):
            return "\(form == .v1 ? "hash" : "hash-v2"):\(algorithm.rawValue)" + (salt.isEmpty ? "" : ":…")
        case .stars(let count): return "stars:\(count)"
        case .null: return "null"
        }
    }
}

/// What a shaped column does to each value on its way out (`RowWalker` applies it, on the
/// borrowed text, before conversion).
enum ValueRule: Equatable, Sendable {
    /// The hex digest (`ColumnMask.hash`), cut to `maxLength` characters when the column has a
    /// declared length, as Debezium cuts it.
    case hash(DigestAlgorithm, salt: [UInt8], form: ColumnMask.HashForm, maxLength: Int?)
    /// This text in place of every value, missing ones included.
    case constant([UInt8])
    /// NULL in place of every value.
    case null
    /// The value's first `count` characters (Unicode scalars).
    case truncate(Int)

    init(_ mask: ColumnMask, column: Column) {
        switch mask {
        case let .hash(algorithm, salt, form): self = .hash(algorithm, salt: Array(salt.utf8), form: form, maxLength: column.declaredLength)
        case .stars(let count): self = .constant(Array(repeating: UInt8(ascii: "*"), count: count))
        case .null: self = .null
        }
    }
}

extension Column {
    /// The declared length of a `character varying(n)` or `character(n)` column, which Debezium
    /// cuts a hash to; nil for any other type.
    var declaredLength: Int? {
        for prefix in ["character varying(", "character("] where typeName.hasPrefix(prefix) && typeName.hasSuffix(")") {
            return Int(typeName.dropFirst(prefix.count).dropLast())
        }
        return nil
    }
}

/// The mutable side of `ValueRule`s: digest contexts and scratch, kept by one row walker.
struct ValueMasker {
    private var digests: [DigestAlgorithm: MessageDigest] = [:]
    private var serialized = ByteWriter(capacity: 256)
    private var hex = ByteWriter(capacity: 128)

    /// The hash of `raw` (a value's text) as `rule` says, handed to `body` as lowercase hex.
    mutating func hash(_ raw: UnsafeRawBufferPointer, algorithm: DigestAlgorithm, salt: [UInt8], form: ColumnMask.HashForm, maxLength: Int?,
                       body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let digest: MessageDigest
        if let known = digests[algorithm] {
            digest = known
        } else {
            digest = try MessageDigest(algorithm)
            digests[algorithm] = digest
        }
        hex.reset()
        try salt.withUnsafeBytes { salt in
            switch form {
            case .v2:
                try digest.digest(salt, raw) { Self.writeHex($0, into: &hex) }
            case .v1:
                serialized.reset()
                Self.writeJavaSerializedString(utf8: raw, into: &serialized)
                try serialized.bytes.withUnsafeBytes { value in try digest.digest(salt, value) { Self.writeHex($0, into: &hex) } }
            }
        }
        try hex.bytes.withUnsafeBytes { all in
            try body(maxLength.map { UnsafeRawBufferPointer(rebasing: all.prefix(max(0, $0))) } ?? all)
        }
    }

    /// Lowercase hex of `bytes` (Debezium's `String.format("%02x", b)` per byte).
    static func writeHex(_ bytes: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        for byte in bytes {
            out.write(JSONText.lowerHex[Int(byte >> 4)])
            out.write(JSONText.lowerHex[Int(byte & 15)])
        }
    }

    /// What `ObjectOutputStream.writeObject(String)` writes for the string whose UTF-8 is
    /// `utf8`: the stream header `AC ED 00 05`, `TC_STRING` (0x74) and a 2-byte length, or
    /// `TC_LONGSTRING` (0x7C) and an 8-byte length past 65,535 bytes, then the string in Java's
    /// modified UTF-8 (NUL as `C0 80`, a character beyond U+FFFF as its two surrogates of 3 bytes each).
    static func writeJavaSerializedString(utf8: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        // PostgreSQL's text is valid UTF-8: only NUL (never in text) and 4-byte sequences differ.
        var length = 0
        var i = 0
        while i < utf8.count {
            let byte = utf8[i]
            if byte == 0 {
                length += 2
                i += 1
            } else if byte >= 0xF0 && i + 3 < utf8.count {
                length += 6
                i += 4
            } else {
                length += 1
                i += 1
            }
        }
        out.write([0xAC, 0xED, 0x00, 0x05])
        if length <= 0xFFFF {
            out.write(0x74)
            out.write(UInt8(length >> 8))
            out.write(UInt8(length & 0xFF))
        } else {
            out.write(0x7C)
            for k in (0..<8).reversed() { out.write(UInt8((UInt64(length) >> UInt64(8 * k)) & 0xFF)) }
        }
        if length == utf8.count {
            out.write(utf8)
            return
        }
        i = 0
        while i < utf8.count {
            let byte = utf8[i]
            if byte == 0 {
                out.write(0xC0)
                out.write(0x80)
                i += 1
            } else if byte >= 0xF0 && i + 3 < utf8.count {
                // The code point as a surrogate pair, each surrogate in 3 bytes.
                let scalar = (UInt32(byte & 0x07) << 18) | (UInt32(utf8[i + 1] & 0x3F) << 12) | (UInt32(utf8[i + 2] & 0x3F) << 6) | UInt32(utf8[i + 3] & 0x3F)
                let v = scalar &- 0x10000
                for unit in [0xD800 | (v >> 10), 0xDC00 | (v & 0x3FF)] {
                    out.write(UInt8(0xE0 | (unit >> 12)))
                    out.write(UInt8(0x80 | ((unit >> 6) & 0x3F)))
                    out.write(UInt8(0x80 | (unit & 0x3F)))
                }
                i += 4
            } else {
                out.write(byte)
                i += 1
            }
        }
    }

    /// How many bytes of `utf8` hold its first `characters` Unicode scalars.
    static func prefixLength(_ utf8: UnsafeRawBufferPointer, characters: Int) -> Int {
        var seen = 0
        for (i, byte) in utf8.enumerated() where byte & 0xC0 != 0x80 {
            if seen == characters { return i }
            seen += 1
        }
        return utf8.count
    }
}
