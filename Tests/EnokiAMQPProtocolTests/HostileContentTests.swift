//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import EnokiTestSupport
import NIOCore
import Testing

/// What a publisher controls inside well-framed frames, and the broker passes on unchecked: the text of a
/// delivery's exchange and routing key, and a content header's properties and header tables. Whatever it is, the
/// frame decodes with a ``AMQPFrame/problem`` (a problem of that one message), the decoder stays in step with the
/// byte stream, and values at the ends of their ranges are values, not problems.
@Suite struct HostileContentTests {
    static let invalidUTF8 = RawTable.invalidUTF8

    /// A method frame for `basic.deliver` with raw bytes for the exchange and routing key.
    static func deliverFrame(exchange: [UInt8], routingKey: [UInt8]) -> ByteBuffer {
        var payload = ByteBuffer()
        payload.writeInteger(UInt16(60))
        payload.writeInteger(UInt16(60))
        payload.writeInteger(UInt8(4))
        payload.writeString("ctag")
        payload.writeInteger(UInt64(9))
        payload.writeInteger(UInt8(1))
        payload.writeInteger(UInt8(exchange.count))
        payload.writeBytes(exchange)
        payload.writeInteger(UInt8(routingKey.count))
        payload.writeBytes(routingKey)
        var frame = ByteBuffer()
        AMQPFrameEncoder.encodeRawFrame(type: .method, channelID: 1, payload: payload, into: &frame)
        return frame
    }

    /// A content header frame with a raw property list.
    static func headerFrame(bodySize: UInt64, properties: ByteBuffer) -> ByteBuffer {
        var frame = ByteBuffer()
        AMQPFrameEncoder.encodeRawContentHeader(bodySize: bodySize, properties: properties, channelID: 1, into: &frame)
        return frame
    }

    /// A content type, a header table, a correlation id and a reply-to.
    static func properties(
        contentType: [UInt8] = Array("application/json".utf8),
        headers: ByteBuffer? = nil,
        correlationID: [UInt8] = Array("c-1".utf8),
        replyTo: [UInt8] = Array("reply".utf8)
    ) -> ByteBuffer {
        RawProperties(contentType: contentType, headers: headers, correlationID: correlationID, replyTo: replyTo).bytes
    }

    func decodeAll(_ frames: ByteBuffer...) throws -> [AMQPFrame] {
        var buffer = ByteBuffer()
        for var frame in frames { buffer.writeBuffer(&frame) }
        return try decodeFrames(buffer)
    }

    @Test func aRoutingKeyOrExchangeThatIsNotUTF8IsAProblemOfTheFrame() throws {
        let body = try encodeFrame(AMQPFrame(channelID: 1, payload: .body(ByteBuffer(string: "{}"))))
        let frames = try self.decodeAll(
            Self.deliverFrame(exchange: Array("nameko-rpc".utf8), routingKey: Self.invalidUTF8),
            body
        )
        #expect(frames.count == 2)
        guard case .method(.basicDeliver(let deliver)) = frames[0].payload else {
            Issue.record("not a delivery: \(frames[0])")
            return
        }
        #expect(deliver.deliveryTag == 9)
        #expect(deliver.routingKey == "f\u{FFFD}(\u{FFFD}o")
        #expect(frames[0].problem?.code == .invalidUTF8)
        #expect(frames[0].problem?.message == "routing-key is not valid UTF-8")
        #expect(frames[1].problem == nil)

        let exchange = try self.decodeAll(Self.deliverFrame(exchange: Self.invalidUTF8, routingKey: Array("a.b".utf8)))
        #expect(exchange[0].problem?.message == "exchange is not valid UTF-8")
    }

    @Test func aMethodWithoutContentStillRefusesTextThatIsNotUTF8() throws {
        var payload = ByteBuffer()
        payload.writeInteger(UInt16(50))
        payload.writeInteger(UInt16(11))  // queue.declare-ok
        payload.writeInteger(UInt8(Self.invalidUTF8.count))
        payload.writeBytes(Self.invalidUTF8)
        payload.writeInteger(UInt32(0))
        payload.writeInteger(UInt32(0))
        var frame = ByteBuffer()
        AMQPFrameEncoder.encodeRawFrame(type: .method, channelID: 1, payload: payload, into: &frame)
        let error = #expect(throws: AMQPProtocolError.self) { try self.decodeAll(frame) }
        #expect(error?.code == .invalidUTF8)
    }

    @Test(arguments: [
        ("content-type", HostileContentTests.properties(contentType: HostileContentTests.invalidUTF8)),
        ("correlation-id", HostileContentTests.properties(correlationID: HostileContentTests.invalidUTF8)),
        ("reply-to", HostileContentTests.properties(replyTo: HostileContentTests.invalidUTF8)),
    ])
    func aPropertyThatIsNotUTF8IsAProblemAndTheRestIsRead(field: String, properties: ByteBuffer) throws {
        let frames = try self.decodeAll(Self.headerFrame(bodySize: 2, properties: properties))
        guard case .header(let header) = frames[0].payload else {
            Issue.record("not a header")
            return
        }
        #expect(header.bodySize == 2)
        #expect(frames[0].problem?.message == "\(field) is not valid UTF-8")
        #expect(header.properties.replyTo != nil)
        #expect(header.properties.correlationID != nil)
    }

    @Test func aHeaderTableThatDoesNotDecodeIsLeftOutAndTheRestIsRead() throws {
        let cases: [(String, ByteBuffer, AMQPProtocolError.Code)] = [
            ("a key that is not UTF-8", RawTable.table([(Self.invalidUTF8, [UInt8(ascii: "V")])]), .invalidUTF8),
            (
                "tables nested too deep",
                RawTable.table([(Array("deep".utf8), RawTable.nested(depth: 70))]),
                .nestingTooDeep
            ),
            ("an unknown value type", RawTable.table([(Array("k".utf8), [UInt8(ascii: "Z"), 1])]), .unknownFieldType),
            (
                "a value that runs past its table", RawTable.table([(Array("k".utf8), [UInt8(ascii: "l"), 1])]),
                .truncated
            ),
        ]
        for (what, table, code) in cases {
            let frames = try self.decodeAll(Self.headerFrame(bodySize: 0, properties: Self.properties(headers: table)))
            guard case .header(let header) = frames[0].payload else {
                Issue.record("\(what): not a header")
                continue
            }
            #expect(frames[0].problem?.code == code, "\(what)")
            #expect(header.properties.headers == nil, "\(what)")
            #expect(header.properties.correlationID == "c-1", "\(what)")
            #expect(header.properties.replyTo == "reply", "\(what)")
        }
    }

    @Test func aHeaderTableThatRunsPastItsFrameEndsTheReadingOfTheProperties() throws {
        var table = ByteBuffer()
        table.writeInteger(UInt32(10_000))
        table.writeBytes([1, 2, 3])
        let frames = try self.decodeAll(Self.headerFrame(bodySize: 5, properties: Self.properties(headers: table)))
        guard case .header(let header) = frames[0].payload else {
            Issue.record("not a header")
            return
        }
        #expect(header.bodySize == 5)
        #expect(frames[0].problem?.code == .truncated)
        #expect(header.properties.contentType == "application/json")
    }

    @Test func valuesAtTheEndsOfTheirRangesAreValues() throws {
        var headers = RawTable.extremes
        headers.merge(RawTable.nonFinite)
        headers["bytes"] = .bytes(Self.invalidUTF8)
        var buffer = ByteBuffer()
        try ContentHeader(bodySize: .max, properties: BasicProperties(headers: headers, timestamp: .max))
            .encode(into: &buffer)
        var frame = ByteBuffer()
        AMQPFrameEncoder.encodeRawFrame(type: .header, channelID: 1, payload: buffer, into: &frame)
        let frames = try self.decodeAll(frame)
        guard case .header(let header) = frames[0].payload else {
            Issue.record("not a header")
            return
        }
        #expect(frames[0].problem == nil)
        #expect(header.bodySize == .max)
        #expect(header.properties.headers?["timestamp.max"] == .timestamp(.max))
        #expect(header.properties.headers?["int64.min"] == .int64(.min))
        #expect(header.properties.headers?.count == headers.count)
    }

    @Test func theStrictDecodersStillThrowForTheSameInput() throws {
        var properties = Self.properties(correlationID: Self.invalidUTF8)
        #expect(throws: AMQPProtocolError.self) { try BasicProperties.decode(from: &properties) }
        var lenient = Self.properties(correlationID: Self.invalidUTF8)
        var problem: AMQPProtocolError?
        let read = BasicProperties.decode(from: &lenient, problem: &problem)
        #expect(read.correlationID == "f\u{FFFD}(\u{FFFD}o")
        #expect(problem?.code == .invalidUTF8)
        #expect(lenient.readableBytes == 0)
    }
}
