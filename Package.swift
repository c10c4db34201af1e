// swift-tools-version:6.0
import PackageDescription

/// Where `scripts/setup` installs the librdkafka >= 2.1 runtime (Debian's 2.0.2 cannot talk to
/// Tansu). The binary's RUNPATH names it so cdcctl loads that copy without LD_LIBRARY_PATH.
let rdkafkaRuntimeDir = "/usr/local/lib/cdcctl"

let package = Package(
    name: "cdcctl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cdcctl", targets: ["cdcctl"]),
        .library(name: "CDCCore", targets: ["CDCCore"]),
        .library(name: "AvroCodec", targets: ["AvroCodec"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The embedded schema registry's HTTP server (`cdcctl registry serve`): pure Swift, no NIO.
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        // `stream --metrics-listen`: Prometheus text exposition (swift-server/swift-prometheus;
        // it brings swift-atomics and swift-metrics' CoreMetrics, no NIO).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CAvro", pkgConfig: "avro-c", providers: [.apt(["libavro-dev"])]),
        // OpenSSL's libcrypto: the message digests of `--mask …=hash:ALG` (Debezium's column.mask.hash).
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "AvroCodec", dependencies: ["CAvro"]),
        .target(
            name: "CDCCore",
            dependencies: ["CLibPQ", "CRdKafka", "CCrypto", "AvroCodec", .product(name: "Prometheus", package: "swift-prometheus")],
            linkerSettings: [.unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", rdkafkaRuntimeDir])]
        ),
        // What the two HTTP servers share: listen addresses, start until listening, stop, bind errors.
        .target(name: "HTTPServing", dependencies: [.product(name: "FlyingFox", package: "FlyingFox")]),
        // `cdcctl registry serve`: the only user of the HTTP server, so CDCCore does not link it.
        .target(name: "SchemaRegistryServer", dependencies: ["AvroCodec", "HTTPServing", .product(name: "FlyingFox", package: "FlyingFox")]),
        // `stream --metrics-listen`: the HTTP endpoint of the metrics, so CDCCore does not link FlyingFox.
        .target(name: "MetricsServer", dependencies: ["CDCCore", "HTTPServing", .product(name: "FlyingFox", package: "FlyingFox")]),
        .executableTarget(
            name: "cdcctl",
            dependencies: ["CDCCore", "SchemaRegistryServer", "MetricsServer", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Tests in three tiers (README, "Tests and benchmarks"): `*Tests` need no server (pure
        // fixtures, librdkafka's in-process mock cluster, the built binary): `swift test --filter
        // 'CDCCoreTests|AvroCodecTests|SchemaRegistryServerTests|cdcctlTests'`; `*StackTests` need
        // the local stack (`scripts/stack up`: PostgreSQL, Tansu, the registry); e2e/*.sh are the
        // shell end-to-end tests. Helpers used by more than one test target live in CDCTestSupport.
        .target(name: "CDCTestSupport", dependencies: ["CDCCore"], path: "Tests/CDCTestSupport"),
        .testTarget(name: "CDCCoreTests", dependencies: ["CDCCore", "AvroCodec", "CDCTestSupport"]),
        .testTarget(name: "CDCCoreStackTests", dependencies: ["CDCCore", "AvroCodec", "CDCTestSupport"]),
        .testTarget(name: "SchemaRegistryServerTests", dependencies: ["SchemaRegistryServer", "CDCCore", "AvroCodec"]),
        .testTarget(name: "AvroCodecTests", dependencies: ["AvroCodec"]),
        .testTarget(name: "cdcctlTests", dependencies: ["CDCTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "cdcctlStackTests", dependencies: ["CDCCore", "CDCTestSupport"]),
    ]
)
