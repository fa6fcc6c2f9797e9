//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import NIOCore
import Testing

@Suite struct FrameDecoderTests {
    static let qos = AMQPFrame.method(.basicQos(.init(prefetchSize: 0, prefetchCount: 10, global: false)), channelID: 1)

    @Test func incompleteInputAsksForMoreAndLeavesTheBufferAlone() throws {
        let whole = try encodeFrame(Self.qos)
        let decoder = AMQPFrameDecoder()
        for length in 0..<whole.readableBytes {
            var prefix = whole.getSlice(at: 0, length: length)!
            #expect(try decoder.decodeFrame(buffer: &prefix) == nil)
            #expect(prefix.readerIndex == 0)
        }
        var all = whole
        #expect(try decoder.decodeFrame(buffer: &all) == Self.qos)
        #expect(all.readableBytes == 0)
    }

    @Test func bytesNeededCountsDownToAWholeFrame() throws {
        let whole = try encodeFrame(Self.qos)
        let decoder = AMQPFrameDecoder()
        for length in 0...whole.readableBytes {
            let prefix = whole.getSlice(at: 0, length: length)!
            // Before the size is readable the decoder asks for the 7 header bytes; after it, for the rest.
            let expected = length < 7 ? 7 - length : whole.readableBytes - length
            #expect(decoder.bytesNeeded(prefix) == expected, "after \(length) bytes")
        }
    }

    @Test func bytesNeededAsksToLookAtAnOversizedFrameAtOnceAndCountsAProtocolHeaderAsEightBytes() {
        let decoder = AMQPFrameDecoder(maximumFrameSize: 4096)
        var oversized = ByteBuffer()
        oversized.writeInteger(UInt8(1))
        oversized.writeInteger(UInt16(1))
        oversized.writeInteger(UInt32(1 << 20))
        #expect(decoder.bytesNeeded(oversized) == 0)
        var header = ByteBuffer()
        header.writeBytes(Array("AMQ".utf8))
        #expect(decoder.bytesNeeded(header) == 5)
    }

    @Test func heartbeatFrame() throws {
        let bytes = try encodeFrame(.heartbeat)
        #expect(bytes.hexString == "08" + "0000" + "00000000" + "ce")
        #expect(try decodeFrames(bytes) == [.heartbeat])
    }

    @Test func wrongFrameEndIsAnError() throws {
        var bytes = try encodeFrame(Self.qos)
        bytes.setInteger(UInt8(0xCD), at: bytes.writerIndex - 1)
        let error = #expect(throws: AMQPProtocolError.self) { try decodeFrames(bytes) }
        #expect(error?.code == .invalidFrameEnd)
    }

    @Test func oversizedFrameIsAnErrorBeforeItsBytesArrive() {
        // Only the 7-byte header of a frame announcing a 1 MiB payload.
        var bytes = ByteBuffer(hex: "01" + "0001" + "00100000")
        let error = #expect(throws: AMQPProtocolError.self) {
            try AMQPFrameDecoder(maximumFrameSize: 131_072).decodeFrame(buffer: &bytes)
        }
        #expect(error?.code == .frameTooLarge)
    }

    @Test func unknownFrameTypeIsAnError() {
        let error = #expect(throws: AMQPProtocolError.self) {
            try decodeFrames(ByteBuffer(hex: "05" + "0000" + "00000000" + "ce"))
        }
        #expect(error?.code == .unknownFrameType)
    }

    @Test func unknownMethodIsAnError() {
        // class 60, method 999
        let error = #expect(throws: AMQPProtocolError.self) {
            try decodeFrames(ByteBuffer(hex: "01" + "0001" + "00000004" + "003c03e7" + "ce"))
        }
        #expect(error?.code == .unknownMethod)
    }

    @Test func truncatedArgumentsAreAnError() {
        // basic.qos needs 7 argument bytes; the frame has 2.
        let error = #expect(throws: AMQPProtocolError.self) {
            try decodeFrames(ByteBuffer(hex: "01" + "0001" + "00000006" + "003c000a" + "0000" + "ce"))
        }
        #expect(error?.code == .truncated)
    }

    @Test func trailingBytesAreAnError() {
        // channel.close-ok with an extra byte.
        let error = #expect(throws: AMQPProtocolError.self) {
            try decodeFrames(ByteBuffer(hex: "01" + "0001" + "00000005" + "00140029" + "00" + "ce"))
        }
        #expect(error?.code == .trailingBytes)
    }

    @Test func truncatedFieldTableInsideAFrameIsAnError() {
        // basic.consume whose arguments table claims 100 bytes.
        var payload = ByteBuffer(hex: "003c0014" + "0000" + "0171" + "00" + "00" + "00000064" + "01")
        var frame = ByteBuffer(hex: "01" + "0001")
        frame.writeInteger(UInt32(payload.readableBytes))
        frame.writeBuffer(&payload)
        frame.writeInteger(UInt8(0xCE))
        let error = #expect(throws: AMQPProtocolError.self) { try decodeFrames(frame) }
        #expect(error?.code == .truncated)
    }

    @Test func protocolHeaderFromTheBrokerIsAnError() {
        let error = #expect(throws: AMQPProtocolError.self) {
            try decodeFrames(ByteBuffer(bytes: [0x41, 0x4D, 0x51, 0x50, 0, 0, 9, 1]))
        }
        #expect(error?.code == .protocolHeaderReceived)
    }

    @Test func invalidUTF8InAShortStringIsAnError() {
        // basic.consume-ok with a 1-byte tag 0xff.
        let error = #expect(throws: AMQPProtocolError.self) {
            try decodeFrames(ByteBuffer(hex: "01" + "0001" + "00000006" + "003c0015" + "01ff" + "ce"))
        }
        #expect(error?.code == .invalidUTF8)
        // ASCII, then a lead byte with no continuation: "ab" 0xc3.
        let truncated = #expect(throws: AMQPProtocolError.self) {
            try decodeFrames(ByteBuffer(hex: "01" + "0001" + "00000008" + "003c0015" + "036162c3" + "ce"))
        }
        #expect(truncated?.code == .invalidUTF8)
    }

    @Test func nonASCIIShortStringsKeepTheirText() throws {
        // basic.consume-ok with the tag "é🍄" (2 + 4 bytes of UTF-8).
        let frames = try decodeFrames(
            ByteBuffer(hex: "01" + "0001" + "0000000b" + "003c0015" + "06c3a9f09f8d84" + "ce")
        )
        #expect(frames.first?.payload == .method(.basicConsumeOk(.init(consumerTag: "é🍄"))))
    }

    @Test func randomBytesNeverCrash() throws {
        var generator = SplitMix64(seed: 0x5EED)
        var errors = 0
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 64)
            var bytes: [UInt8] = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            // Make about half of the inputs look like real frames, so the payload decoders are exercised too.
            if length > 8, generator.next() % 2 == 0 {
                bytes[0] = [1, 2, 3, 8][Int(generator.next() % 4)]
                let size = UInt32(length - 8)
                bytes[3] = UInt8(size >> 24)
                bytes[4] = UInt8((size >> 16) & 0xFF)
                bytes[5] = UInt8((size >> 8) & 0xFF)
                bytes[6] = UInt8(size & 0xFF)
                bytes[length - 1] = 0xCE
                if bytes[0] == 1 {
                    bytes[7] = 0
                    bytes[8] = [10, 20, 40, 50, 60, 85, 90][Int(generator.next() % 7)]
                }
            }
            var buffer = ByteBuffer(bytes: bytes)
            do {
                while try AMQPFrameDecoder().decodeFrame(buffer: &buffer) != nil {}
            } catch {
                errors += 1
            }
        }
        #expect(errors > 0)
    }
}

/// A small deterministic generator, so a failure can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
