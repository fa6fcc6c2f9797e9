//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore
public import Logging

/// Runs services in the test's process with no broker: timers, HTTP entrypoints, entrypoints of one's own,
/// lifecycle hooks, waiters and hooks on entrypoints, with dependencies replaced by doubles. ``TestCluster`` runs
/// them against RabbitMQ; this is its counterpart for everything that needs none, as a web framework's test
/// client beside a live server.
///
/// ```swift
/// try await TestRunner.run(
///     services: [.service(Reports.self, restrictEntrypoints: ["nightly"], replacing: ["mailer": .double])],
///     clock: clock
/// ) { services in
///     let waiter = services.waiter(Reports.self, "nightly")
///     clock.advance(by: .seconds(86_400))
///     _ = try await waiter.wait()
/// }
/// ```
///
/// The services' `AMQP_URI` points nowhere, and the framework's discovery call (which answers over the broker) is
/// left out. An entrypoint that needs the broker (an RPC method, an event handler, a consumer) cannot start: after
/// `startTimeout` the start fails with an error that says so. Restrict such entrypoints away and replace
/// dependencies that would call out (RPC proxies, dispatchers) with `.double`, or use ``TestCluster``.
public struct TestRunner: RunningServices {
    /// The configuration the services run with.
    public let config: EnokiConfig
    /// The runner of the services.
    public let runner: ServiceRunner
    /// The doubles of each service's replaced dependencies, by service name.
    public let doublesByService: [String: TestDoubles]

    /// Where the services' broker connections would go: a closed port, so that nothing reaches a broker that
    /// happens to run on the machine.
    public static let noBrokerURL = "amqp://guest:guest@127.0.0.1:1/"

    /// Runs `services` in this process for the duration of `body`; stops them gracefully afterwards (kills them
    /// when `body` throws).
    ///
    /// - Parameters:
    ///   - services: The services, as ``TestService/service(_:restrictEntrypoints:replacing:)`` describes them.
    ///   - config: Their configuration; without a `WEB_SERVER_ADDRESS`, HTTP entrypoints listen on a free port of
    ///     127.0.0.1 (read it from the web server).
    ///   - clock: The clock the services' timers follow (a ``ManualClock``, say); the continuous clock by default.
    ///   - logger: Where the services log; silent by default.
    ///   - telemetry: Where the services' metrics and spans go (MetricsTestKit's `TestMetrics`, InMemoryTracing's
    ///     `InMemoryTracer`); the bootstrapped factory and tracer by default.
    ///   - startTimeout: How long the services may take to start; an entrypoint that waits for a broker never
    ///     does.
    ///   - body: The test.
    public static func run<Result: Sendable>(
        services: [TestService],
        config: EnokiConfig = EnokiConfig(),
        clock: (any Clock<Duration>)? = nil,
        logger: Logger = Logger(label: "enoki.test", factory: { _ in SwiftLogNoOpLogHandler() }),
        telemetry: Telemetry = Telemetry(),
        startTimeout: Duration = .seconds(10),
        _ body: (TestRunner) async throws -> Result
    ) async throws -> Result {
        var config = config
        if config["AMQP_URI"] == nil {
            config["AMQP_URI"] = .string(Self.noBrokerURL)
        }
        if config["WEB_SERVER_ADDRESS"] == nil {
            config["WEB_SERVER_ADDRESS"] = "127.0.0.1:0"
        }
        let (runner, doubles) = try TestService.makeRunner(
            services,
            config: config,
            clock: clock,
            logger: logger,
            telemetry: telemetry,
            withBroker: false
        )
        let services = TestRunner(config: config, runner: runner, doublesByService: doubles)
        do {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await runner.start()
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: startTimeout)
                    return false
                }
                let started = try await group.next() ?? false
                group.cancelAll()
                guard started else {
                    throw EnokiError(.timeout, "not started within \(startTimeout), waiting for a broker")
                }
            }
        } catch {
            await runner.kill()
            throw EnokiError(
                .configuration,
                "the services could not start without a broker (\(error)); restrict entrypoints that need one, "
                    + "replace such dependencies with .double, or run them in a TestCluster",
                underlying: error
            )
        }
        do {
            let result = try await body(services)
            await runner.stop()
            return result
        } catch {
            await runner.kill()
            throw error
        }
    }
}
