//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCLI
public import EnokiCore
public import Logging
public import OTel
public import ServiceLifecycle
public import Tracing

/// Exports a service executable's spans to an OpenTelemetry collector over OTLP/HTTP (swift-otel), turned on by
/// an `OTEL` section in the config.
///
/// ```yaml
/// OTEL:
///   ENDPOINT: http://127.0.0.1:4318   # the collector's OTLP/HTTP endpoint; the default
///   SERVICE_NAME: orders              # the default: the services run, joined with ","
///   SCHEDULE_DELAY: 5                 # seconds between exports; the default
/// ```
///
/// `OTEL: true` turns it on with the defaults. The OpenTelemetry environment variables (`OTEL_EXPORTER_OTLP_ENDPOINT`,
/// `OTEL_TRACES_SAMPLER`, …) apply too, as swift-otel reads them. The trace context travels in W3C `traceparent`
/// and `tracestate`, as `nameko.traceparent` and `nameko.tracestate` headers between services, which Python
/// Nameko services pass on.
///
/// Link it and hand it to the command line:
///
/// ```swift
/// await ServiceCommandLine.main(services: [Orders.self], exporters: [OTelExporter.self])
/// ```
public enum OTelExporter: TelemetryExporter {
    /// The swift-otel configuration the config asks for; `nil` when the config has no `OTEL` section (or `false`).
    ///
    /// - Throws: ``OTelExporterError`` for a value of the wrong type.
    public static func configuration(config: EnokiConfig, serviceNames: [String]) throws -> OTel.Configuration? {
        var section: JSONObject = [:]
        switch config["OTEL"] {
        case nil, .null?, .bool(false)?:
            return nil
        case .bool(true)?:
            break
        case .object(let object)?:
            section = object
        case let other?:
            throw OTelExporterError("OTEL must be true or a mapping, not \(other)")
        }
        var configuration = OTel.Configuration.default
        configuration.serviceName = try Self.string(section, "SERVICE_NAME") ?? serviceNames.joined(separator: ",")
        configuration.propagators = [.traceContext]
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.enabled = true
        if let endpoint = try Self.string(section, "ENDPOINT") {
            configuration.traces.otlpExporter.endpoint =
                endpoint.hasSuffix("/v1/traces") ? endpoint : endpoint + "/v1/traces"
        }
        configuration.traces.exporter = .otlp
        switch section["SCHEDULE_DELAY"] {
        case nil:
            break
        case .int(let seconds)? where seconds > 0:
            configuration.traces.batchSpanProcessor.scheduleDelay = .seconds(seconds)
        case .double(let seconds)? where seconds > 0 && seconds.isFinite:
            configuration.traces.batchSpanProcessor.scheduleDelay = .milliseconds(Int64(seconds * 1000))
        case let other?:
            throw OTelExporterError("OTEL.SCHEDULE_DELAY must be a positive number of seconds, not \(other)")
        }
        return configuration
    }

    /// Makes the tracer and its export loop for a configuration, without bootstrapping anything process-wide; for a
    /// program that runs a `ServiceRunner` itself, or a test, which gives the tracer to the runner's `Telemetry`.
    public static func makeTracer(
        _ configuration: OTel.Configuration
    ) throws -> (tracer: any Tracer, service: any Service) {
        let (tracer, service) = try OTel.makeTracingBackend(configuration: configuration)
        return (tracer, service)
    }

    public static func bootstrap(config: EnokiConfig, serviceNames: [String], logger: Logger) throws -> (any Service)? {
        guard let configuration = try Self.configuration(config: config, serviceNames: serviceNames) else { return nil }
        let (tracer, service) = try Self.makeTracer(configuration)
        InstrumentationSystem.bootstrap(tracer)
        logger.info(
            "traces exported to \(configuration.traces.otlpExporter.endpoint) as \(configuration.serviceName)"
        )
        return service
    }

    private static func string(_ section: JSONObject, _ key: String) throws -> String? {
        switch section[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw OTelExporterError("OTEL.\(key) must be a string, not \(other)")
        }
    }
}

/// What goes wrong in the OpenTelemetry exporter's configuration.
public struct OTelExporterError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String

    /// An error.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { self.message }
}
