//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiAMQPClient
import EnokiTesting
import MetricsTestKit
import NIOCore
import Synchronization
import Testing

struct MeteredFailure: Error {}

@Service("metered")
struct Metered {
    @Dependency(RPCProxy("metered")) var me: ServiceProxy
    @Dependency(RPCProxy("nobody_listens_here")) var nobody: ServiceProxy
    @Dependency(EventDispatcher()) var dispatch: EventDispatch
    @Dependency(Publisher(exchange: ExchangeSpec("metered-out", type: .topic))) var publish: Publish

    @RPC func ok(_ value: Int) -> Int { value }

    @RPC func fail() throws { throw MeteredFailure() }

    @RPC func relay(_ value: Int) async throws -> Int { try await self.me.ok(value) }

    @RPC func relayNowhere() async throws { try await self.nobody.anything() }

    @RPC func emit(_ eventType: String, _ key: String) async throws {
        try await self.dispatch(eventType, key)
        try await self.publish(key, routingKey: "out")
    }

    @EventHandler("metered", "flaky", requeueOnError: true)
    func onFlaky(_ key: String) throws {
        if Attempts.shared.next("metered-" + key) == 1 { throw FirstAttemptFails() }
    }
}

/// The framework's metrics, through a real broker, into swift-metrics' test factory.
@Suite(.timeLimit(.minutes(3))) struct MetricsTests {
    static func calls(_ metrics: TestMetrics, _ entrypoint: String, _ outcome: String) -> Int64 {
        metrics.counterTotal(
            label: ServiceMetrics.Name.workerCalls,
            dimensions: [("service", "metered"), ("entrypoint", entrypoint), ("outcome", outcome)]
        )
    }

    /// Polls until `condition` holds, for at most ten seconds: the broker settles some messages after the reply.
    static func eventually(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("never: \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func everyEntrypointAndOutgoingCallIsCountedByOutcome() async throws {
        let metrics = TestMetrics()
        try await TestCluster.run(services: [.service(Metered.self)], telemetry: Telemetry(metricsFactory: metrics)) {
            cluster in
            let rpc = cluster.rpc.metered
            let one: Int = try await rpc.ok(1)
            #expect(one == 1)
            let two: Int = try await rpc.relay(2)
            #expect(two == 2)
            await #expect(throws: RemoteError.self) { try await rpc.fail() }
            // Arguments that do not fit: refused before any worker.
            await #expect(throws: RemoteError.self) { try await rpc.ok() }
            // A method the service does not have: one label for every such name.
            await #expect(throws: RemoteError.self) { try await rpc.no_such_method() }
            await #expect(throws: RemoteError.self) { try await rpc.no_such_method_either() }
            await #expect(throws: RemoteError.self) { try await rpc.relay_nowhere() }

            #expect(Self.calls(metrics, "ok", "success") == 2)
            #expect(Self.calls(metrics, "ok", "refused") == 1)
            #expect(Self.calls(metrics, "relay", "success") == 1)
            #expect(Self.calls(metrics, "fail", "error") == 1)
            #expect(Self.calls(metrics, "(unknown)", "refused") == 2)
            #expect(
                metrics.counters(label: ServiceMetrics.Name.workerCalls).allSatisfy { counter in
                    !counter.dimensions.contains { $0.1.hasPrefix("no_such") }
                }
            )
            let okDurations = try metrics.expectTimer(
                ServiceMetrics.Name.workerDuration,
                [("service", "metered"), ("entrypoint", "ok"), ("kind", "rpc")]
            )
            #expect(okDurations.values.count == 2)
            #expect(okDurations.values.allSatisfy { $0 > 0 })

            // Outgoing calls, by the service and method called.
            #expect(
                metrics.counterTotal(
                    label: ServiceMetrics.Name.rpcClientCalls,
                    dimensions: [("target_service", "metered"), ("target_method", "ok"), ("outcome", "success")]
                ) == 1
            )
            #expect(
                metrics.counterTotal(
                    label: ServiceMetrics.Name.rpcClientCalls,
                    dimensions: [("target_service", "nobody_listens_here"), ("outcome", "refused")]
                ) == 1
            )
            #expect(
                try metrics.expectTimer(
                    ServiceMetrics.Name.rpcClientDuration,
                    [("service", "metered"), ("target_service", "metered"), ("target_method", "ok")]
                ).values.count == 1
            )

            // Events and publishes, and a redelivery.
            let flaky = cluster.waiter(Metered.self, "on_flaky")
            try await rpc.emit("flaky", EnokiTestKey.make())
            _ = try await flaky.wait()
            _ = try await flaky.wait()
            #expect(
                metrics.counterTotal(
                    label: ServiceMetrics.Name.eventsDispatched,
                    dimensions: [("service", "metered"), ("event_type", "flaky"), ("outcome", "success")]
                ) == 1
            )
            #expect(
                metrics.counterTotal(
                    label: ServiceMetrics.Name.messagesPublished,
                    dimensions: [("service", "metered"), ("exchange", "metered-out"), ("outcome", "success")]
                ) == 1
            )
            #expect(
                metrics.counterTotal(
                    label: ServiceMetrics.Name.redeliveries,
                    dimensions: [("service", "metered"), ("entrypoint", "on_flaky")]
                ) == 1
            )
            #expect(Self.calls(metrics, "on_flaky", "error") == 1)
            #expect(Self.calls(metrics, "on_flaky", "success") == 1)

            // The pool's gauges: the limit, and nothing running once the calls are answered.
            #expect(try metrics.expectGauge(ServiceMetrics.Name.workersMax, [("service", "metered")]).lastValue == 10)
            let busy = try metrics.expectGauge(ServiceMetrics.Name.workersBusy, [("service", "metered")])
            try await Self.eventually("no worker busy") { busy.lastValue == 0 }
            #expect(busy.values.contains { $0 >= 1 })
        }
    }

    @Test func aRequestThatCannotBeReadIsRefusedAndCountedAsDropped() async throws {
        let metrics = TestMetrics()
        try await TestCluster.run(services: [.service(Metered.self)], telemetry: Telemetry(metricsFactory: metrics)) {
            cluster in
            let connection = try await AMQPConnection.connect(configuration: .init(url: cluster.config.amqpURI))
            let channel = try await connection.openChannel()
            var properties = BasicProperties()
            properties.contentType = "application/json"
            properties.replyTo = "nobody-reads-this"
            properties.correlationID = "c1"
            _ = try await channel.publish(
                ByteBuffer(string: "{not json"),
                exchange: "nameko-rpc",
                routingKey: "metered.ok",
                properties: properties
            )
            // Without reply_to there is nowhere to answer: dropped.
            properties.replyTo = nil
            _ = try await channel.publish(
                ByteBuffer(string: #"{"args": [1], "kwargs": {}}"#),
                exchange: "nameko-rpc",
                routingKey: "metered.ok",
                properties: properties
            )
            let dropped = { (reason: String) in
                metrics.counterTotal(
                    label: ServiceMetrics.Name.messagesDropped,
                    dimensions: [("service", "metered"), ("entrypoint", "ok"), ("reason", reason)]
                )
            }
            try await Self.eventually("the unreadable request counted") { dropped("unreadable") == 1 }
            try await Self.eventually("the request without reply_to counted") { dropped("no_reply_to") == 1 }
            #expect(Self.calls(metrics, "ok", "refused") == 1)
            // The service still serves.
            let three: Int = try await cluster.rpc.metered.ok(3)
            #expect(three == 3)
            await connection.close()
        }
    }
}
