//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiTestSupport
import Testing

@Suite struct BlockedTests {
    @Test func brokerBlocksAndUnblocksPublishers() async throws {
        let connection = try await Broker.connect()
        let states = connection.blockedStates()
        let channel = try await connection.openChannel()
        let queue = try await channel.declareQueue("", exclusive: true)
        // A memory alarm makes the broker block connections that publish.
        try Broker.ctl("set_vm_memory_high_watermark", "0.000001")
        do {
            try await channel.publish(Array("while low on memory".utf8), routingKey: queue.name)
            var iterator = states.makeAsyncIterator()
            let blocked = await iterator.next()
            try Broker.ctl("set_vm_memory_high_watermark", "0.4")
            guard case .blocked(let reason) = blocked else {
                Issue.record("expected connection.blocked, got \(String(describing: blocked))")
                return
            }
            #expect(reason.contains("memory"))
            #expect(await iterator.next() == .unblocked)
            #expect(connection.blockedReason == nil)
        } catch {
            try Broker.ctl("set_vm_memory_high_watermark", "0.4")
            throw error
        }
        // Publishing goes on once the alarm clears.
        try await waitUntil { try await channel.declareQueue(queue.name, passive: true).messageCount == 1 }
        await connection.close()
    }
}
