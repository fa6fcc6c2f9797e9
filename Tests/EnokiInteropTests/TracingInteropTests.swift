//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiTestSupport
import EnokiTesting
import InMemoryTracing
import Testing
import Tracing

@Service("swift_trace_front")
struct SwiftTraceFront {
    @Dependency(RPCProxy("py_trace_relay")) var relay: ServiceProxy

    @RPC func start(_ value: String) async throws -> String {
        try await self.relay.relay(value)
    }
}

@Service("swift_trace_back")
struct SwiftTraceBack {
    @RPC func answer(_ value: String) -> String { value + "-back" }
}

/// One trace across Swift, Python Nameko (which knows nothing of tracing) and Swift again.
@Suite(.timeLimit(.minutes(3))) struct TracingInteropTests {
    @Test func aTraceThroughAPythonServiceStaysOneTrace() async throws {
        let tracer = InMemoryTracer()
        try await TestCluster.run(
            services: [.service(SwiftTraceFront.self), .service(SwiftTraceBack.self)],
            telemetry: Telemetry(tracer: tracer)
        ) { cluster in
            let python = try await PythonPeer.services(uri: cluster.config.amqpURI, module: "interop_tracing")
            do {
                let answer: String = try await cluster.rpc.swift_trace_front.start("x")
                #expect(answer == "x-back")
                await python.stop()
            } catch {
                Issue.record("nameko wrote:\n\(python.log)")
                await python.stop()
                throw error
            }
            let spans = tracer.finishedSpans
            let front = try #require(spans.first { $0.operationName == "swift_trace_front.start" })
            let call = try #require(spans.first { $0.operationName == "py_trace_relay.relay" && $0.kind == .client })
            let back = try #require(spans.first { $0.operationName == "swift_trace_back.answer" })
            #expect(call.parentSpanID == front.spanID)
            // Python has no span of its own: the back worker's parent is the call that went into Python.
            #expect(back.parentSpanID == call.spanID, "\(spans.map { ($0.operationName, $0.parentSpanID) })")
            #expect(back.traceID == front.traceID)
            #expect(Set(spans.map(\.traceID)).count == 1)
        }
    }
}
