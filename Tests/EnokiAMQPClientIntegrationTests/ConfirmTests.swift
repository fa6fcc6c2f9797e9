//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import DequeModule
import EnokiAMQPClient
import EnokiAMQPProtocol
import EnokiTestSupport
import NIOCore
import Testing

@Suite(.timeLimit(.minutes(3))) struct ConfirmTests {
    @Test func confirmsAreAcks() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        #expect(!channel.publisherConfirmsEnabled)
        try await channel.enablePublisherConfirms()
        #expect(channel.publisherConfirmsEnabled)
        let queue = try await channel.declareQueue("", exclusive: true)
        let confirmation = try await channel.publish(
            Array("persist me".utf8),
            routingKey: queue.name,
            properties: .init(deliveryMode: 2)
        )
        guard case .acked = try await confirmation.outcome() else {
            Issue.record("expected an ack")
            return
        }
        await connection.close()
    }

    @Test func unconfirmedChannelSaysSo() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        let confirmation = try await channel.publish(Array("x".utf8), routingKey: "nowhere")
        guard case .unconfirmed = try await confirmation.outcome() else {
            Issue.record("expected unconfirmed")
            return
        }
        await connection.close()
    }

    @Test func mandatoryUnroutableMessageIsReturnedToItsPublisher() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        try await channel.enablePublisherConfirms()
        let exchange = Broker.uniqueName("rpc")
        try await channel.declareExchange(exchange, type: .topic, autoDelete: true)
        let queue = try await channel.declareQueue("", exclusive: true)
        try await channel.bindQueue(queue.name, exchange: exchange, routingKey: "known.*")
        // Interleave routable and unroutable mandatory publishes; each return must reach its own publisher.
        var confirmations: [(Bool, PublishConfirmation)] = []
        for index in 0..<40 {
            let routable = index % 3 != 0
            let confirmation = try await channel.publish(
                Array("m\(index)".utf8),
                exchange: exchange,
                routingKey: routable ? "known.m" : "ghost.m",
                mandatory: true,
                properties: .init(correlationID: "c\(index)")
            )
            confirmations.append((routable, confirmation))
        }
        for (index, (routable, confirmation)) in confirmations.enumerated() {
            switch try await confirmation.outcome() {
            case .acked:
                #expect(routable, "message \(index) should have been returned")
            case .returned(let message):
                #expect(!routable, "message \(index) should have been routed")
                #expect(message.replyCode == .noRoute)
                #expect(message.routingKey == "ghost.m")
                #expect(message.properties.correlationID == "c\(index)")
                #expect(String(buffer: message.body) == "m\(index)")
            case .nacked, .unconfirmed:
                Issue.record("unexpected outcome for message \(index)")
            }
        }
        await connection.close()
    }

    @Test func returnsWithoutConfirmsArriveOnTheChannel() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        try await channel.publish(Array("lost".utf8), routingKey: Broker.uniqueName("no-queue"), mandatory: true)
        var returns = channel.returnedMessages.makeAsyncIterator()
        let returned = try #require(await returns.next())
        #expect(returned.replyCode == .noRoute)
        #expect(String(buffer: returned.body) == "lost")
        await connection.close()
    }

    @Test func thousandsOfConfirmsInFlight() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        try await channel.enablePublisherConfirms()
        let queue = try await channel.declareQueue("", exclusive: true)
        var window = Deque<PublishConfirmation>()
        var acked = 0
        for index in 0..<5000 {
            window.append(try await channel.publish(Array("m\(index)".utf8), routingKey: queue.name))
            if window.count >= 1000, case .acked = try await window.removeFirst().outcome() {
                acked += 1
            }
        }
        while let confirmation = window.popFirst() {
            if case .acked = try await confirmation.outcome() { acked += 1 }
        }
        #expect(acked == 5000)
        try await waitUntil { try await channel.declareQueue(queue.name, passive: true).messageCount == 5000 }
        await connection.close()
    }

    @Test func confirmsPendingWhenTheChannelClosesFail() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        try await channel.enablePublisherConfirms()
        let queue = try await channel.declareQueue("", exclusive: true)
        var confirmations: [PublishConfirmation] = []
        for index in 0..<200 {
            confirmations.append(try await channel.publish(Array("m\(index)".utf8), routingKey: queue.name))
        }
        try await channel.close()
        var outcomes = 0
        var errors = 0
        for confirmation in confirmations {
            do {
                _ = try await confirmation.outcome()
                outcomes += 1
            } catch {
                errors += 1
            }
        }
        // Every confirmation resolves one way or the other; none waits for ever.
        #expect(outcomes + errors == 200)
        await connection.close()
    }
}
