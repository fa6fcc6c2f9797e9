//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import NIOCore
import NIOEmbedded
import Testing

@testable import EnokiAMQPClient

/// Plays the broker's side of one connection on an in-memory channel: it reads the frames the client's
/// connection handler writes and answers with frames of its own, as a test script says. Time on the channel's
/// event loop moves only when the script advances it, so heartbeats and timeouts are exact.
final class ScriptedBroker {
    let channel: NIOAsyncTestingChannel
    private var received: ByteBuffer
    private let decoder = AMQPFrameDecoder(maximumFrameSize: .max)

    /// Counts the reads the handler lets through to the socket.
    final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = Any
        private(set) var reads = 0

        func read(context: ChannelHandlerContext) {
            self.reads += 1
            context.read()
        }
    }

    let readCounter = ReadCounter()

    init() async throws {
        self.channel = NIOAsyncTestingChannel()
        self.received = ByteBuffer()
        try await self.channel.pipeline.addHandler(self.readCounter)
        try await self.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5672))
    }

    /// How many reads reached the socket so far.
    var reads: Int {
        get async throws {
            let counter = self.readCounter
            return try await self.channel.testingEventLoop.executeInContext { counter.reads }
        }
    }

    /// Connects a client over the channel, playing the handshake; returns the open connection.
    func connect(
        heartbeat: UInt16 = 0,
        configure: (inout AMQPConnection.Configuration) -> Void = { _ in }
    ) async throws -> AMQPConnection {
        var configuration = AMQPConnection.Configuration(host: "127.0.0.1")
        configuration.heartbeat = heartbeat
        configure(&configuration)
        let config = configuration
        let testChannel = self.channel
        async let connection = AMQPConnection.open(
            over: testChannel,
            configuration: config,
            logger: AMQPConnection.silentLogger
        )
        try await self.expectProtocolHeader()
        try await self.send(
            .connectionStart(
                .init(
                    versionMajor: 0,
                    versionMinor: 9,
                    serverProperties: ["product": "ScriptedBroker"],
                    mechanisms: "PLAIN AMQPLAIN",
                    locales: "en_US"
                )
            )
        )
        guard case .connectionStartOk(let startOk) = try await self.expectMethod(channel: 0) else {
            throw ScriptError("expected connection.start-ok")
        }
        #expect(startOk.mechanism == "PLAIN")
        #expect(startOk.response == Array("\u{0}guest\u{0}guest".utf8))
        try await self.send(.connectionTune(.init(channelMax: 16, frameMax: 131_072, heartbeat: heartbeat)))
        guard case .connectionTuneOk(let tuneOk) = try await self.expectMethod(channel: 0) else {
            throw ScriptError("expected connection.tune-ok")
        }
        #expect(tuneOk.heartbeat == heartbeat)
        guard case .connectionOpen(let open) = try await self.expectMethod(channel: 0) else {
            throw ScriptError("expected connection.open")
        }
        #expect(open.virtualHost == "/")
        try await self.send(.connectionOpenOk)
        return try await connection
    }

    /// Opens a channel, answering its `channel.open`.
    func openChannel(_ connection: AMQPConnection) async throws -> (AMQPChannel, UInt16) {
        async let channel = connection.openChannel()
        let (method, id) = try await self.expectFrameMethod()
        guard case .channelOpen = method else { throw ScriptError("expected channel.open, got \(method.name)") }
        try await self.send(.channelOpenOk, channel: id)
        return (try await channel, id)
    }

    /// Starts a consumer of `queue` on `channel`, and answers its `basic.consume` with `consume-ok`.
    func consume(
        _ queue: String,
        tag: String,
        noAck: Bool = false,
        on channel: AMQPChannel,
        id: UInt16
    ) async throws -> AMQPConsumer {
        async let consuming = channel.consume(queue: queue, consumerTag: ConsumerTag(rawValue: tag), noAck: noAck)
        let method = try await self.expectMethod(channel: id)
        guard case .basicConsume(let consume) = method, consume.queue == queue, consume.consumerTag == tag,
            consume.noAck == noAck
        else {
            throw ScriptError("expected basic.consume of \(queue), got \(method.name)")
        }
        try await self.send(.basicConsumeOk(.init(consumerTag: tag)), channel: id)
        return try await consuming
    }

    func expectProtocolHeader() async throws {
        while self.received.readableBytes < 8 {
            try await self.readMore()
        }
        let header = self.received.readBytes(length: 8)
        #expect(header == AMQPProtocolHeader.bytes)
    }

    /// The next frame the client wrote.
    func expectFrame() async throws -> AMQPFrame {
        while true {
            if let frame = try self.decoder.decodeFrame(buffer: &self.received) {
                return frame
            }
            try await self.readMore()
        }
    }

    /// The next method the client wrote, skipping heartbeats, with its channel.
    func expectFrameMethod() async throws -> (AMQPMethod, UInt16) {
        while true {
            let frame = try await self.expectFrame()
            if case .method(let method) = frame.payload {
                return (method, frame.channelID)
            }
            if case .heartbeat = frame.payload { continue }
            throw ScriptError("expected a method frame, got \(frame)")
        }
    }

    /// The next method the client wrote, which must be on `channel`.
    func expectMethod(channel: UInt16) async throws -> AMQPMethod {
        let (method, id) = try await self.expectFrameMethod()
        #expect(id == channel, "\(method.name) on channel \(id), expected \(channel)")
        return method
    }

    /// Whether the client has written anything not read yet.
    func hasPendingOutput() async throws -> Bool {
        if self.received.readableBytes > 0 { return true }
        if let buffer = try await self.channel.readOutbound(as: ByteBuffer.self) {
            var buffer = buffer
            self.received.writeBuffer(&buffer)
            return true
        }
        return false
    }

    private func readMore() async throws {
        var buffer = try await self.channel.waitForOutboundWrite(as: ByteBuffer.self)
        self.received.discardReadBytes()
        self.received.writeBuffer(&buffer)
    }

    func send(_ method: AMQPMethod, channel: UInt16 = 0) async throws {
        var buffer = ByteBuffer()
        try AMQPFrameEncoder.encodeMethod(method, channelID: channel, frameMax: .max, into: &buffer)
        try await self.channel.writeInbound(buffer)
    }

    func sendBytes(_ buffer: ByteBuffer) async throws {
        try await self.channel.writeInbound(buffer)
    }

    /// Delivers a message to a consumer.
    func deliver(_ body: String, tag: String, deliveryTag: UInt64, channel: UInt16) async throws {
        var buffer = ByteBuffer()
        try AMQPFrameEncoder.encodeContent(
            .basicDeliver(
                .init(consumerTag: tag, deliveryTag: deliveryTag, exchange: "", routingKey: "work")
            ),
            properties: BasicProperties(),
            body: ByteBuffer(string: body),
            channelID: channel,
            frameMax: 131_072,
            into: &buffer
        )
        try await self.channel.writeInbound(buffer)
    }

    struct ScriptError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
