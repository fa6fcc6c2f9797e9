//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
package import NIOCore

extension AMQPChannel {
    /// Publishes a message whose exchange, routing key and property list are given as raw bytes, unchecked.
    ///
    /// The broker passes on what publishers send without checking its text or its header tables; the tests
    /// play such a publisher with this, to send what ``publish(_:exchange:routingKey:mandatory:properties:)-(ByteBuffer,_,_,_,_)``
    /// refuses to build (text that is not UTF-8, tables nested too deep, values at the ends of their ranges).
    ///
    /// - Parameters:
    ///   - exchange: The exchange name's bytes (at most 255).
    ///   - routingKey: The routing key's bytes (at most 255).
    ///   - properties: The property list as it goes on the wire: the flag word, then the properties it announces.
    ///   - body: The body.
    /// - Throws: ``AMQPError`` when the channel is closed or in confirm mode (a raw publish takes no confirm
    ///   sequence number), or a name is longer than 255 bytes.
    package func publishRaw(
        exchange: [UInt8],
        routingKey: [UInt8],
        properties: ByteBuffer,
        body: [UInt8]
    ) throws(AMQPError) {
        try self.checkOpen()
        guard !self.publisherConfirmsEnabled else {
            throw AMQPError(.invalidArgument, "raw publishes go on a channel without publisher confirms")
        }
        guard exchange.count <= 255, routingKey.count <= 255 else {
            throw AMQPError(.invalidArgument, "an exchange name or routing key is longer than 255 bytes")
        }
        let frameMax = Int(self.connection.frameMax)
        var method = ByteBuffer()
        method.writeInteger(AMQPClassID.basic)
        method.writeInteger(AMQPMethodID.Basic.publish)
        method.writeInteger(UInt16(0))  // reserved
        method.writeInteger(UInt8(exchange.count))
        method.writeBytes(exchange)
        method.writeInteger(UInt8(routingKey.count))
        method.writeBytes(routingKey)
        method.writeInteger(UInt8(0))
        var frames = ByteBuffer()
        AMQPFrameEncoder.encodeRawFrame(type: .method, channelID: self.key.id, payload: method, into: &frames)
        AMQPFrameEncoder.encodeRawContentHeader(
            bodySize: UInt64(body.count),
            properties: properties,
            channelID: self.key.id,
            into: &frames
        )
        var offset = 0
        let chunk = frameMax == 0 ? max(body.count, 1) : max(frameMax - AMQPFrame.overhead, 1)
        while offset < body.count {
            let end = min(offset + chunk, body.count)
            AMQPFrameEncoder.encodeRawFrame(
                type: .body,
                channelID: self.key.id,
                payload: ByteBuffer(bytes: body[offset..<end]),
                into: &frames
            )
            offset = end
        }
        self.connection.queue.enqueue(.writeFrames(self.key, frames))
    }
}
