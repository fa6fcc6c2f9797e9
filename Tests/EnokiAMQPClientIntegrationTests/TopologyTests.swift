//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiAMQPProtocol
import EnokiTestSupport
import NIOCore
import Testing

@Suite(.timeLimit(.minutes(3))) struct TopologyTests {
    @Test func declareBindUnbindPurgeDelete() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        let exchange = Broker.uniqueName("x")
        let queue = Broker.uniqueName("q")
        try await channel.declareExchange(exchange, type: .topic)
        try await channel.declareExchange(exchange, type: .topic, passive: true)
        let declared = try await channel.declareQueue(queue, arguments: ["x-message-ttl": .int32(60_000)])
        #expect(declared.name == queue)
        #expect(declared.messageCount == 0)
        try await channel.bindQueue(queue, exchange: exchange, routingKey: "a.*")
        for key in ["a.one", "a.two", "b.one"] {
            try await channel.publish(Array(key.utf8), exchange: exchange, routingKey: key)
        }
        // Declaring again is how to read a queue's counts.
        try await waitUntil { try await channel.declareQueue(queue, passive: true).messageCount == 2 }
        try await channel.unbindQueue(queue, exchange: exchange, routingKey: "a.*")
        try await channel.publish(Array("a.three".utf8), exchange: exchange, routingKey: "a.three")
        #expect(try await channel.purgeQueue(queue) == 2)
        try await channel.publish(Array("direct".utf8), routingKey: queue)
        try await waitUntil { try await channel.declareQueue(queue, passive: true).messageCount == 1 }
        #expect(try await channel.deleteQueue(queue) == 1)
        try await channel.deleteExchange(exchange)
        await connection.close()
    }

    @Test func exchangeToExchangeBindings() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        let source = Broker.uniqueName("src")
        let destination = Broker.uniqueName("dst")
        try await channel.declareExchange(source, type: .fanout, autoDelete: true)
        try await channel.declareExchange(destination, type: .direct, autoDelete: true)
        try await channel.bindExchange(destination: destination, source: source, routingKey: "")
        let queue = try await channel.declareQueue("", exclusive: true)
        try await channel.bindQueue(queue.name, exchange: destination, routingKey: "k")
        try await channel.publish(Array("via two exchanges".utf8), exchange: source, routingKey: "k")
        try await waitUntil { try await channel.declareQueue(queue.name, passive: true).messageCount == 1 }
        try await channel.unbindExchange(destination: destination, source: source, routingKey: "")
        try await channel.deleteExchange(destination)
        try await channel.deleteExchange(source)
        await connection.close()
    }

    @Test func channelErrorFailsTheCauseAndSparesTheConnection() async throws {
        let connection = try await Broker.connect()
        let bystander = try await connection.openChannel()
        let channel = try await connection.openChannel()
        let queue = Broker.uniqueName("q406")
        try await channel.declareQueue(queue, durable: false, autoDelete: true)
        let error = await #expect(throws: AMQPError.self) {
            try await channel.declareQueue(queue, durable: true, autoDelete: true)
        }
        #expect(error?.code == .channelClosedByBroker)
        #expect(error?.replyCode == .preconditionFailed)
        #expect(error?.replyText?.contains("inequivalent arg 'durable'") == true)
        #expect(error?.failingMethod == "queue.declare")
        #expect(!channel.isOpen)
        #expect(await channel.closed().replyCode == .preconditionFailed)
        // The channel refuses further work with the same error…
        let later = await #expect(throws: AMQPError.self) { try await channel.qos(prefetchCount: 1) }
        #expect(later?.replyCode == .preconditionFailed)
        // …while the connection and its other channels carry on.
        #expect(connection.isOpen)
        try await bystander.declareQueue(queue, durable: false, autoDelete: true, passive: true)
        let fresh = try await connection.openChannel()
        try await fresh.deleteQueue(queue)
        await connection.close()
    }

    @Test func passiveDeclareOfAMissingQueueIs404() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        let error = await #expect(throws: AMQPError.self) {
            try await channel.declareQueue(Broker.uniqueName("missing"), passive: true)
        }
        #expect(error?.replyCode == .notFound)
        #expect(connection.isOpen)
        await connection.close()
    }

    @Test func publishingToAMissingExchangeFailsItsConfirm() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        try await channel.enablePublisherConfirms()
        let confirmation = try await channel.publish(
            Array("x".utf8),
            exchange: Broker.uniqueName("nowhere"),
            routingKey: "k"
        )
        let error = await #expect(throws: AMQPError.self) { try await confirmation.outcome() }
        #expect(error?.replyCode == .notFound)
        #expect(error?.failingMethod == "basic.publish")
        await connection.close()
    }

    @Test func namesLongerThan255BytesAreRefusedBeforeSending() async throws {
        let connection = try await Broker.connect()
        let channel = try await connection.openChannel()
        let error = await #expect(throws: AMQPError.self) {
            try await channel.declareQueue(String(repeating: "q", count: 300))
        }
        #expect(error?.code == .invalidArgument)
        #expect(channel.isOpen)
        await connection.close()
    }
}

/// Polls a condition for up to ten seconds.
func waitUntil(
    timeout: Duration = .seconds(10),
    _ condition: () async throws -> Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let deadline = ContinuousClock.now + timeout
    // The condition is checked once more after the deadline: a busy machine may keep this task waiting past it.
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(timeout)", sourceLocation: sourceLocation)
            return
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
