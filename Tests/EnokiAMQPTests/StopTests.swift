//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiAMQPClient
import EnokiTestSupport
import EnokiTesting
import Foundation
import Testing

/// Stops as an operator sends them, to services in a process of their own: a graceful stop has a bound, a second
/// signal kills, and work that was not started goes back to its queue at once.
@Suite(.serialized, .timeLimit(.minutes(4))) struct StopTests {
    typealias Services = HostileDeliveryTests.Services

    /// Calls `method` of `hostile_target` without waiting for the answer.
    static func send(_ services: Services, _ method: String, _ args: [JSONValue]) async throws {
        let connection = try await AMQPConnection.connect(configuration: .init(url: services.uri))
        let channel = try await connection.openChannel()
        try await channel.publish(
            RPCMessage.requestBody(args: args, kwargs: [:]),
            exchange: "nameko-rpc",
            routingKey: "hostile_target.\(method)",
            properties: RPCMessage.requestProperties(correlationID: "c", replyTo: "nobody", headers: [:])
        )
        await connection.close()
    }

    static func runs(_ key: String, _ services: Services) async throws -> Int {
        try await ClusterRPCClient.withClient(config: services.config, defaultTimeout: .seconds(20)) { rpc in
            try await rpc.hostile_target.runs(key)
        }
    }

    @Test func aGracefulStopThatCannotFinishKillsAfterItsTimeoutAndSaysSo() async throws {
        try await HostileDeliveryTests.withServices(config: ["GRACEFUL_STOP_TIMEOUT": "2"]) { services in
            try await Self.send(services, "stuck", [60])
            try await services.process.waitUntil("the stuck worker to start") { _ in true }
            try await Task.sleep(for: .milliseconds(500))
            let stopped = ContinuousClock.now
            services.process.signal(SIGTERM)
            let status = try await services.process.waitForExit(timeout: .seconds(20))
            #expect(ContinuousClock.now - stopped < .seconds(15))
            #expect(status == 0)
            #expect(
                services.process.log.contains(
                    "the graceful stop did not finish within 2 s (GRACEFUL_STOP_TIMEOUT); killing"
                )
            )
        }
    }

    @Test func aSecondSIGTERMKillsAndTheRequestGoesBackToItsQueue() async throws {
        try await HostileDeliveryTests.withServices { services in
            try await Self.send(services, "work", ["long", 60])
            try await eventually("the worker started") { try await Self.runs("work:long", services) == 1 }
            services.process.signal(SIGTERM)
            try await services.process.waitFor("stopping services")
            let signalled = ContinuousClock.now
            services.process.signal(SIGTERM)
            _ = try await services.process.waitForExit(timeout: .seconds(20))
            #expect(ContinuousClock.now - signalled < .seconds(10))
            #expect(services.process.log.contains("second signal: killing the services"))
            // Not acknowledged: back in the queue for another instance.
            try await eventually("the request is back in its queue") {
                try await HostileDeliveryTests.depth("rpc-hostile_target", services) == 1
            }
        }
    }

    @Test func workNotStartedGoesBackToItsQueueAsSoonAsTheStopBegins() async throws {
        try await HostileDeliveryTests.withServices(config: ["max_workers": "1", "PREFETCH_COUNT": "5"]) { services in
            // With one worker, a call to count the runs would wait behind the first: give it time to start.
            try await Self.send(services, "work", ["first", 5])
            try await Task.sleep(for: .seconds(1))
            for key in ["second", "third"] {
                try await Self.send(services, "work", [.string(key), 0])
            }
            try await Task.sleep(for: .milliseconds(300))
            services.process.signal(SIGTERM)
            // While the first worker still runs, the two waiting requests are back in the queue.
            try await eventually("the waiting requests are back", timeout: .seconds(2)) {
                try await HostileDeliveryTests.depth("rpc-hostile_target", services) == 2
            }
            #expect(services.process.isRunning)
            _ = try await services.process.waitForExit(timeout: .seconds(20))
        }
    }

    @Test func workQueuedFromAChannelThatHasClosedIsNotRun() async throws {
        try await HostileDeliveryTests.withServices(config: ["max_workers": "1", "PREFETCH_COUNT": "5"]) { services in
            // The blocker outlasts the closing of the connection (rabbitmqctl takes a second or two), so that b and c
            // are still waiting for the worker, on the old channel, when it closes.
            try await Self.send(services, "work", ["blocker", 8])
            try await Task.sleep(for: .seconds(1))
            for key in ["b", "c"] {
                try await Self.send(services, "work", [.string(key), 0])
            }
            try await Task.sleep(for: .milliseconds(300))
            // The service's consumer connection drops: the waiting requests are delivered again on the new one.
            try await Broker.closeConnections(named: "enoki consumer", virtualHost: services.virtualHost)

            try await eventually("b and c ran after the reconnection", timeout: .seconds(40)) {
                let b = try await Self.runs("work:b", services)
                let c = try await Self.runs("work:c", services)
                return b >= 1 && c >= 1
            }
            try await Task.sleep(for: .seconds(3))
            // Each ran once: the copies queued from the closed channel were skipped.
            #expect(try await Self.runs("work:b", services) == 1)
            #expect(try await Self.runs("work:c", services) == 1)
        }
    }
}
