// swift-tools-version:5.9
import PackageDescription

/// Where `scripts/setup` installs the librdkafka >= 2.1 runtime (Debian's 2.0.2 cannot talk to
/// Tansu). The binary's RUNPATH names it so cdcctl loads that copy without LD_LIBRARY_PATH.
let rdkafkaRuntimeDir = "/usr/local/lib/cdcctl"

let package = Package(
    name: "cdcctl",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cdcctl", targets: ["cdcctl"]),
        .library(name: "CDCCore", targets: ["CDCCore"]),
        .library(name: "AvroCodec", targets: ["AvroCodec"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The embedded schema registry's HTTP server (`cdcctl registry serve`): pure Swift, no NIO.
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CAvro", pkgConfig: "avro-c", providers: [.apt(["libavro-dev"])]),
        .target(name: "AvroCodec", dependencies: ["CAvro"]),
        .target(
            name: "CDCCore",
            dependencies: ["CLibPQ", "CRdKafka", "AvroCodec", .product(name: "FlyingFox", package: "FlyingFox")],
            linkerSettings: [.unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", rdkafkaRuntimeDir])]
        ),
        .executableTarget(
            name: "cdcctl",
            dependencies: ["CDCCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .target(name: "CDCTestSupport", path: "Tests/CDCTestSupport"),
        .testTarget(name: "CDCCoreTests", dependencies: ["CDCCore", "AvroCodec", "CDCTestSupport"]),
        .testTarget(name: "AvroCodecTests", dependencies: ["AvroCodec"]),
        .testTarget(name: "cdcctlTests", dependencies: ["CDCCore", "CDCTestSupport"], exclude: ["Golden"]),
    ]
)
