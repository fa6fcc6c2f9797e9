//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import NIOCore
import Testing

@Suite struct ContentAssemblerTests {
    static let deliver = AMQPMethod.basicDeliver(
        .init(consumerTag: "ctag", deliveryTag: 1, redelivered: false, exchange: "x", routingKey: "rk")
    )

    func roundTrip(bodySize: Int, frameMax: UInt32) throws -> (AMQPContent, frames: Int) {
        // A pattern whose period (a prime) never lines up with a frame, written a block at a time: a byte at a
        // time takes tens of seconds for 16 MiB in a debug build.
        let block = (0..<65_521).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        var body = ByteBuffer()
        body.reserveCapacity(bodySize)
        while body.readableBytes < bodySize {
            body.writeBytes(block.prefix(bodySize - body.readableBytes))
        }
        var wire = ByteBuffer()
        try AMQPFrameEncoder.encodeContent(
            Self.deliver,
            properties: BasicProperties(contentType: "application/octet-stream"),
            body: body,
            channelID: 3,
            frameMax: frameMax,
            into: &wire
        )
        let frames = try decodeFrames(wire, maximumFrameSize: frameMax)
        var assembler = AMQPContentAssembler()
        var result: AMQPContent?
        for frame in frames {
            #expect(frame.channelID == 3)
            switch frame.payload {
            case .method(let method): try assembler.methodReceived(method)
            case .header(let header): result = try assembler.headerReceived(header)
            case .body(let chunk):
                #expect(chunk.readableBytes <= Int(frameMax) - 8)
                result = try assembler.bodyReceived(chunk)
            case .heartbeat: Issue.record("no heartbeat expected")
            }
        }
        let content = try #require(result)
        #expect(content.body == body)
        #expect(!assembler.isAssembling)
        return (content, frames.count)
    }

    @Test func emptyBody() throws {
        let (content, frames) = try self.roundTrip(bodySize: 0, frameMax: 131_072)
        #expect(content.body.readableBytes == 0)
        #expect(frames == 2)
    }

    @Test func bodyThatFitsOneFrame() throws {
        let (_, frames) = try self.roundTrip(bodySize: 131_064, frameMax: 131_072)
        #expect(frames == 3)
    }

    @Test func oneMebibyteBodyIsSplitAndReassembled() throws {
        let (content, frames) = try self.roundTrip(bodySize: 1 << 20, frameMax: 131_072)
        #expect(content.body.readableBytes == 1 << 20)
        #expect(frames == 2 + 9)  // 1 MiB over 131,064-byte frames
    }

    @Test func sixteenMebibyteBodyIsSplitAndReassembled() throws {
        let (content, frames) = try self.roundTrip(bodySize: 16 << 20, frameMax: 131_072)
        #expect(content.body.readableBytes == 16 << 20)
        #expect(frames == 2 + 129)
    }

    @Test func framesOutOfOrderAreRefused() throws {
        var assembler = AMQPContentAssembler()
        #expect(throws: AMQPProtocolError.self) { try assembler.bodyReceived(ByteBuffer(bytes: [1])) }
        #expect(throws: AMQPProtocolError.self) {
            try assembler.headerReceived(ContentHeader(bodySize: 1, properties: .init()))
        }
        try assembler.methodReceived(Self.deliver)
        #expect(throws: AMQPProtocolError.self) { try assembler.methodReceived(Self.deliver) }
        var fresh = AMQPContentAssembler()
        try fresh.methodReceived(Self.deliver)
        _ = try fresh.headerReceived(ContentHeader(bodySize: 2, properties: .init()))
        let error = #expect(throws: AMQPProtocolError.self) { try fresh.bodyReceived(ByteBuffer(bytes: [1, 2, 3])) }
        #expect(error?.code == .unexpectedFrame)
    }

    @Test func anOversizedBodyIsDroppedAsItArrivesAndItsMessageCarriesTheProblem() throws {
        var assembler = AMQPContentAssembler(maximumBodySize: 1024)
        try assembler.methodReceived(Self.deliver)
        #expect(
            try assembler.headerReceived(ContentHeader(bodySize: 3000, properties: .init(correlationID: "c"))) == nil
        )
        #expect(try assembler.bodyReceived(ByteBuffer(repeating: 1, count: 1000)) == nil)
        #expect(try assembler.bodyReceived(ByteBuffer(repeating: 1, count: 1000)) == nil)
        let content = try #require(try assembler.bodyReceived(ByteBuffer(repeating: 1, count: 1000)))
        #expect(content.body.readableBytes == 0)
        #expect(content.problem?.code == .bodyTooLarge)
        #expect(content.problem?.message == "message body of 3000 bytes exceeds the limit of 1024")
        #expect(content.properties.correlationID == "c")
        // The channel is in step: the next message assembles as usual.
        try assembler.methodReceived(Self.deliver)
        _ = try assembler.headerReceived(ContentHeader(bodySize: 3, properties: .init()))
        let next = try #require(try assembler.bodyReceived(ByteBuffer(bytes: [1, 2, 3])))
        #expect(next.problem == nil)
        #expect(next.body == ByteBuffer(bytes: [1, 2, 3]))
    }

    @Test func aBodyFrameLargerThanAnnouncedIsStillAProtocolErrorWhenDiscarding() throws {
        var assembler = AMQPContentAssembler(maximumBodySize: 10)
        try assembler.methodReceived(Self.deliver)
        _ = try assembler.headerReceived(ContentHeader(bodySize: 20, properties: .init()))
        let error = #expect(throws: AMQPProtocolError.self) {
            try assembler.bodyReceived(ByteBuffer(repeating: 0, count: 21))
        }
        #expect(error?.code == .unexpectedFrame)
    }

    @Test func theProblemsOfAMessagesFramesReachTheMessage() throws {
        var assembler = AMQPContentAssembler()
        try assembler.methodReceived(
            Self.deliver,
            problem: AMQPProtocolError(.invalidUTF8, "routing-key is not valid UTF-8")
        )
        let content = try #require(try assembler.headerReceived(ContentHeader(bodySize: 0, properties: .init())))
        #expect(content.problem?.message == "routing-key is not valid UTF-8")
        try assembler.methodReceived(Self.deliver)
        _ = try assembler.headerReceived(
            ContentHeader(bodySize: 1, properties: .init()),
            problem: AMQPProtocolError(.nestingTooDeep, "deep")
        )
        #expect(try assembler.bodyReceived(ByteBuffer(bytes: [0]))?.problem?.code == .nestingTooDeep)
    }
}
