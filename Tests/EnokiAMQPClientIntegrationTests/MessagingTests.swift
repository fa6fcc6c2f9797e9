//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiAMQPProtocol
import EnokiTestSupport
import NIOCore
import Testing

@Suite(.timeLimit(.minutes(3))) struct MessagingTests {
    @Test func publishAndConsumeWithPropertiesAndHeaders() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        let queue = try await channel.declareQueue("", exclusive: true)
        let consumer = try await channel.consume(queue: queue.name)
        let properties = BasicProperties(
            contentType: "application/json",
            contentEncoding: "utf-8",
            headers: ["nameko.call_id_stack": .array(["a.b.c"]), "nameko.user_id": 42],
            deliveryMode: 2,
            priority: 0,
            correlationID: "corr-1",
            replyTo: "reply-key"
        )
        try await channel.publish(
            Array(#"{"args": [], "kwargs": {}}"#.utf8),
            routingKey: queue.name,
            properties: properties
        )
        var iterator = consumer.makeAsyncIterator()
        let delivery = try #require(try await iterator.next())
        #expect(String(buffer: delivery.body) == #"{"args": [], "kwargs": {}}"#)
        #expect(delivery.properties == properties)
        #expect(delivery.routingKey == queue.name)
        #expect(!delivery.redelivered)
        try delivery.ack()
        await connection.close()
    }

    @Test func nackRequeuesAndRejectDrops() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        let queue = try await channel.declareQueue("", exclusive: true)
        let consumer = try await channel.consume(queue: queue.name)
        var iterator = consumer.makeAsyncIterator()
        try await channel.publish(Array("once".utf8), routingKey: queue.name)
        let first = try #require(try await iterator.next())
        try first.nack(requeue: true)
        let again = try #require(try await iterator.next())
        #expect(again.redelivered)
        #expect(String(buffer: again.body) == "once")
        try again.reject(requeue: false)
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await channel.declareQueue(queue.name, passive: true).messageCount == 0)
        await connection.close()
    }

    @Test func basicGet() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        let queue = try await channel.declareQueue("", exclusive: true)
        #expect(try await channel.get(queue: queue.name) == nil)
        try await channel.publish(Array("one".utf8), routingKey: queue.name)
        try await channel.publish(Array("two".utf8), routingKey: queue.name)
        try await Task.sleep(for: .milliseconds(50))
        let got = try #require(try await channel.get(queue: queue.name))
        #expect(String(buffer: got.delivery.body) == "one")
        #expect(got.messageCount == 1)
        try got.delivery.ack()
        await connection.close()
    }

    @Test func prefetchWindowBoundsUnacknowledgedDeliveries() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        let queue = try await channel.declareQueue("", exclusive: true)
        for index in 0..<20 {
            try await channel.publish(Array("m\(index)".utf8), routingKey: queue.name)
        }
        try await channel.qos(prefetchCount: 5)
        let consumer = try await channel.consume(queue: queue.name)
        var iterator = consumer.makeAsyncIterator()
        var held: [AMQPDelivery] = []
        for _ in 0..<5 {
            held.append(try #require(try await iterator.next()))
        }
        // With five unacknowledged the broker sends no more: fifteen stay ready.
        try await Task.sleep(for: .milliseconds(300))
        let peek = try await connection.openChannel()
        #expect(try await peek.declareQueue(queue.name, passive: true).messageCount == 15)
        try held.last!.ack(multiple: true)
        var received = 5
        while received < 20, let delivery = try await iterator.next() {
            try delivery.ack()
            received += 1
        }
        #expect(received == 20)
        await connection.close()
    }

    @Test(arguments: [1 << 20, 16 << 20])
    func largeBodiesAreSplitAndReassembled(size: Int) async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        let queue = try await channel.declareQueue("", exclusive: true)
        // A pattern whose period (a prime) never lines up with a frame, written a block at a time: a byte at a
        // time takes tens of seconds for 16 MiB in a debug build.
        let block = (0..<65_521).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
        var body = ByteBuffer()
        body.reserveCapacity(size)
        while body.readableBytes < size {
            body.writeBytes(block.prefix(size - body.readableBytes))
        }
        try await channel.enablePublisherConfirms()
        let confirmation = try await channel.publish(body, routingKey: queue.name)
        guard case .acked = try await confirmation.outcome() else {
            Issue.record("expected an ack")
            return
        }
        let consumer = try await channel.consume(queue: queue.name, noAck: true)
        var iterator = consumer.makeAsyncIterator()
        let delivery = try #require(try await iterator.next())
        #expect(delivery.body.readableBytes == size)
        #expect(delivery.body == body)
        await connection.close()
    }

    @Test func brokerCancellingAConsumerEndsItsSequenceWithAnError() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        let queue = try await channel.declareQueue(Broker.uniqueName("doomed"))
        let consumer = try await channel.consume(queue: queue.name)
        let other = try await connection.openChannel()
        try await other.deleteQueue(queue.name)
        let error = await #expect(throws: AMQPError.self) {
            for try await _ in consumer {}
        }
        #expect(error?.code == .consumerCancelledByBroker)
        #expect(channel.isOpen)
        await connection.close()
    }

    @Test func cancellingAConsumerEndsItsSequenceCleanly() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        let queue = try await channel.declareQueue("", exclusive: true)
        let consumer = try await channel.consume(queue: queue.name, consumerTag: "my-consumer")
        #expect(consumer.tag == "my-consumer")
        try await consumer.cancel()
        var count = 0
        for try await _ in consumer { count += 1 }
        #expect(count == 0)
        await connection.close()
    }

    @Test func stoppingIterationGivesLaterMessagesBack() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        let queue = try await channel.declareQueue("", exclusive: true)
        for index in 0..<10 {
            try await channel.publish(Array("m\(index)".utf8), routingKey: queue.name)
        }
        do {
            let consumer = try await channel.consume(queue: queue.name)
            for try await delivery in consumer {
                try delivery.ack()
                break
            }
        }
        // The consumer is cancelled and its unacknowledged deliveries return to the queue.
        try await waitUntil { try await channel.declareQueue(queue.name, passive: true).messageCount == 9 }
        await connection.close()
    }

    @Test func noAckConsumerIsPacedByItsReader() async throws {
        var configuration = try Broker.configuration()
        configuration.consumerBufferLimit = 10
        let connection = try await AMQPConnection.connect(configuration: configuration)
        let channel = try await connection.openChannel()
        let queue = try await channel.declareQueue("", exclusive: true)
        let publisher = try await connection.openChannel()
        for index in 0..<2000 {
            try await publisher.publish(Array("m\(index)".utf8), routingKey: queue.name)
        }
        let consumer = try await channel.consume(queue: queue.name, noAck: true)
        var received = 0
        for try await _ in consumer {
            received += 1
            if received % 500 == 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            if received == 2000 { break }
        }
        #expect(received == 2000)
        await connection.close()
    }
}
