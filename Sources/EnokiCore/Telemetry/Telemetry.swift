//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import CoreMetrics
public import Tracing

/// Where a runner's metrics and spans go: a swift-metrics factory and a swift-distributed-tracing tracer.
///
/// By default both are the ones bootstrapped process-wide (`MetricsSystem.bootstrap`,
/// `InstrumentationSystem.bootstrap`), which drop everything until something is bootstrapped. A test passes its own
/// (MetricsTestKit's `TestMetrics`, InMemoryTracing's `InMemoryTracer`) so that it needs no process-wide state.
public struct Telemetry: Sendable {
    /// The metrics factory; `nil` for the bootstrapped one.
    public var metricsFactory: (any MetricsFactory)?
    /// The tracer; `nil` for the bootstrapped one.
    public var tracer: (any Tracer)?

    /// Telemetry to these destinations; the bootstrapped ones by default.
    public init(metricsFactory: (any MetricsFactory)? = nil, tracer: (any Tracer)? = nil) {
        self.metricsFactory = metricsFactory
        self.tracer = tracer
    }
}
