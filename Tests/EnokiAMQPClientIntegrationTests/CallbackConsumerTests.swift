//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiTestSupport
import NIOCore
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(3))) struct CallbackConsumerTests {
    @Test func deliveriesReachTheCallbackAndTheEndIsReported() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        let queue = try await channel.declareQueue(Broker.uniqueName("cb"), autoDelete: true)
        let received = Mutex<[String]>([])
        let (ended, endedContinuation) = AsyncStream.makeStream(of: AMQPError?.self)
        let tag = try await channel.consume(
            queue: queue.name,
            onEnd: { error in
                endedContinuation.yield(error)
                endedContinuation.finish()
            },
            onDelivery: { delivery in
                received.withLock { $0.append(String(buffer: delivery.body)) }
                try? delivery.ack()
            }
        )
        for index in 0..<5 {
            try await channel.publish(Array("m\(index)".utf8), routingKey: queue.name)
        }
        try await waitUntil { received.withLock { $0.count } == 5 }
        let got = received.withLock { $0 }
        if got.count < 5 {
            // Say where the messages are: still in the queue, or gone without reaching the callback.
            let peek = try await connection.openChannel()
            let state = try await peek.declareQueue(queue.name, passive: true)
            Issue.record("queue holds \(state.messageCount) ready, \(state.consumerCount) consumer(s)")
        }
        #expect(got == ["m0", "m1", "m2", "m3", "m4"])
        try await channel.cancel(consumerTag: tag)
        var iterator = ended.makeAsyncIterator()
        let end = await iterator.next()
        guard case .some(.none) = end else {
            Issue.record("expected a clean end, got \(String(describing: end))")
            return
        }
        await connection.close()
    }

    @Test func publishingFromTheEventLoopAndAckingOnConfirm() async throws {
        // The pattern of a server that answers in the callback: publish without waiting, ack when confirmed.
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        try await channel.enablePublisherConfirms()
        let requests = try await channel.declareQueue("", exclusive: true)
        let replies = try await channel.declareQueue("", exclusive: true)
        try await channel.consume(queue: requests.name) { request in
            guard let confirmation = try? channel.publishWithoutWaiting(request.body, routingKey: replies.name) else {
                return
            }
            confirmation.whenConfirmed { _ in try? request.ack() }
        }
        for index in 0..<20 {
            try await channel.publish(Array("r\(index)".utf8), routingKey: requests.name)
        }
        let peek = try await connection.openChannel()
        try await waitUntil {
            try await peek.declareQueue(replies.name, passive: true).messageCount == 20
        }
        // Every request was acknowledged: nothing is left unacknowledged when the channel closes.
        try await channel.close()
        try await waitUntil { try await peek.declareQueue(requests.name, passive: true).messageCount == 0 }
        await connection.close()
    }
}
