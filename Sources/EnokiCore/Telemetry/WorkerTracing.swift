//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import Tracing

/// The spans of a container's work: one per worker, and one per outgoing call, event or message, through
/// swift-distributed-tracing.
///
/// With no tracer bootstrapped the spans are swift-distributed-tracing's no-op ones. A worker's span continues the
/// trace that came with its message or request, and its outgoing work continues the worker's, so that one trace
/// follows a request across services (``ContextDataExtractor``).
public struct WorkerTracing: Sendable {
    /// The tracer.
    public let tracer: any Tracer
    /// Whether there is a tracer to make spans with: `false` for swift-distributed-tracing's no-op tracer (nothing
    /// bootstrapped), when workers make no spans at all.
    public let isEnabled: Bool

    /// Spans made with `tracer`; swift-distributed-tracing's bootstrapped tracer by default.
    public init(tracer: (any Tracer)? = nil) {
        let tracer = tracer ?? InstrumentationSystem.tracer
        self.tracer = tracer
        self.isEnabled = !(tracer is NoOpTracer)
    }

    /// The trace context that came with a message: what the tracer reads from its context data.
    public func extract(from contextData: JSONObject) -> ServiceContext {
        var context = ServiceContext.topLevel
        self.tracer.extract(contextData, into: &context, using: ContextDataExtractor())
        return context
    }

    /// Runs outgoing work (a call, a dispatch, a publish) in a span that continues the current worker's, and gives
    /// it the context data to send, with the span's trace context in it.
    ///
    /// - Parameters:
    ///   - name: The span's name (`{service}.{method}`, `{source}.{event_type} dispatch`).
    ///   - kind: `.client` for a call, `.producer` for an event or a message.
    ///   - attributes: Attributes of the span.
    ///   - contextData: The context data the work would send.
    ///   - operation: The work, given the context data to send.
    public func outgoing<T>(
        _ name: String,
        kind: SpanKind,
        attributes: [(String, String)] = [],
        contextData: JSONObject,
        _ operation: (JSONObject) async throws -> T
    ) async throws -> T {
        guard self.isEnabled else { return try await operation(contextData) }
        let span = self.tracer.startSpan(name, context: ServiceContext.current ?? .topLevel, ofKind: kind)
        defer { span.end() }
        if span.isRecording {
            for (key, value) in attributes {
                span.attributes[key] = value
            }
        }
        var data = contextData
        self.tracer.inject(span.context, into: &data, using: ContextDataInjector())
        do {
            return try await operation(data)
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }
}
