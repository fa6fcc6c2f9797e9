// swift-tools-version:6.1
//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import CompilerPluginSupport
import PackageDescription

let package = Package(
    name: "enoki",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EnokiAMQPProtocol", targets: ["EnokiAMQPProtocol"]),
        .library(name: "EnokiAMQPClient", targets: ["EnokiAMQPClient"]),
        .library(name: "EnokiCore", targets: ["EnokiCore"]),
        .library(name: "EnokiAMQP", targets: ["EnokiAMQP"]),
        .library(name: "EnokiCLI", targets: ["EnokiCLI"]),
        .library(name: "EnokiPrometheus", targets: ["EnokiPrometheus"]),
        .library(name: "EnokiOTel", targets: ["EnokiOTel"]),
        .library(name: "EnokiMacros", targets: ["EnokiMacros"]),
        .library(name: "Enoki", targets: ["Enoki"]),
        .library(name: "EnokiTesting", targets: ["EnokiTesting"]),
        .library(name: "EnokiHTTP", targets: ["EnokiHTTP"]),
        .library(name: "EnokiSMTP", targets: ["EnokiSMTP"]),
        .library(name: "EnokiMail", targets: ["EnokiMail"]),
        .executable(name: "enoki-examples", targets: ["EnokiExamples"]),
        .executable(name: "enoki", targets: ["EnokiTool"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.1.0"),
        // The OpenTelemetry exporter only (EnokiOTel), over OTLP/HTTP: the gRPC exporter's trait is left off.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.0.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/swiftlang/swift-syntax.git", "600.0.0"..<"604.0.0"),
        // HTTP entrypoints only (EnokiHTTP): services without HTTP do not build them. No traits: swift-configuration
        // and the external loading of OpenAPI documents are not used.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0", traits: []),
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // `swift package generate-documentation` (scripts/docs.sh); a command plugin, built only when it runs.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.4.0"),
    ],
    targets: [
        // The AMQP 0-9-1 codec: bytes in, frames out. No I/O.
        .target(
            name: "EnokiAMQPProtocol",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        // The AMQP client on SwiftNIO.
        .target(
            name: "EnokiAMQPClient",
            dependencies: [
                "EnokiAMQPProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "EnokiAMQPClientTests",
            dependencies: [
                "EnokiAMQPClient",
                "EnokiAMQPProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        // The framework core: services, workers, dependencies, entrypoints, containers, config. No AMQP.
        .target(
            name: "EnokiCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Nameko's wire over AMQP: RPC entrypoints and proxies, the cluster client, events and messaging.
        .target(
            name: "EnokiAMQP",
            dependencies: [
                "EnokiCore",
                "EnokiAMQPClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // The Prometheus exporter: the runner's metrics on its HTTP server or a port of its own.
        .target(
            name: "EnokiPrometheus",
            dependencies: [
                "EnokiCore",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The OpenTelemetry exporter of a service executable, on swift-otel: a slow build, so a target of its own.
        .target(
            name: "EnokiOTel",
            dependencies: [
                "EnokiCore",
                "EnokiCLI",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "EnokiOTelTests",
            dependencies: [
                "Enoki", "EnokiOTel", "EnokiTesting",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The command tree of `enoki` and of every service executable: run, topology, shell, call, dispatch,
        // request, describe, services, show-config.
        .target(
            name: "EnokiCLI",
            dependencies: [
                "EnokiCore",
                "EnokiAMQP",
                "EnokiAMQPClient",
                "EnokiPrometheus",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // @Service, @RPC, @RPCProxy, @Dependency: write a service's ServiceDefinition conformance.
        .macro(
            name: "EnokiMacrosPlugin",
            dependencies: [
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftSyntaxBuilder", package: "swift-syntax"),
                .product(name: "SwiftDiagnostics", package: "swift-syntax"),
                .product(name: "SwiftCompilerPlugin", package: "swift-syntax"),
            ]
        ),
        .target(name: "EnokiMacros", dependencies: ["EnokiMacrosPlugin", "EnokiCore", "EnokiAMQP"]),
        // HTTP entrypoints on Hummingbird: werkzeug rules, Nameko's return forms and errors, typed routes, OpenAPI.
        .target(
            name: "EnokiHTTP",
            dependencies: [
                "EnokiCore",
                "EnokiMacrosPlugin",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .testTarget(
            name: "EnokiHTTPTests",
            dependencies: [
                "Enoki", "EnokiHTTP", "EnokiCore", "EnokiTesting", "EnokiTestSupport",
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["Python"]
        ),
        // The services of the HTTP tests, run as a process of their own.
        .executableTarget(
            name: "EnokiHTTPTestServices",
            dependencies: ["Enoki", "EnokiHTTP"],
            path: "Tests/HTTPServices"
        ),
        // An SMTP client on SwiftNIO: a pure codec, a session state machine, a thin handler. Knows nothing of Enoki.
        .target(
            name: "EnokiSMTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "EnokiSMTPTests",
            dependencies: ["EnokiSMTP", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // The Mailer dependency provider: mail over SMTP_URI, or to the log when there is none.
        .target(
            name: "EnokiMail",
            dependencies: [
                "EnokiCore",
                "EnokiSMTP",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "EnokiMailTests",
            dependencies: [
                "EnokiMail", "EnokiSMTP", "EnokiCore", "EnokiTesting", "EnokiTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // One import for service authors.
        .target(name: "Enoki", dependencies: ["EnokiCore", "EnokiAMQP", "EnokiCLI", "EnokiMacros"]),
        // `enoki`: the shell, one-shot calls and events, describe, services, show-config (all in EnokiCLI).
        .executableTarget(name: "EnokiTool", dependencies: ["EnokiCLI"]),
        // The Swift twins of the example services of Nameko's documentation.
        .executableTarget(name: "EnokiExamples", dependencies: ["Enoki", "EnokiHTTP", "EnokiMail"]),
        // The testing toolkit for service authors.
        .target(
            name: "EnokiTesting",
            dependencies: [
                "EnokiCore",
                "EnokiAMQP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // The Swift services of the interoperability tests, run as a process next to Python Nameko ones.
        .executableTarget(name: "EnokiInteropServices", dependencies: ["Enoki"], path: "Tests/InteropServices"),
        // The fuzz target of the delivery path (scripts/fuzz.sh); a plain build replays its regression corpus.
        .executableTarget(
            name: "EnokiDeliveryFuzzer",
            dependencies: [
                "EnokiAMQP", "EnokiAMQPProtocol", "EnokiCore", .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/Fuzz",
            exclude: ["corpus"]
        ),
        // The services of the robustness tests (hostile deliveries, deadlines, stops), run as a process of their own.
        .executableTarget(
            name: "EnokiRobustnessServices",
            dependencies: ["Enoki", .product(name: "Logging", package: "swift-log")],
            path: "Tests/RobustnessServices"
        ),
        // Helpers for the tests that need the real broker.
        .target(
            name: "EnokiTestSupport",
            dependencies: [
                "EnokiAMQPClient",
                "EnokiTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/EnokiTestSupport",
            exclude: ["Python"]
        ),
        .testTarget(
            name: "EnokiAMQPClientIntegrationTests",
            dependencies: [
                "EnokiAMQPClient",
                "EnokiAMQPProtocol",
                "EnokiTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "EnokiCoreTests",
            dependencies: ["EnokiCore", .product(name: "MetricsTestKit", package: "swift-metrics")]
        ),
        .testTarget(name: "EnokiCLITests", dependencies: ["Enoki", "EnokiCLI", "EnokiTesting", "EnokiTestSupport"]),
        .testTarget(
            name: "EnokiTestingTests",
            dependencies: ["Enoki", "EnokiTesting", .product(name: "MetricsTestKit", package: "swift-metrics")]
        ),
        .testTarget(
            name: "EnokiInteropTests",
            dependencies: [
                "Enoki", "EnokiTesting", "EnokiTestSupport", "EnokiAMQPClient",
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Python"]
        ),
        .testTarget(
            name: "EnokiAMQPTests",
            dependencies: [
                "Enoki",
                "EnokiTesting",
                "EnokiTestSupport",
                "EnokiAMQPClient",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "EnokiMacrosTests",
            dependencies: [
                "EnokiMacrosPlugin",
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacrosTestSupport", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacrosGenericTestSupport", package: "swift-syntax"),
            ]
        ),
        .testTarget(
            name: "EnokiAMQPProtocolTests",
            dependencies: [
                "EnokiAMQPProtocol",
                "EnokiTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
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
