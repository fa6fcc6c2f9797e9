//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import Foundation
import NIOCore
import Testing

/// Golden bytes from the TCP capture of a Nameko RPC request, reply and event (nameko-wire §14.4).
@Suite struct BasicPropertiesTests {
    static let callID = "standalone_rpc_proxy.call.7a577a88-374e-47df-b2a9-bf33c168ae3f"
    static let correlationID = "ad68e10d-039b-401b-9090-17a3742b3116"
    static let replyTo = "b4379667-f68a-4ed9-9a82-405a8b20adb8"

    static var requestHex: String {
        "fe00"
            + "10" + "application/json".utf8Hex
            + "05" + "utf-8".utf8Hex
            + "00000077"
            + "0f" + "nameko.language".utf8Hex + "53" + "00000005" + "en-gb".utf8Hex
            + "14" + "nameko.call_id_stack".utf8Hex + "41" + "00000043" + "53" + "0000003e" + callID.utf8Hex
            + "02" + "00"
            + "24" + correlationID.utf8Hex
            + "24" + replyTo.utf8Hex
    }

    static let request = BasicProperties(
        contentType: "application/json",
        contentEncoding: "utf-8",
        headers: ["nameko.language": "en-gb", "nameko.call_id_stack": .array([.string(callID)])],
        deliveryMode: 2,
        priority: 0,
        correlationID: correlationID,
        replyTo: replyTo
    )

    @Test func namekoRequestHeaderEncodesToCapturedBytes() throws {
        var buffer = ByteBuffer()
        try Self.request.encode(into: &buffer)
        #expect(buffer.hexString == Self.requestHex)
        #expect(Self.request.flags == 0xFE00)
    }

    @Test func namekoRequestHeaderDecodesFromCapturedBytes() throws {
        var buffer = ByteBuffer(hex: Self.requestHex)
        let properties = try BasicProperties.decode(from: &buffer)
        #expect(properties == Self.request)
        #expect(buffer.readableBytes == 0)
    }

    @Test func wholeContentHeaderFrame() throws {
        // class 60, weight 0, body size 37 ({"args": [1], "kwargs": {"b": "two"}})
        let frame = AMQPFrame(
            channelID: 1,
            payload: .header(ContentHeader(bodySize: 37, properties: Self.request))
        )
        let bytes = try encodeFrame(frame)
        let payload = "003c" + "0000" + "0000000000000025" + Self.requestHex
        let size = String(format: "%08x", payload.count / 2)
        #expect(bytes.hexString == "02" + "0001" + size + payload + "ce")
        #expect(try decodeFrames(bytes) == [frame])
    }

    @Test func replyAndEventFlags() throws {
        let reply = BasicProperties(
            contentType: "application/json",
            contentEncoding: "utf-8",
            headers: [:],
            deliveryMode: 2,
            priority: 0,
            correlationID: Self.correlationID
        )
        #expect(reply.flags == 0xFC00)
        var buffer = ByteBuffer()
        try reply.encode(into: &buffer)
        #expect(
            buffer.hexString
                == "fc00" + "10" + "application/json".utf8Hex + "05" + "utf-8".utf8Hex + "00000000" + "02" + "00" + "24"
                + Self.correlationID.utf8Hex
        )
        let event = BasicProperties(
            contentType: "application/json",
            contentEncoding: "utf-8",
            headers: [:],
            deliveryMode: 2,
            priority: 0
        )
        #expect(event.flags == 0xF800)
    }

    @Test func everyPropertyRoundTrips() throws {
        let all = BasicProperties(
            contentType: "text/plain",
            contentEncoding: "gzip",
            headers: ["x": 1],
            deliveryMode: 1,
            priority: 9,
            correlationID: "c",
            replyTo: "r",
            expiration: "60000",
            messageID: "m",
            timestamp: 1_700_000_000,
            type: "t",
            userID: "guest",
            appID: "enoki",
            clusterID: "cl"
        )
        #expect(all.flags == 0xFFFC)
        var buffer = ByteBuffer()
        try all.encode(into: &buffer)
        #expect(try BasicProperties.decode(from: &buffer) == all)
        var empty = ByteBuffer()
        try BasicProperties().encode(into: &empty)
        #expect(empty.hexString == "0000")
    }

    @Test func continuationFlagIsRefused() {
        var buffer = ByteBuffer(hex: "0001")
        let error = #expect(throws: AMQPProtocolError.self) { try BasicProperties.decode(from: &buffer) }
        #expect(error?.code == .invalidContentHeader)
    }
}
