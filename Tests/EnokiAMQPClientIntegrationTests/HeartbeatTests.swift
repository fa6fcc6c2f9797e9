//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiTestSupport
import Foundation
import NIOCore
import Synchronization
import Testing

@testable import EnokiAMQPClient

@Suite struct HeartbeatTests {
    @Test func silentBrokerIsDetectedWithinTwoIntervals() async throws {
        let relay = try await TCPRelay()
        var configuration = try Broker.configuration(heartbeat: 1)
        configuration.port = relay.port
        let connection = try await AMQPConnection.connect(configuration: configuration)
        let channel = try await connection.openChannel()
        // Timed on the event loop: another test blocks the cooperative threads, which would delay our wake-up.
        relay.freeze()
        let frozenAt = ContinuousClock.now
        let reason = await connection.closed()
        let detectedAfter = try #require(connection.status.closedAt) - frozenAt
        #expect(reason.code == .heartbeatTimeout)
        #expect(detectedAfter <= .milliseconds(2300))
        // What was pending fails rather than waiting for ever.
        let error = await #expect(throws: AMQPError.self) { try await channel.qos(prefetchCount: 1) }
        #expect(error?.code == .heartbeatTimeout)
        await relay.stop()
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

    @Test func idleConnectionStaysOpenAcrossHeartbeats() async throws {
        let connection = try await Broker.connect(heartbeat: 1)
        try await Task.sleep(for: .seconds(3))
        #expect(connection.isOpen)
        await connection.close()
    }
}

/// Blocks the calling thread, as careless user code would.
func blockThisThread(seconds: Double) {
    Thread.sleep(forTimeInterval: seconds)
}
