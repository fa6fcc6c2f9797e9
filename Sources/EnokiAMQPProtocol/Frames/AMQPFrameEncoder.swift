//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import NIOCore

/// Encodes frames into a `ByteBuffer`. Pure: it only appends bytes.
///
/// A message (a content-carrying method, its header and its body) is written with
/// ``encodeContent(_:properties:body:channelID:frameMax:into:)``, which splits the body into frames no larger than
/// `frameMax`.
public enum AMQPFrameEncoder {
    /// Appends one frame.
    ///
    /// - Throws: ``AMQPProtocolError`` when a field cannot be encoded, or the frame exceeds `frameMax`.
    public static func encode(
        _ frame: AMQPFrame,
        frameMax: UInt32 = .max,
        into buffer: inout ByteBuffer
    ) throws(AMQPProtocolError) {
        switch frame.payload {
        case .method(let method):
            try self.encodeMethod(method, channelID: frame.channelID, frameMax: frameMax, into: &buffer)
        case .header(let header):
            try self.writeFrame(type: .header, channelID: frame.channelID, frameMax: frameMax, into: &buffer) {
                (buffer: inout ByteBuffer) throws(AMQPProtocolError) in
                try header.encode(into: &buffer)
            }
        case .body(let body):
            try self.writeFrame(type: .body, channelID: frame.channelID, frameMax: frameMax, into: &buffer) {
                (buffer: inout ByteBuffer) throws(AMQPProtocolError) in
                var body = body
                buffer.writeBuffer(&body)
            }
        case .heartbeat:
            buffer.writeInteger(AMQPFrame.FrameType.heartbeat.rawValue)
            buffer.writeInteger(UInt16(0))
            buffer.writeInteger(UInt32(0))
            buffer.writeInteger(AMQPFrame.frameEnd)
        }
    }

    /// Appends a method frame.
    public static func encodeMethod(
        _ method: AMQPMethod,
        channelID: UInt16,
        frameMax: UInt32 = .max,
        into buffer: inout ByteBuffer
    ) throws(AMQPProtocolError) {
        try self.writeFrame(type: .method, channelID: channelID, frameMax: frameMax, into: &buffer) {
            (buffer: inout ByteBuffer) throws(AMQPProtocolError) in
            try method.encode(into: &buffer)
        }
    }

    /// Appends a content-carrying method, its content header and as many body frames as the body needs.
    ///
    /// - Parameters:
    ///   - method: `basic.publish` (or, for a broker role, `basic.deliver`, `basic.return`, `basic.get-ok`).
    ///   - properties: The message properties; the content header's body size is taken from `body`.
    ///   - body: The message body.
    ///   - channelID: The channel.
    ///   - frameMax: The negotiated `frame_max`; body frames carry at most `frameMax - 8` bytes each.
    ///   - buffer: The buffer to append to.
    public static func encodeContent(
        _ method: AMQPMethod,
        properties: BasicProperties,
        body: ByteBuffer,
        channelID: UInt16,
        frameMax: UInt32,
        into buffer: inout ByteBuffer
    ) throws(AMQPProtocolError) {
        try self.encodeMethod(method, channelID: channelID, frameMax: frameMax, into: &buffer)
        let header = ContentHeader(bodySize: UInt64(body.readableBytes), properties: properties)
        try self.writeFrame(type: .header, channelID: channelID, frameMax: frameMax, into: &buffer) {
            (buffer: inout ByteBuffer) throws(AMQPProtocolError) in
            try header.encode(into: &buffer)
        }
        let chunkSize = frameMax == 0 ? Int.max : Int(frameMax) - AMQPFrame.overhead
        var body = body
        buffer.reserveCapacity(
            minimumWritableBytes: body.readableBytes + (body.readableBytes / max(chunkSize, 1) + 1) * 8
        )
        while body.readableBytes > 0 {
            var chunk = body.readSlice(length: min(chunkSize, body.readableBytes))!
            buffer.writeInteger(AMQPFrame.FrameType.body.rawValue)
            buffer.writeInteger(channelID)
            buffer.writeInteger(UInt32(chunk.readableBytes))
            buffer.writeBuffer(&chunk)
            buffer.writeInteger(AMQPFrame.frameEnd)
        }
    }

    /// Appends a frame around a payload given as bytes, without looking at them.
    ///
    /// For tools and tests that must put on the wire what the codec would refuse to build (text that is not
    /// UTF-8, a property list of their own): they write the payload, and this writes the frame around it.
    public static func encodeRawFrame(
        type: AMQPFrame.FrameType,
        channelID: UInt16,
        payload: ByteBuffer,
        into buffer: inout ByteBuffer
    ) {
        var payload = payload
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(channelID)
        buffer.writeInteger(UInt32(truncatingIfNeeded: payload.readableBytes))
        buffer.writeBuffer(&payload)
        buffer.writeInteger(AMQPFrame.frameEnd)
    }

    /// Appends a content header frame around a property list given as bytes (the flag word and the properties
    /// it announces), for a body of `bodySize` bytes; see ``encodeRawFrame(type:channelID:payload:into:)``.
    public static func encodeRawContentHeader(
        bodySize: UInt64,
        properties: ByteBuffer,
        channelID: UInt16,
        into buffer: inout ByteBuffer
    ) {
        var payload = ByteBuffer()
        payload.writeInteger(AMQPClassID.basic)
        payload.writeInteger(UInt16(0))  // weight, unused
        payload.writeInteger(bodySize)
        var properties = properties
        payload.writeBuffer(&properties)
        self.encodeRawFrame(type: .header, channelID: channelID, payload: payload, into: &buffer)
    }

    private static func writeFrame(
        type: AMQPFrame.FrameType,
        channelID: UInt16,
        frameMax: UInt32,
        into buffer: inout ByteBuffer,
        payload: (inout ByteBuffer) throws(AMQPProtocolError) -> Void
    ) throws(AMQPProtocolError) {
        let start = buffer.writerIndex
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(channelID)
        buffer.writeInteger(UInt32(0))
        let payloadStart = buffer.writerIndex
        do {
            try payload(&buffer)
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
        let size = buffer.writerIndex - payloadStart
        if frameMax != 0, size + AMQPFrame.overhead > Int(frameMax) {
            buffer.moveWriterIndex(to: start)
            throw AMQPProtocolError(.frameTooLarge, "frame of \(size + 8) bytes exceeds frame_max \(frameMax)")
        }
        buffer.setInteger(UInt32(size), at: start + 3)
        buffer.writeInteger(AMQPFrame.frameEnd)
    }
}
