// swift-tools-version:6.1
//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

// The benchmarks' Swift side, a package of its own beside Enoki's (as swift-nio keeps its benchmarks), so that
// Enoki's product list holds only what users depend on. bench/*.py build it in release mode:
//
//     swift build -c release --package-path Benchmarks --product enoki-bench

import PackageDescription

let package = Package(
    name: "enoki-benchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "enoki-amqp-bench", targets: ["EnokiAMQPBench"]),
        .executable(name: "enoki-bench", targets: ["EnokiBench"]),
    ],
    dependencies: [
        .package(name: "enoki", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0", traits: []),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
    ],
    targets: [
        // What the benchmark tools share: options, closed-loop load, latency percentiles.
        .target(name: "EnokiBenchSupport", dependencies: [.product(name: "EnokiAMQPClient", package: "enoki")]),
        // Throughput and latency of the AMQP client through the real broker.
        .executableTarget(
            name: "EnokiAMQPBench",
            dependencies: [
                .product(name: "EnokiAMQPClient", package: "enoki"),
                "EnokiBenchSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // The framework benchmarks' Swift side: the echo service and the clients that drive it (bench/run.py).
        .executableTarget(
            name: "EnokiBench",
            dependencies: [
                .product(name: "Enoki", package: "enoki"),
                .product(name: "EnokiHTTP", package: "enoki"),
                "EnokiBenchSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ])
    target.swiftSettings = settings
}
