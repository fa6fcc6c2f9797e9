//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiTestSupport
import NIOCore
import Testing

@testable import EnokiAMQPClient

@Suite(.timeLimit(.minutes(3))) struct HeartbeatTests {
    @Test func silentBrokerIsDetectedWithinSeconds() async throws {
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
        // Two intervals by design (HeartbeatMonitorTests check the ticks); the slack is for a loaded machine,
        // whose event loop thread may wait for a core. Without detection the frozen connection would hang for ever.
        #expect(detectedAfter <= .seconds(4))
        // What was pending fails rather than waiting for ever.
        let error = await #expect(throws: AMQPError.self) { try await channel.qos(prefetchCount: 1) }
        #expect(error?.code == .heartbeatTimeout)
        await relay.stop()
    }

    @Test func idleConnectionStaysOpenAcrossHeartbeats() async throws {
        // Two seconds rather than one: on a machine loaded by the tests running beside this one, the broker itself
        // may be late with a heartbeat by more than a second.
        let connection = try await Broker.connect(heartbeat: 2)
        try await Task.sleep(for: .seconds(5))
        #expect(connection.isOpen)
        await connection.close()
    }
}
