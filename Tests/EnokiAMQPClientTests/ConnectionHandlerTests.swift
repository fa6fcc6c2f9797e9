//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import NIOCore
import NIOEmbedded
import Testing

@testable import EnokiAMQPClient

/// The connection handler against a scripted broker on an in-memory channel: no RabbitMQ, every frame checked.
@Suite struct ConnectionHandlerTests {
    @Test func theHandshakeOpensTheConnectionWithWhatTheBrokerTuned() async throws {
        let broker = try await ScriptedBroker()
        let connection = try await broker.connect(heartbeat: 0)
        #expect(connection.isOpen)
        #expect(connection.channelMax == 16)
        #expect(connection.frameMax == 131_072)
        #expect(connection.serverProperties["product"] == "ScriptedBroker")
        async let closing: Void = connection.close()
        guard case .connectionClose = try await broker.expectMethod(channel: 0) else {
            Issue.record("expected connection.close")
            return
        }
        try await broker.send(.connectionCloseOk)
        await closing
        #expect(!connection.isOpen)
        #expect(await connection.closed().code == .connectionClosed)
    }

    @Test func aConsumerGetsDeliveriesInOrderAndItsAcksGoOut() async throws {
        let broker = try await ScriptedBroker()
        let connection = try await broker.connect()
        let (channel, id) = try await broker.openChannel(connection)
        async let consuming = channel.consume(queue: "work", consumerTag: "c1")
        guard case .basicConsume(let consume) = try await broker.expectMethod(channel: id) else {
            Issue.record("expected basic.consume")
            return
        }
        #expect(consume.queue == "work")
        #expect(consume.consumerTag == "c1")
        #expect(!consume.noAck)
        try await broker.send(.basicConsumeOk(.init(consumerTag: "c1")), channel: id)
        let consumer = try await consuming
        try await broker.deliver("one", tag: "c1", deliveryTag: 1, channel: id)
        try await broker.deliver("two", tag: "c1", deliveryTag: 2, channel: id)
        var iterator = consumer.makeAsyncIterator()
        let first = try await iterator.next()
        #expect(first.map { String(buffer: $0.body) } == "one")
        let second = try await iterator.next()
        #expect(second.map { String(buffer: $0.body) } == "two")
        try second?.ack(multiple: true)
        guard case .basicAck(let ack) = try await broker.expectMethod(channel: id) else {
            Issue.record("expected basic.ack")
            return
        }
        #expect(ack.deliveryTag == 2)
        #expect(ack.multiple)
    }

    @Test func aFrameArrivingByteByByteIsAssembled() async throws {
        let broker = try await ScriptedBroker()
        let connection = try await broker.connect()
        let (channel, id) = try await broker.openChannel(connection)
        let consumer = try await broker.consume("work", tag: "c1", on: channel, id: id)
        var frames = ByteBuffer()
        try AMQPFrameEncoder.encodeContent(
            .basicDeliver(.init(consumerTag: "c1", deliveryTag: 1, exchange: "", routingKey: "work")),
            properties: BasicProperties(),
            body: ByteBuffer(string: String(repeating: "x", count: 300)),
            channelID: id,
            frameMax: 131_072,
            into: &frames
        )
        // Split unevenly so that reads end inside frame headers, payloads and frame ends.
        while frames.readableBytes > 0 {
            let slice = frames.readSlice(length: min(frames.readableBytes, 3))!
            try await broker.sendBytes(slice)
        }
        var iterator = consumer.makeAsyncIterator()
        let delivery = try await iterator.next()
        #expect(delivery?.body.readableBytes == 300)
        #expect(connection.isOpen)
    }

    @Test func aChannelErrorFailsTheRequestAndClosesThatChannelOnly() async throws {
        let broker = try await ScriptedBroker()
        let connection = try await broker.connect()
        let (channel, id) = try await broker.openChannel(connection)
        async let declaring = channel.declareQueue("work", durable: true)
        guard case .queueDeclare = try await broker.expectMethod(channel: id) else {
            Issue.record("expected queue.declare")
            return
        }
        try await broker.send(
            .channelClose(
                .init(
                    replyCode: 406,
                    replyText: "PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'work'",
                    classID: 50,
                    methodID: 10
                )
            ),
            channel: id
        )
        let outcome: Result<QueueDeclareResult, AMQPError>
        do {
            outcome = .success(try await declaring)
        } catch {
            outcome = .failure(error as! AMQPError)
        }
        guard case .failure(let error) = outcome else {
            Issue.record("expected queue.declare to fail")
            return
        }
        #expect(error.code == .channelClosedByBroker)
        #expect(error.replyCode?.rawValue == 406)
        #expect(error.replyText?.contains("inequivalent arg 'durable'") == true)
        guard case .channelCloseOk = try await broker.expectMethod(channel: id) else {
            Issue.record("expected channel.close-ok")
            return
        }
        #expect(!channel.isOpen)
        #expect(connection.isOpen)
        let (other, _) = try await broker.openChannel(connection)
        #expect(other.isOpen)
    }

    @Test func aBrokerCancelEndsTheConsumerWithAClearErrorAndIsAnswered() async throws {
        let broker = try await ScriptedBroker()
        let connection = try await broker.connect()
        let (channel, id) = try await broker.openChannel(connection)
        let consumer = try await broker.consume("work", tag: "c1", on: channel, id: id)
        try await broker.send(.basicCancel(.init(consumerTag: "c1")), channel: id)
        guard case .basicCancelOk(let ok) = try await broker.expectMethod(channel: id) else {
            Issue.record("expected basic.cancel-ok")
            return
        }
        #expect(ok.consumerTag == "c1")
        await #expect {
            for try await _ in consumer {}
        } throws: { error in
            (error as? AMQPError)?.code == .consumerCancelledByBroker
        }
        #expect(channel.isOpen)
    }

    @Test func aSilentBrokerIsNoticedWithinTwoHeartbeatIntervals() async throws {
        let broker = try await ScriptedBroker()
        let connection = try await broker.connect(heartbeat: 1)
        // The client heartbeats while it has nothing else to say.
        await broker.channel.testingEventLoop.advanceTime(by: .milliseconds(1500))
        let frame = try await broker.expectFrame()
        #expect(frame == .heartbeat)
        #expect(connection.isOpen)
        await broker.channel.testingEventLoop.advanceTime(by: .milliseconds(1000))
        let error = await connection.closed()
        #expect(error.code == .heartbeatTimeout)
        #expect(!connection.isOpen)
    }

    @Test func aBrokerThatKeepsTalkingIsNotTakenForDead() async throws {
        let broker = try await ScriptedBroker()
        let connection = try await broker.connect(heartbeat: 1)
        for _ in 0..<10 {
            await broker.channel.testingEventLoop.advanceTime(by: .milliseconds(500))
            try await broker.sendBytes(ByteBuffer(bytes: [8, 0, 0, 0, 0, 0, 0, 0xCE]))
        }
        #expect(connection.isOpen)
    }

    @Test func aFullConsumerBufferStopsReadingTheSocketUntilItsReaderCatchesUp() async throws {
        let broker = try await ScriptedBroker()
        let connection = try await broker.connect { $0.consumerBufferLimit = 4 }
        let (channel, id) = try await broker.openChannel(connection)
        let consumer = try await broker.consume("work", tag: "c1", noAck: true, on: channel, id: id)
        let testChannel = broker.channel
        let pipelineRead = { try await testChannel.testingEventLoop.executeInContext { testChannel.read() } }
        try await pipelineRead()
        #expect(try await broker.reads == 1)
        for tag in 1...6 as ClosedRange<UInt64> {
            try await broker.deliver("m\(tag)", tag: "c1", deliveryTag: tag, channel: id)
        }
        // The buffer is over its limit: a read the pipeline asks for is held back.
        try await pipelineRead()
        #expect(try await broker.reads == 1)
        var iterator = consumer.makeAsyncIterator()
        var bodies: [String] = []
        for _ in 0..<5 {
            if let delivery = try await iterator.next() { bodies.append(String(buffer: delivery.body)) }
        }
        #expect(bodies == ["m1", "m2", "m3", "m4", "m5"])
        // Below the low watermark the reader asks for more, and the held-back read goes out.
        var reads = try await broker.reads
        for _ in 0..<200 where reads < 2 {
            try await Task.sleep(for: .milliseconds(10))
            reads = try await broker.reads
        }
        #expect(reads == 2)
    }

    @Test func bytesThatDoNotDecodeCloseTheConnectionWithAFrameError() async throws {
        let broker = try await ScriptedBroker()
        let connection = try await broker.connect()
        try await broker.sendBytes(ByteBuffer(bytes: [1, 0, 0, 0, 0, 0, 4, 0, 10, 0, 40, 0x00]))
        guard case .connectionClose(let close) = try await broker.expectMethod(channel: 0) else {
            Issue.record("expected connection.close")
            return
        }
        #expect(close.replyCode == 501)
        #expect(await connection.closed().code == .protocolViolation)
    }
}

/// Opening over a channel that is gone is an error, not a crash.
@Suite struct ConnectionOpenTests {
    // The socket can close between the connect and the handler being added (a broker or a proxy that hangs up at
    // once). The handshake's promise was then never completed, which ended the process.
    @Test func aChannelClosedBeforeTheHandshakeIsAConnectionError() async throws {
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5672))
        try await channel.close()
        let error = await #expect(throws: AMQPError.self) {
            try await AMQPConnection.open(
                over: channel,
                configuration: AMQPConnection.Configuration(host: "127.0.0.1"),
                logger: AMQPConnection.silentLogger
            )
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.hasPrefix("could not connect to amqp://guest:**@127.0.0.1:5672/") == true)
    }
}
