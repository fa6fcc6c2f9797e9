//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiHTTP
import EnokiTesting
import InMemoryTracing
import Logging
import Testing
import Tracing

struct VaultBroke: Error {}

@Service("traced_http")
private struct TracedHTTP {
    @HTTP("GET", "/hello")
    func hello(_ request: WebRequest) -> String { "hello" }

    @HTTP("GET", "/vault/<owner>/<secret>", sensitiveArguments: ["secret"])
    func vault(_ request: WebRequest, owner: String, secret: String) throws -> String { throw VaultBroke() }
}

/// An HTTP worker's span continues the trace its client sent in the request's headers.
@Suite(.timeLimit(.minutes(2))) struct HTTPTracingTests {
    @Test func aRequestsTraceHeadersBecomeItsWorkersParent() async throws {
        let tracer = InMemoryTracer()
        try await TestRunner.run(services: [.service(TracedHTTP.self)], telemetry: Telemetry(tracer: tracer)) {
            services in
            let port = try #require(services.runner.shared.existing(WebServer.self)?.port)
            let traced = try await RawHTTP.request(
                port: port,
                "GET",
                "/hello",
                headers: [(InMemoryTracer.traceIDKey, "trace-from-gateway"), (InMemoryTracer.spanIDKey, "span-7")]
            )
            #expect(traced.status == 200)
            let untraced = try await RawHTTP.request(port: port, "GET", "/hello")
            #expect(untraced.status == 200)

            let spans = tracer.finishedSpans.filter { $0.operationName == "traced_http.hello" }
            #expect(spans.count == 2)
            #expect(spans.allSatisfy { $0.kind == .server })
            let continued = try #require(spans.first { $0.traceID == "trace-from-gateway" })
            #expect(continued.parentSpanID == "span-7")
            #expect(spans.contains { $0.parentSpanID == nil && $0.traceID != "trace-from-gateway" })
        }
    }

    @Test func aFailedRequestsLogLineShowsItsPathVariablesRedacted() async throws {
        let logs = LogCapture()
        try await TestRunner.run(services: [.service(TracedHTTP.self)], logger: logs.logger) { services in
            let port = try #require(services.runner.shared.existing(WebServer.self)?.port)
            let answer = try await RawHTTP.request(port: port, "GET", "/vault/ada/open-sesame")
            #expect(answer.status == 500)
            let line = try await logs.first(containing: "error handling worker")
            #expect(line.level == .error)
            let shown = try JSONParser.parse(try #require(line.metadata["call_args"]))
            #expect(shown["owner"] == "ada")
            #expect(shown["secret"] == "********")
            #expect(shown["request"] == "GET /vault/<owner>/<secret>")
            #expect(!logs.lines.contains { $0.description.contains("open-sesame") })
        }
    }
}
