//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import NIOCore
import NIOTestUtils
import Testing

@Suite struct MethodCodecTests {
    @Test func everyMethodHasSamples() {
        // 64 methods in connection, channel, exchange, queue, basic, confirm and tx.
        let names = Set(allMethodSamples.map(\.name))
        #expect(names.count == 64)
        #expect(names.contains("connection.update-secret-ok"))
        #expect(names.contains("basic.nack"))
        #expect(names.contains("tx.rollback-ok"))
        #expect(names.contains("exchange.unbind-ok"))
    }

    @Test(arguments: allMethodSamples)
    func roundTrip(method: AMQPMethod) throws {
        let buffer = try encodeFrame(.method(method, channelID: 7))
        let frames = try decodeFrames(buffer)
        #expect(frames == [.method(method, channelID: 7)])
    }

    @Test func idsMatchTheSpecification() {
        #expect(
            AMQPMethod.connectionStartOk(
                .init(clientProperties: [:], mechanism: "PLAIN", response: [], locale: "en_US")
            ).classID == 10
        )
        #expect(AMQPMethod.exchangeUnbindOk.methodID == 51)
        #expect(AMQPMethod.basicNack(.init(deliveryTag: 1)).methodID == 120)
        #expect(AMQPMethod.confirmSelect(.init()).classID == 85)
        #expect(AMQPMethod.txCommitOk.classID == 90)
        #expect(AMQPMethod.txCommitOk.methodID == 21)
    }

    @Test func bitsArePackedIntoOneOctet() throws {
        // queue.declare: reserved short, queue name, then passive..no-wait packed LSB first, then the table.
        let declare = AMQPMethod.queueDeclare(.init(queue: "q", durable: true, autoDelete: true))
        var buffer = ByteBuffer()
        try declare.encode(into: &buffer)
        #expect(buffer.hexString == "0032" + "000a" + "0000" + "0171" + "0a" + "00000000")
    }

    @Test func connectionStartAsRabbitMQSendsIt() throws {
        let start = AMQPMethod.connectionStart(
            .init(
                versionMajor: 0,
                versionMinor: 9,
                serverProperties: [
                    "capabilities": .table(["publisher_confirms": true, "consumer_cancel_notify": true]),
                    "product": "RabbitMQ", "version": "3.10.8",
                ],
                mechanisms: "AMQPLAIN PLAIN",
                locales: "en_US"
            )
        )
        let frames = try decodeFrames(try encodeFrame(.method(start, channelID: 0)))
        guard case .method(.connectionStart(let decoded)) = frames.first?.payload else {
            Issue.record("expected connection.start")
            return
        }
        #expect(decoded.mechanisms.split(separator: " ").contains("PLAIN"))
        #expect(decoded.serverProperties["capabilities"]?.tableValue?["publisher_confirms"] == .bool(true))
    }

    @Test func decoderPassesNIOVerifier() throws {
        var input = ByteBuffer()
        var expected: [AMQPFrame] = []
        for (index, method) in allMethodSamples.prefix(40).enumerated() {
            let frame = AMQPFrame.method(method, channelID: UInt16(index))
            try AMQPFrameEncoder.encode(frame, into: &input)
            expected.append(frame)
        }
        try AMQPFrameEncoder.encode(.heartbeat, into: &input)
        expected.append(.heartbeat)
        // Feeds the input byte by byte, in odd chunks, and whole, and checks the same frames come out each time.
        let pairs = [(input, expected)]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            AMQPFrameDecoder()
        }
    }
}
