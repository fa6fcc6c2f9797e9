//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Tracing

/// Reads a trace context (W3C `traceparent` and `tracestate`, or whatever the tracer propagates) from a request's
/// headers, so that a worker's span continues the trace of the client or gateway that sent the request.
struct RequestHeaderExtractor: Extractor {
    func extract(key: String, from carrier: WebRequest) -> String? {
        carrier.header(key)
    }
}
