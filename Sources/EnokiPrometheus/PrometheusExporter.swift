//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore
public import Logging
public import Prometheus
import Synchronization

/// Serves a runner's metrics in Prometheus' text format: on the runner's HTTP server when it runs one, on a port
/// of its own otherwise.
///
/// `enoki run` (and every service executable's `run`) installs one when the config has a `PROMETHEUS` section
/// (``PrometheusConfiguration``): it bootstraps swift-metrics with a Prometheus factory, so that the framework's
/// metrics (`enoki_worker_calls_total`, `enoki_worker_duration_seconds`, …) and any the services record with
/// swift-metrics go to one registry. A program that runs a `ServiceRunner` itself installs one with
/// ``install(in:registry:configuration:logger:)``, passing the registry's factory to the runner.
public final class PrometheusExporter: SharedExtension {
    /// The registry it serves.
    public let registry: PrometheusCollectorRegistry
    /// Its settings.
    public let configuration: PrometheusConfiguration
    private let logger: Logger
    private let operations: OperationalRoutes
    private let server = Mutex<MetricsHTTPServer?>(nil)

    init(
        registry: PrometheusCollectorRegistry,
        configuration: PrometheusConfiguration,
        operations: OperationalRoutes,
        logger: Logger
    ) {
        self.registry = registry
        self.configuration = configuration
        self.operations = operations
        self.logger = logger
    }

    /// The content type of Prometheus' text format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Adds an exporter of `registry` to a runner's shared extensions, before the runner starts: it registers the
    /// metrics path with the runner's operational endpoints, and once every container has started it binds its
    /// own port unless the runner's HTTP server serves them.
    ///
    /// - Parameters:
    ///   - shared: The runner's shared extensions (`ServiceRunner.shared`).
    ///   - registry: The registry the runner's metrics factory writes to.
    ///   - configuration: The path and the exporter's own address.
    ///   - logger: Where it says where it listens.
    @discardableResult
    public static func install(
        in shared: SharedExtensions,
        registry: PrometheusCollectorRegistry,
        configuration: PrometheusConfiguration,
        logger: Logger
    ) -> PrometheusExporter {
        let operations = OperationalRoutes.of(shared)
        let exporter = shared.get(PrometheusExporter.self) {
            PrometheusExporter(registry: registry, configuration: configuration, operations: operations, logger: logger)
        }
        operations.register(configuration.path) { exporter.scrape() }
        return exporter
    }

    /// The registry's metrics, as a scrape gets them.
    public func scrape() -> OperationalRoutes.Response {
        OperationalRoutes.Response(contentType: Self.contentType, body: self.registry.emitToBuffer())
    }

    /// The port of the exporter's own server, once it listens; `nil` while it does not (the runner's HTTP server
    /// serves the metrics).
    public var port: Int? { self.server.withLock { $0?.port } }

    public func runnerStarted() async throws {
        guard !self.operations.isServed, self.server.withLock({ $0 == nil }) else {
            self.logger.info("metrics served at \(self.configuration.path) on the web server")
            return
        }
        let server = try await MetricsHTTPServer.start(
            host: self.configuration.host,
            port: self.configuration.port,
            operations: self.operations,
            logger: self.logger
        )
        self.server.withLock { $0 = server }
        self.logger.info(
            "metrics served at http://\(self.configuration.host):\(server.port)\(self.configuration.path)"
        )
    }

    public func stop() async {
        let server = self.server.withLock { server in
            defer { server = nil }
            return server
        }
        await server?.close()
    }
}
