//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import ArgumentParser
import CoreMetrics
import EnokiAMQP
import EnokiCore
import EnokiPrometheus
import Logging
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `run [SERVICE ...]`: runs the executable's services until SIGTERM or SIGINT.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Runs services until SIGTERM or SIGINT (a second signal kills them).",
        discussion: """
                my-services run --config config.yaml
                my-services run greet_service compute --broker amqp://guest:guest@localhost

            The config file is Nameko's: AMQP_URI, max_workers, parent_calls_tracked, ${VAR:default} substitution.
            """
    )

    @Argument(help: "The services to run, by name; all of them when none is given.")
    var services: [String] = []

    @OptionGroup var cluster: ClusterOptions

    func run() async throws {
        let known = ServiceCommandLine.services
        guard !known.isEmpty else { throw ServiceCommandLine.noServices("run") }
        let chosen = try Self.choose(self.services, from: known)
        let config = try self.cluster.load()
        let logger = try Self.makeLogger(config)
        if self.cluster.config != nil, CommandLine.arguments.contains("--broker") {
            logger.warning("--broker is ignored: the broker comes from AMQP_URI in the config file")
        }
        // Before any container is made: each takes the tracer and the metrics factory bootstrapped by then.
        let exporters = try ServiceCommandLine.exporters.compactMap { exporter in
            try exporter.bootstrap(config: config, serviceNames: chosen.map(serviceName(of:)), logger: logger)
        }
        let prometheus = try PrometheusConfiguration(config: config)
        let registry = prometheus.map { _ in PrometheusCollectorRegistry() }
        if let registry {
            // Before any container makes its metrics: those made earlier would stay with the factory that drops
            // them.
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        }
        let runner = try ServiceRunner(services: chosen, config: config, logger: logger)
        if let prometheus, let registry {
            PrometheusExporter.install(in: runner.shared, registry: registry, configuration: prometheus, logger: logger)
        }
        try await Self.run(runner, alongside: exporters, logger: logger)
    }

    /// The services named (all of them when none is).
    ///
    /// - Throws: `ValidationError` for a name the executable does not have.
    static func choose(
        _ requested: [String],
        from known: [any ServiceDefinition.Type]
    ) throws -> [any ServiceDefinition.Type] {
        let names = known.map(serviceName(of:))
        var chosen: [any ServiceDefinition.Type] = []
        for name in requested {
            guard let index = names.firstIndex(of: name) else {
                throw ValidationError(
                    "no service named '\(name)'; this executable has: \(names.joined(separator: ", "))"
                )
            }
            chosen.append(known[index])
        }
        return chosen.isEmpty ? known : chosen
    }

    /// Runs until SIGTERM or SIGINT (a graceful stop, which kills after `GRACEFUL_STOP_TIMEOUT`), and kills on a
    /// second signal of either kind, as `nameko run` does on a second SIGINT.
    ///
    /// - Parameter alongside: Services that run beside the runner (exporters) and stop after it.
    static func run(_ runner: ServiceRunner, alongside: [any Service] = [], logger: Logger) async throws {
        var groupLogger = logger
        groupLogger.logLevel = .warning
        let group = ServiceGroup(
            // A group stops its services in the reverse order: the runner first, then the exporters, which send what
            // the runner's last workers recorded.
            configuration: .init(
                services: alongside.map { .init(service: $0) } + [.init(service: runner)],
                logger: groupLogger
            )
        )
        // Trap the signals before anything starts: a SIGTERM during start-up (while waiting for the broker, say)
        // is a graceful stop too, not the default action that ends the process at once.
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                try await group.run()
            }
            tasks.addTask {
                var received = 0
                for await _ in signals {
                    received += 1
                    if received >= 2 {
                        // A second signal (SIGINT or SIGTERM) kills: cancel the group; the runner kills its
                        // containers.
                        logger.warning("second signal: killing the services")
                        throw CancellationError()
                    }
                    await group.triggerGracefulShutdown()
                }
            }
            // The group ends after a graceful stop; then stop listening for signals.
            do {
                try await tasks.next()
            } catch is CancellationError {
                // Killed by a second Ctrl-C: the runner has killed its containers; exit quietly, as Nameko does.
            }
            tasks.cancelAll()
        }
    }

    /// The runner's logger (label `enoki`), after making every `Logger(label:)` of the process follow `LOGGING` and
    /// `LOG_FORMAT`.
    ///
    /// - Throws: ``ShellError`` for a `LOGGING` or `LOG_FORMAT` that cannot be read.
    static func makeLogger(_ config: EnokiConfig) throws -> Logger {
        let logging = try LoggingConfiguration(config: config)
        let factory: @Sendable (String) -> any LogHandler = { label in
            MessageLogHandler(label: label, level: logging.level(for: label), format: logging.format)
        }
        // The services' own loggers (`Logger(label: "orders")`) follow the config too.
        LoggingSystem.bootstrap(factory)
        return Logger(label: "enoki", factory: factory)
    }
}
