//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import Logging
public import ServiceLifecycle

/// Runs several services in one process, as `nameko run` does: a container per service, sharing the runner's
/// shared extensions (the broker connections).
///
/// Run it under a `ServiceGroup`: on graceful shutdown (SIGTERM, or a first SIGINT when the group is set up so)
/// it stops every container gracefully, in parallel: entrypoints stop, running workers finish and reply, and the
/// connections close. ``kill()`` stops at once, leaving unacknowledged messages to go back to their queues.
public final class ServiceRunner: Service, Sendable {
    /// The containers, in the order their services were given.
    public let containers: [any ServiceContainerProtocol]
    /// The shared extensions.
    public let shared: SharedExtensions
    /// The configuration.
    public let config: EnokiConfig
    /// Whether the runner is live and ready (served at `/health/live` and `/health/ready`).
    public let health: RunnerHealth
    private let logger: Logger

    /// A runner for the given service types.
    ///
    /// - Parameters:
    ///   - services: The services.
    ///   - config: The configuration.
    ///   - logger: The logger.
    ///   - telemetry: Where the containers' metrics and spans go; the bootstrapped factory and tracer by default.
    public init(
        services: [any ServiceDefinition.Type],
        config: EnokiConfig,
        logger: Logger,
        telemetry: Telemetry = Telemetry()
    ) throws {
        let shared = SharedExtensions()
        self.shared = shared
        self.config = config
        self.logger = logger
        self.containers = try services.map { type in
            try Self.makeContainer(type, config: config, shared: shared, logger: logger, telemetry: telemetry)
        }
        self.health = RunnerHealth.of(shared)
    }

    /// A runner for containers made beforehand (with altered declarations, say), sharing `shared`.
    public init(
        containers: [any ServiceContainerProtocol],
        shared: SharedExtensions,
        config: EnokiConfig,
        logger: Logger
    ) {
        self.containers = containers
        self.shared = shared
        self.config = config
        self.logger = logger
        self.health = RunnerHealth.of(shared)
    }

    private static func makeContainer<S: ServiceDefinition>(
        _ type: S.Type,
        config: EnokiConfig,
        shared: SharedExtensions,
        logger: Logger,
        telemetry: Telemetry
    ) throws -> any ServiceContainerProtocol {
        try ServiceContainer<S>(config: config, shared: shared, logger: logger, telemetry: telemetry)
    }

    /// The service names.
    public var serviceNames: [String] { self.containers.map(\.serviceName) }

    /// Starts every container, and logs `services started: …` once all of them serve.
    public func start() async throws {
        self.logger.info("starting services: \(self.serviceNames.joined(separator: ", "))")
        // Every container is set up before any starts, so that an extension shared by several (the web server)
        // starts once, with every entrypoint registered.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for container in self.containers {
                group.addTask { try await container.setUp() }
            }
            try await group.waitForAll()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for container in self.containers {
                group.addTask { try await container.start() }
            }
            try await group.waitForAll()
        }
        try await self.shared.runnerStarted()
        self.health.enter(.started)
        // Every entrypoint is consuming from here on: a caller may rely on this line.
        self.logger.info("services started: \(self.serviceNames.joined(separator: ", "))")
    }

    /// Stops every container gracefully, then the shared extensions.
    public func stop() async {
        self.logger.info("stopping services: \(self.serviceNames.joined(separator: ", "))")
        self.health.enter(.stopping)
        await withTaskGroup(of: Void.self) { group in
            for container in self.containers {
                group.addTask { await container.stop() }
            }
        }
        await self.shared.stopAll()
    }

    /// Stops every container at once.
    public func kill() async {
        self.logger.info("killing services: \(self.serviceNames.joined(separator: ", "))")
        self.health.enter(.stopping)
        await withTaskGroup(of: Void.self) { group in
            for container in self.containers {
                group.addTask { await container.kill() }
            }
        }
        await self.shared.killAll()
    }

    /// Stops every container gracefully, and kills them when that takes longer than `timeout` (a worker that does
    /// not end, a broker that does not confirm), saying so.
    ///
    /// - Returns: Whether the graceful stop finished in time.
    @discardableResult
    public func stop(within timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.stop()
                return true
            }
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                } catch {
                    return true
                }
                return false
            }
            let inTime = await group.next() ?? true
            if !inTime {
                self.logger.warning(
                    "the graceful stop did not finish within \(timeout.components.seconds) s (GRACEFUL_STOP_TIMEOUT); killing the services: messages not acknowledged go back to their queues"
                )
                await self.kill()
            }
            group.cancelAll()
            return inTime
        }
    }

    /// Starts the services and runs until graceful shutdown or cancellation; then stops them gracefully (on
    /// graceful shutdown, within `GRACEFUL_STOP_TIMEOUT`, killing them after it) or kills them (on cancellation).
    public func run() async throws {
        do {
            // A stop while the broker is not up yet ends the wait for it.
            try await cancelWhenGracefulShutdown {
                try await self.start()
            }
        } catch {
            await self.kill()
            if Task.isShuttingDownGracefully || error is CancellationError {
                return
            }
            throw error
        }
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled: a second signal, or the group is going away.
            await self.kill()
            return
        }
        await withTaskCancellationHandler {
            _ = await self.stop(within: self.config.gracefulStopTimeout)
        } onCancel: {
            // Cancelled while stopping (a second signal): kill now. The handler cannot wait, so the kill runs in a
            // task of its own; it ends the stop's waits, which this call is still in.
            Task { await self.kill() }
        }
    }
}
