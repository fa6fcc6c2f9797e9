//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiAMQPClient
import EnokiTestSupport
import EnokiTesting
import Foundation
import Testing

@testable import EnokiAMQP

/// A caller's timeout travels with its request: the header and the AMQP expiration, and the service cancels a
/// worker whose caller has given up.
@Suite(.timeLimit(.minutes(2))) struct WireDeadlineTests {
    @Test func theHeaderAndTheExpirationCountFromTheCall() {
        let deadline = WireDeadline(after: .milliseconds(1500), now: 1_000_000)
        #expect(deadline.epochMilliseconds == 1_001_500)
        #expect(deadline.expiration(now: 1_000_400) == "1100")
        // Never 0, which would have the broker drop a request no consumer takes at once.
        #expect(deadline.expiration(now: 2_000_000) == "1")
        #expect(deadline.remainingMilliseconds(now: 1_002_000) == -500)
    }

    @Test func onlyAPositiveIntegerHeaderIsADeadline() {
        #expect(WireDeadline(headers: [WireDeadline.header: .int64(42)])?.epochMilliseconds == 42)
        #expect(WireDeadline(headers: [WireDeadline.header: .int32(7)])?.epochMilliseconds == 7)
        #expect(WireDeadline(headers: [WireDeadline.header: .string("42")]) == nil)
        #expect(WireDeadline(headers: [WireDeadline.header: .int64(-1)]) == nil)
        #expect(WireDeadline(headers: [:]) == nil)
        #expect(WireDeadline(headers: nil) == nil)
    }

    @Test func runCancelsTheBodyWhenTheDeadlinePasses() async {
        let late = WireDeadline(after: .milliseconds(100))
        let cancelled = await late.run { () -> Bool in
            do {
                try await Task.sleep(for: .seconds(10))
                return false
            } catch {
                return true
            }
        }
        #expect(cancelled == nil)
        let early = WireDeadline(after: .seconds(10))
        #expect(await early.run { 7 } == 7)
    }

    @Test func aWorkerWhoseCallerGaveUpIsCancelled() async throws {
        try await TestCluster.run(EchoService.self) { cluster in
            let proxy = cluster.rpc.echo_test.withTimeout(.milliseconds(300))
            let error = await #expect(throws: EnokiError.self) { try await proxy.slow(1.25) }
            #expect(error?.code == .timeout)
            try await Task.sleep(for: .milliseconds(1600))
            let events = Recorder.shared.events("slow").filter { $0.hasSuffix(" 1.25") }
            // Before, the worker ran to its end for nobody: "start 1.25", "end 1.25".
            #expect(events == ["start 1.25"])
            // A call without a timeout carries no deadline and runs to its end.
            let fine: Double = try await cluster.rpc.echo_test.slow(0.02)
            #expect(fine == 0.02)
        }
    }

    @Test func quorumQueuesAreDeclaredAsQuorum() async throws {
        let name = Broker.uniqueName("quorum")
        let spec = QueueSpec(name).declared(as: .quorum)
        #expect(spec.arguments["x-queue-type"] == .string("quorum"))
        // Queues that cannot be quorum ones stay classic.
        #expect(QueueSpec(name, autoDelete: true).declared(as: .quorum).arguments["x-queue-type"] == nil)
        #expect(QueueSpec(name, exclusive: true).declared(as: .quorum).arguments["x-queue-type"] == nil)
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        try await spec.declare(on: channel)
        let listed = try await Broker.ctl("list_queues", "name", "type")
        try await channel.deleteQueue(name)
        await connection.close()
        #expect(listed.split(separator: "\n").contains { $0.hasPrefix(name) && $0.contains("quorum") })
    }

    @Test func rpcQueueFollowsQueueType() throws {
        let config = EnokiConfig(["QUEUE_TYPE": .string("quorum")])
        #expect(RPCServer.queue(service: "svc", config: config).arguments["x-queue-type"] == .string("quorum"))
        #expect(RPCServer.queue(service: "svc", config: EnokiConfig([:])).arguments["x-queue-type"] == nil)
        #expect(throws: EnokiError.self) {
            _ = try EnokiConfig(["QUEUE_TYPE": .string("stream")]).amqpConfiguration()
        }
    }
}
