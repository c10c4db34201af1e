import CCrypto

/// A message digest algorithm of `--mask …=hash:ALG`, by the names Java's `MessageDigest` (and so
/// Debezium's `column.mask.hash.ALG.with.salt.SALT`) accepts, compared without case and dashes
/// (`SHA-256`, `sha256`).
public enum DigestAlgorithm: String, CaseIterable, Sendable {
    case md5 = "MD5"
    case sha1 = "SHA-1"
    case sha224 = "SHA-224"
    case sha256 = "SHA-256"
    case sha384 = "SHA-384"
    case sha512 = "SHA-512"
    case sha512_224 = "SHA-512/224"
    case sha512_256 = "SHA-512/256"
    case sha3_224 = "SHA3-224"
    case sha3_256 = "SHA3-256"
    case sha3_384 = "SHA3-384"
    case sha3_512 = "SHA3-512"

    /// The algorithm named `name` (`sha256`, `SHA-256`, `sha3-256`, …), or nil.
    public init?(name: String) {
        let key = Self.key(name)
        guard let found = Self.allCases.first(where: { Self.key($0.rawValue) == key }) else { return nil }
        self = found
    }

    /// OpenSSL's name for `EVP_MD_fetch`.
    var openSSLName: String {
        switch self {
        case .md5: return "MD5"
        case .sha1: return "SHA1"
        case .sha224: return "SHA224"
        case .sha256: return "SHA256"
        case .sha384: return "SHA384"
        case .sha512: return "SHA512"
        case .sha512_224: return "SHA512-224"
        case .sha512_256: return "SHA512-256"
        case .sha3_224: return "SHA3-224"
        case .sha3_256: return "SHA3-256"
        case .sha3_384: return "SHA3-384"
        case .sha3_512: return "SHA3-512"
        }
    }

    /// Lower case, without `-` and `_` (`sha3-256` and `SHA3_256` are one name; `/` stays).
    private static func key(_ name: String) -> String {
        String(name.lowercased().filter { $0 != "-" && $0 != "_" })
    }
}

/// One digest context of OpenSSL's libcrypto (EVP), reused for every value a column masks: the
/// only wrapper of libcrypto. Not shared between threads (each row walker owns its own).
final class MessageDigest {
    let algorithm: DigestAlgorithm
    private let md: OpaquePointer
    private let context: OpaquePointer
    /// The digest of the last `digest` call (`EVP_MAX_MD_SIZE` bytes of room).
    private var output = [UInt8](repeating: 0, count: 64)

    /// A context for `algorithm`; throws when this libcrypto does not provide it.
    init(_ algorithm: DigestAlgorithm) throws {
        guard let md = EVP_MD_fetch(nil, algorithm.openSSLName, nil) else {
            throw ShapingRuntimeError("libcrypto does not provide the \(algorithm.rawValue) digest")
        }
        guard let context = EVP_MD_CTX_new() else {
            EVP_MD_free(md)
            throw ShapingRuntimeError("libcrypto cannot allocate a digest context")
        }
        self.algorithm = algorithm
        self.md = md
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
        EVP_MD_free(md)
    }

    /// The digest of `parts`, one after the other, handed to `body` (valid during the call).
    func digest<R>(_ parts: UnsafeRawBufferPointer..., body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard EVP_DigestInit_ex2(context, md, nil) == 1 else { throw ShapingRuntimeError("the \(algorithm.rawValue) digest failed to start") }
        for part in parts where part.count > 0 {
            guard EVP_DigestUpdate(context, part.baseAddress, part.count) == 1 else {
                throw ShapingRuntimeError("the \(algorithm.rawValue) digest failed")
            }
        }
        var length: UInt32 = 0
        let done = output.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        guard done == 1 else { throw ShapingRuntimeError("the \(algorithm.rawValue) digest failed to finish") }
        return try output.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<Int(length)])) }
    }
}

/// A failure of the shaping steps while events are written (a digest libcrypto refuses).
struct ShapingRuntimeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
