//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import Tracing

/// Reads a trace context out of a worker's context data, where the transports put what came with a message (its
/// `nameko.*` headers, without the prefix).
///
/// Carrying the trace context as context data is what lets a trace cross Python Nameko services unbroken: Nameko
/// copies every context-data header of a call it serves into every call, event and message it sends, so a
/// `nameko.traceparent` that reaches a Python service leaves it again on the calls it makes.
public struct ContextDataExtractor: Extractor {
    /// An extractor.
    public init() {}

    public func extract(key: String, from carrier: JSONObject) -> String? {
        carrier[key]?.stringValue
    }
}

/// Writes a trace context into context data, from where the transports send it as `nameko.*` headers.
public struct ContextDataInjector: Injector {
    /// An injector.
    public init() {}

    public func inject(_ value: String, forKey key: String, into carrier: inout JSONObject) {
        carrier[key] = .string(value)
    }
}
