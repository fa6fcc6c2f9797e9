//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore
public import Logging
public import ServiceLifecycle

/// A telemetry backend that a service executable links and its config turns on, such as the OpenTelemetry exporter
/// of `EnokiOTel`, a module of its own so that executables without it do not build it.
///
/// Hand it to ``ServiceCommandLine/main(services:exporters:arguments:)``; `run` asks it, before it makes the
/// containers, whether the config turns it on.
///
/// ```swift
/// await ServiceCommandLine.main(services: [Orders.self], exporters: [OTelExporter.self])
/// ```
public protocol TelemetryExporter {
    /// Bootstraps the backend (swift-distributed-tracing's tracer, say) when `config` turns it on, and returns what
    /// must run beside the services (its export loop), which stops after them; `nil` when the config leaves it off.
    ///
    /// - Parameters:
    ///   - config: The runner's config.
    ///   - serviceNames: The services about to run.
    ///   - logger: Where it says what it does.
    static func bootstrap(config: EnokiConfig, serviceNames: [String], logger: Logger) throws -> (any Service)?
}
