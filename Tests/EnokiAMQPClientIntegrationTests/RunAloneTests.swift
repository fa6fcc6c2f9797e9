//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiTestSupport
import Foundation
import NIOCore
import Testing

/// Tests that change things every other test shares: the broker's memory alarm blocks every publisher on the
/// broker, and blocking the concurrency pool stalls every test in the process. `scripts/test.sh` runs this suite
/// on its own, after the others, so that no other test is caught by them.
@Suite(.serialized, .timeLimit(.minutes(3))) struct RunAloneTests {
    @Test func brokerBlocksAndUnblocksPublishers() async throws {
        let connection = try await Broker.connect()
        let states = connection.blockedStates()
        let channel = try await connection.openChannel()
        let queue = try await channel.declareQueue("", exclusive: true)
        // A memory alarm makes the broker block connections that publish. Whatever happens, the alarm is lifted
        // again, or every later test would find its publishers blocked.
        try await Broker.ctl("set_vm_memory_high_watermark", "0.000001")
        let blocked: AMQPConnection.BlockedState?
        do {
            try await channel.publish(Array("while low on memory".utf8), routingKey: queue.name)
            blocked = try await Self.nextState(of: states)
        } catch {
            try await Broker.ctl("set_vm_memory_high_watermark", "0.4")
            throw error
        }
        try await Broker.ctl("set_vm_memory_high_watermark", "0.4")
        guard case .blocked(let reason) = blocked else {
            Issue.record("expected connection.blocked, got \(String(describing: blocked))")
            return
        }
        #expect(reason.contains("memory"))
        #expect(try await Self.nextState(of: states) == .unblocked)
        #expect(connection.blockedReason == nil)
        // Publishing goes on once the alarm clears.
        try await waitUntil { try await channel.declareQueue(queue.name, passive: true).messageCount == 1 }
        await connection.close()
    }

    @Test func aPublishTheBrokerDoesNotConfirmFailsAfterTheConfirmTimeoutAndACloseItDoesNotAnswerEnds() async throws {
        var configuration = try Broker.configuration(name: "bounded-waits")
        configuration.confirmTimeout = .seconds(1)
        configuration.operationTimeout = .seconds(2)
        let connection = try await AMQPConnection.connect(configuration: configuration)
        let channel = try await connection.openChannel()
        try await channel.enablePublisherConfirms()
        let queue = try await channel.declareQueue("", exclusive: true)
        try await Broker.ctl("set_vm_memory_high_watermark", "0.000001")
        do {
            // The broker stops reading from the connection: no confirm comes, nor a close-ok.
            let confirmation = try await channel.publish(Array("held".utf8), routingKey: queue.name)
            let started = ContinuousClock.now
            let error = await #expect(throws: AMQPError.self) { try await confirmation.outcome() }
            #expect(error?.code == .operationTimedOut)
            #expect(ContinuousClock.now - started < .seconds(10))
            let closing = ContinuousClock.now
            let closeError = await #expect(throws: AMQPError.self) { try await channel.close() }
            #expect(closeError?.code == .operationTimedOut)
            #expect(ContinuousClock.now - closing < .seconds(10))
        } catch {
            try await Broker.ctl("set_vm_memory_high_watermark", "0.4")
            throw error
        }
        try await Broker.ctl("set_vm_memory_high_watermark", "0.4")
        await connection.close()
    }

    /// The connection's next blocked state, or nil when none comes within 30 seconds.
    private static func nextState(
        of states: AsyncStream<AMQPConnection.BlockedState>
    ) async throws -> AMQPConnection.BlockedState? {
        try await withThrowingTaskGroup(of: AMQPConnection.BlockedState?.self) { group in
            group.addTask {
                var iterator = states.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    @Test func heartbeatsDoNotWaitForUserCode() async throws {
        // With a 1 s heartbeat the broker drops a client that is silent for 2 s. Block every thread of the
        // cooperative pool for 3 s: the connection's event loop keeps sending heartbeats regardless.
        let connection = try await Broker.connect(heartbeat: 1)
        let threads = max(ProcessInfo.processInfo.activeProcessorCount, 2)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<threads {
                group.addTask {
                    blockThisThread(seconds: 3)
                }
            }
        }
        #expect(connection.isOpen)
        let channel = try await connection.openChannel()
        try await channel.qos(prefetchCount: 1)
        await connection.close()
    }
}

/// Blocks the calling thread, as careless user code would.
func blockThisThread(seconds: Double) {
    Thread.sleep(forTimeInterval: seconds)
}
