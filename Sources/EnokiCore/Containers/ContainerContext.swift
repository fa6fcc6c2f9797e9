//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import Logging

/// What the extensions of a container (entrypoints and dependency providers) can see of it.
public struct ContainerContext: Sendable {
    /// The service's name.
    public let serviceName: String
    /// The configuration the container runs with.
    public let config: EnokiConfig
    /// The logger of the container.
    public let logger: Logger
    /// Extensions shared by every container of the runner (a broker connection, an HTTP server), by type.
    public let shared: SharedExtensions

    /// What the service offers (its entrypoints and dependencies), as its discovery call answers it.
    public let description: ServiceDescription
    /// Where the container's metrics go.
    public let metrics: ServiceMetrics
    /// Where the container's spans go.
    public let tracing: WorkerTracing

    /// Creates a context.
    ///
    /// - Parameters:
    ///   - serviceName: The name of the container's service.
    ///   - config: The runner's config.
    ///   - logger: The container's logger.
    ///   - shared: The extensions every container of the runner shares.
    ///   - description: What the service offers; by default nothing but its name.
    ///   - telemetry: Where its metrics and spans go; the bootstrapped factory and tracer by default.
    public init(
        serviceName: String,
        config: EnokiConfig,
        logger: Logger,
        shared: SharedExtensions,
        description: ServiceDescription? = nil,
        telemetry: Telemetry = Telemetry()
    ) {
        self.serviceName = serviceName
        self.config = config
        self.logger = logger
        self.shared = shared
        self.description = description ?? ServiceDescription(service: serviceName)
        self.metrics = ServiceMetrics(serviceName: serviceName, factory: telemetry.metricsFactory)
        self.tracing = WorkerTracing(tracer: telemetry.tracer)
    }

    /// The configured worker limit (`max_workers`; 0 or missing means 10).
    public var maxWorkers: Int { self.config.maxWorkers }

    /// The configured number of parent calls kept in call-id stacks (`parent_calls_tracked`).
    public var parentCallsTracked: Int { self.config.parentCallsTracked }
}
