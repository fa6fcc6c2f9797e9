//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiTesting
import InMemoryTracing
import Testing
import Tracing

struct TracedFailure: Error {}

@Service("traced_front")
struct TracedFront {
    @Dependency(RPCProxy("traced_back")) var back: ServiceProxy
    @Dependency(EventDispatcher()) var dispatch: EventDispatch
    @Dependency(Publisher(exchange: ExchangeSpec("traced-out", type: .topic))) var publish: Publish

    @RPC func start(_ value: String) async throws -> String {
        let answer: String = try await self.back.answer(value)
        try await self.dispatch("traced_happened", value)
        try await self.publish(value, routingKey: "out")
        return answer
    }

    @RPC func fail() throws { throw TracedFailure() }
}

@Service("traced_back")
struct TracedBack {
    @RPC func answer(_ value: String) -> String { value + "!" }

    @EventHandler("traced_front", "traced_happened")
    func onHappened(_ value: String) {}
}

/// Spans and their parents through a real broker, into swift-distributed-tracing's in-memory tracer.
@Suite(.timeLimit(.minutes(3))) struct TracingTests {
    static func span(_ tracer: InMemoryTracer, _ name: String) throws -> FinishedInMemorySpan {
        try #require(tracer.finishedSpans.first { $0.operationName == name }, "no span \(name)")
    }

    @Test func aCallsSpansFollowItAcrossServicesEventsAndMessages() async throws {
        let tracer = InMemoryTracer()
        try await TestCluster.run(
            services: [.service(TracedFront.self), .service(TracedBack.self)],
            telemetry: Telemetry(tracer: tracer)
        ) { cluster in
            let handled = cluster.waiter(TracedBack.self, "on_happened")
            let answer: String = try await cluster.rpc.traced_front.start("x")
            #expect(answer == "x!")
            _ = try await handled.wait()

            let front = try Self.span(tracer, "traced_front.start")
            #expect(front.kind == .server)
            #expect(front.parentSpanID == nil)
            guard case .string(let callID)? = front.attributes["enoki.call_id"]?.toSpanAttribute() else {
                Issue.record("no call id on \(front.attributes)")
                return
            }
            #expect(callID.hasPrefix("traced_front.start."))

            let calls = tracer.finishedSpans.filter { $0.operationName == "traced_back.answer" }
            #expect(calls.count == 2, "the call and the worker that served it")
            let client = try #require(calls.first { $0.kind == .client })
            let server = try #require(calls.first { $0.kind == .server })
            #expect(client.parentSpanID == front.spanID)
            #expect(server.parentSpanID == client.spanID)
            #expect(server.traceID == front.traceID)

            let dispatch = try Self.span(tracer, "traced_front.traced_happened dispatch")
            #expect(dispatch.kind == .producer)
            #expect(dispatch.parentSpanID == front.spanID)
            let handler = try Self.span(tracer, "traced_back.on_happened")
            #expect(handler.kind == .consumer)
            #expect(handler.parentSpanID == dispatch.spanID)
            #expect(handler.traceID == front.traceID)

            let publish = try Self.span(tracer, "traced-out publish")
            #expect(publish.parentSpanID == front.spanID)
        }
    }

    @Test func aFailedWorkersSpanRecordsTheError() async throws {
        let tracer = InMemoryTracer()
        try await TestCluster.run(services: [.service(TracedFront.self)], telemetry: Telemetry(tracer: tracer)) {
            cluster in
            await #expect(throws: RemoteError.self) { try await cluster.rpc.traced_front.fail() }
            let span = try Self.span(tracer, "traced_front.fail")
            #expect(span.status?.code == .error)
            #expect(span.errors.count == 1)
            #expect(span.errors.first?.error is TracedFailure)
        }
    }
}
