//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import NIOCore
import Testing

/// Valid frames with a few bytes changed: the decoder returns frames or a protocol error and never traps, so a
/// broker (or a publisher's headers) cannot take a process down with malformed input. `FrameDecoderTests` feeds it
/// random bytes; these reach deeper, into properties and nested header tables.
@Suite struct MalformedInputTests {
    /// Valid frames of every kind, with a content header that carries every property and nested headers.
    static func samples() throws -> [[UInt8]] {
        let properties = BasicProperties(
            contentType: "application/json",
            contentEncoding: "utf-8",
            headers: [
                "nameko.call_id_stack": .array(["a.b.1", "c.d.2"]),
                "nested": .table(["deeper": .array([.int64(-1), .double(2.5), .table(["x": .bytes([0, 255])])])]),
                "decimal": .decimal(AMQPDecimal(scale: 2, value: 12345)),
                "void": .void,
            ],
            deliveryMode: 2,
            priority: 0,
            correlationID: "8c1f6a52-0d3e-4b7e-9a44-1c2d3e4f5a6b",
            replyTo: "rpc.reply-x",
            expiration: "60000",
            messageID: "m-1",
            timestamp: 1_700_000_000,
            type: "t",
            userID: "guest",
            appID: "enoki",
            clusterID: ""
        )
        let frames: [AMQPFrame] = [
            .method(.basicQos(.init(prefetchSize: 0, prefetchCount: 10, global: false)), channelID: 1),
            .method(
                .basicDeliver(
                    .init(consumerTag: "ctag", deliveryTag: 7, exchange: "nameko-rpc", routingKey: "svc.method")
                ),
                channelID: 1
            ),
            AMQPFrame(channelID: 1, payload: .header(ContentHeader(bodySize: 42, properties: properties))),
            AMQPFrame(channelID: 1, payload: .body(ByteBuffer(string: #"{"args": ["hellø"], "kwargs": {}}"#))),
            .heartbeat,
        ]
        return try frames.map { Array(try encodeFrame($0).readableBytesView) }
    }

    @Test func mutatedFramesDecodeOrFailWithAProtocolError() throws {
        let samples = try Self.samples()
        var random = SplitMix64(seed: 0x00E0_0C1)
        let decoder = AMQPFrameDecoder()
        var (decoded, refused) = (0, 0)
        for _ in 0..<20_000 {
            var bytes = samples.randomElement(using: &random)!
            random.mutate(&bytes)
            var buffer = ByteBuffer(bytes: bytes)
            do {
                while try decoder.decodeFrame(buffer: &buffer) != nil {
                    decoded += 1
                }
            } catch {
                refused += 1
            }
        }
        // Both outcomes came up, so the mutations reached the decoding of fields, not only the frame checks.
        #expect(decoded > 1000)
        #expect(refused > 1000)
    }
}

extension SplitMix64 {
    /// Flips, inserts, deletes or truncates a few bytes.
    mutating func mutate(_ bytes: inout [UInt8]) {
        for _ in 0..<Int.random(in: 1...4, using: &self) where !bytes.isEmpty {
            let index = Int.random(in: 0..<bytes.count, using: &self)
            switch Int.random(in: 0..<4, using: &self) {
            case 0: bytes[index] = UInt8.random(in: 0...255, using: &self)
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &self), at: index)
            case 2: bytes.remove(at: index)
            default: bytes.removeLast(Int.random(in: 0...min(8, bytes.count), using: &self))
            }
        }
    }
}
