//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQP
public import EnokiCore
import Foundation
public import Logging

/// Runs services for a test against the real broker, isolated in a virtual host of their own, and cleans up
/// afterwards, even when the test fails.
///
/// ```swift
/// @Test func greets() async throws {
///     try await TestCluster.run(GreetService.self) { cluster in
///         let greeting: String = try await cluster.rpc.greet_service.greet()
///         #expect(greeting == "Hello !")
///     }
/// }
/// ```
///
/// The broker comes from `AMQP_URL` (default `amqp://guest:guest@127.0.0.1:5672/`). Each run makes a virtual host
/// `enoki-test-{random}` with ``VirtualHosts`` and removes it at the end, with every queue and exchange in it.
public struct TestCluster: RunningServices {
    /// The configuration the services run with (its `AMQP_URI` points into the test's virtual host).
    public let config: EnokiConfig
    /// The runner of the services.
    public let runner: ServiceRunner
    /// A client of the cluster, for calls from the test.
    public let rpc: ClusterRPCClient
    /// The test's virtual host.
    public let virtualHost: String
    /// The doubles of each service's replaced dependencies, by service name.
    public let doublesByService: [String: TestDoubles]

    /// The broker URL tests use.
    public static var brokerURL: String {
        ProcessInfo.processInfo.environment["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"
    }

    /// Runs `services` in a fresh virtual host for the duration of `body`.
    ///
    /// - Parameters:
    ///   - services: The services to run.
    ///   - config: Extra configuration (its `AMQP_URI` is replaced by the test virtual host's).
    ///   - virtualHosts: How to make the virtual host.
    ///   - logger: Where the services log; silent by default.
    ///   - body: The test.
    public static func run<Result: Sendable>(
        _ services: any ServiceDefinition.Type...,
        config: EnokiConfig = EnokiConfig(),
        virtualHosts: VirtualHosts = VirtualHosts(),
        logger: Logger = Logger(label: "enoki.test", factory: { _ in SwiftLogNoOpLogHandler() }),
        _ body: (TestCluster) async throws -> Result
    ) async throws -> Result {
        try await self.run(services: services, config: config, virtualHosts: virtualHosts, logger: logger, body)
    }

    /// Runs `services` in a fresh virtual host for the duration of `body`.
    public static func run<Result: Sendable>(
        services: [any ServiceDefinition.Type],
        config: EnokiConfig = EnokiConfig(),
        virtualHosts: VirtualHosts = VirtualHosts(),
        logger: Logger = Logger(label: "enoki.test", factory: { _ in SwiftLogNoOpLogHandler() }),
        _ body: (TestCluster) async throws -> Result
    ) async throws -> Result {
        try await self.run(
            services: services.map { Self.plain($0) },
            config: config,
            virtualHosts: virtualHosts,
            logger: logger,
            body
        )
    }

    private static func plain(_ type: any ServiceDefinition.Type) -> TestService {
        func open<S: ServiceDefinition>(_ type: S.Type) -> TestService { .service(type) }
        return open(type)
    }

    /// Runs services, some of them altered (restricted entrypoints, replaced dependencies), in a fresh virtual
    /// host for the duration of `body`.
    ///
    /// - Parameters:
    ///   - services: The services, as ``TestService/service(_:restrictEntrypoints:replacing:)`` describes them.
    ///   - config: Extra configuration (its `AMQP_URI` is replaced by the test virtual host's; without a
    ///     `WEB_SERVER_ADDRESS`, HTTP entrypoints listen on a free port of 127.0.0.1).
    ///   - clock: The clock the services' timers follow (a ``ManualClock``, say); the continuous clock by default.
    ///   - virtualHosts: How to make the virtual host.
    ///   - logger: Where the services log; silent by default.
    ///   - telemetry: Where the services' metrics and spans go (MetricsTestKit's `TestMetrics`, InMemoryTracing's
    ///     `InMemoryTracer`); the bootstrapped factory and tracer by default.
    ///   - body: The test.
    public static func run<Result: Sendable>(
        services: [TestService],
        config: EnokiConfig = EnokiConfig(),
        clock: (any Clock<Duration>)? = nil,
        virtualHosts: VirtualHosts = VirtualHosts(),
        logger: Logger = Logger(label: "enoki.test", factory: { _ in SwiftLogNoOpLogHandler() }),
        telemetry: Telemetry = Telemetry(),
        _ body: (TestCluster) async throws -> Result
    ) async throws -> Result {
        try await self.withVirtualHost(virtualHosts: virtualHosts) { virtualHost, url in
            var config = config
            config["AMQP_URI"] = .string(url)
            if config["WEB_SERVER_ADDRESS"] == nil {
                config["WEB_SERVER_ADDRESS"] = "127.0.0.1:0"
            }
            let (runner, doubles) = try TestService.makeRunner(
                services,
                config: config,
                clock: clock,
                logger: logger,
                telemetry: telemetry,
                withBroker: true
            )
            let client = try ClusterRPCClient(config: config, defaultTimeout: .seconds(20), logger: logger)
            let cluster = TestCluster(
                config: config,
                runner: runner,
                rpc: client,
                virtualHost: virtualHost,
                doublesByService: doubles
            )
            do {
                try await runner.start()
                let result = try await body(cluster)
                await client.close()
                await runner.stop()
                return result
            } catch {
                await client.close()
                await runner.kill()
                throw error
            }
        }
    }

    /// Makes a virtual host for `body` and removes it afterwards.
    ///
    /// - Parameters:
    ///   - virtualHosts: How virtual hosts are made and removed (with `rabbitmqctl`).
    ///   - body: Gets the virtual host's name and a broker URL into it.
    public static func withVirtualHost<Result: Sendable>(
        virtualHosts: VirtualHosts = VirtualHosts(),
        _ body: (String, String) async throws -> Result
    ) async throws -> Result {
        let name = "enoki-test-" + UUID().uuidString.prefix(10).lowercased()
        try await virtualHosts.create(name)
        let url = Self.url(self.brokerURL, virtualHost: name)
        do {
            let result = try await body(name, url)
            try? await virtualHosts.delete(name)
            return result
        } catch {
            try? await virtualHosts.delete(name)
            throw error
        }
    }

    /// The broker URL with another virtual host.
    static func url(_ base: String, virtualHost: String) -> String {
        guard let schemeEnd = base.range(of: "://") else { return base }
        let rest = base[schemeEnd.upperBound...]
        let authority = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? rest
        let encoded =
            virtualHost.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-_.")))
            ?? virtualHost
        return base[..<schemeEnd.upperBound] + authority + "/" + encoded
    }
}
