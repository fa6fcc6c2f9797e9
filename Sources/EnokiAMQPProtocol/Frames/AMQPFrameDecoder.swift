//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import NIOCore

/// Decodes bytes into frames. Pure: no I/O, no event loop.
///
/// `decode(buffer:)` returns `nil`, leaving the buffer untouched, until a whole frame is readable; it never throws
/// for incomplete input. It throws ``AMQPProtocolError`` only for input that can never be valid: a frame larger
/// than ``maximumFrameSize``, a missing frame-end octet, an unknown frame type or method, a payload whose fields
/// run past the frame or leave bytes over, or a protocol header (the peer's way of refusing our version). Such
/// errors leave the byte stream out of step, and the connection must close.
///
/// What a publisher chose inside a well-framed frame is never such an error: the text of a content-carrying
/// method (exchange, routing key) and a content header's properties (their text, their header table) are read as
/// far as they can be, and what is wrong with them is the frame's ``AMQPFrame/problem``, for the message to be
/// refused on its own.
///
/// Use it as a `ByteToMessageHandler` in a pipeline, or drive it with `NIOSingleStepByteToMessageProcessor`.
public struct AMQPFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = AMQPFrame

    /// The largest frame accepted, header and frame end included: the negotiated `frame_max`.
    public var maximumFrameSize: UInt32

    /// Creates a decoder.
    ///
    /// - Parameter maximumFrameSize: The largest frame accepted, overhead included. Before tuning a client should
    ///   accept what the broker is likely to send; after it, the negotiated `frame_max`.
    public init(maximumFrameSize: UInt32 = 131_072) {
        self.maximumFrameSize = max(maximumFrameSize, AMQPFrame.minimumFrameMax)
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> AMQPFrame? {
        try self.decodeFrame(buffer: &buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> AMQPFrame? {
        try self.decodeFrame(buffer: &buffer)
    }

    /// How many more bytes the frame at the start of `buffer` needs before ``decodeFrame(buffer:)`` can return
    /// it: 0 when it is complete, or when the decoder should look at it now anyway (a header announcing a frame
    /// over ``maximumFrameSize``, which it refuses at once). A reader holding part of a frame uses it to append
    /// just the bytes still missing instead of copying a whole read behind the part.
    ///
    /// A protocol header (the peer refusing our version) counts as an 8-byte frame.
    public func bytesNeeded(_ buffer: ByteBuffer) -> Int {
        let readable = buffer.readableBytes
        guard readable >= 7 else {
            let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self)
            return (first == UInt8(ascii: "A") ? 8 : 7) - readable
        }
        guard let size = buffer.getInteger(at: buffer.readerIndex + 3, as: UInt32.self),
            UInt64(size) + UInt64(AMQPFrame.overhead) <= UInt64(self.maximumFrameSize)
        else { return 0 }
        return max(0, Int(size) + AMQPFrame.overhead - readable)
    }

    /// Decodes one frame with typed errors; the same as `decode(buffer:)`.
    public func decodeFrame(buffer: inout ByteBuffer) throws(AMQPProtocolError) -> AMQPFrame? {
        let start = buffer.readerIndex
        guard let type = buffer.getInteger(at: start, as: UInt8.self) else {
            return nil
        }
        if type == UInt8(ascii: "A") {
            // A protocol header: the broker refuses our protocol version and says which it speaks.
            guard let header = buffer.getBytes(at: start, length: 8) else {
                return nil
            }
            if header.prefix(4) == AMQPProtocolHeader.bytes.prefix(4) {
                throw AMQPProtocolError(
                    .protocolHeaderReceived,
                    "the peer answered with protocol header AMQP \(header[4...].map(String.init).joined(separator: " "))"
                )
            }
        }
        guard let channelID = buffer.getInteger(at: start + 1, as: UInt16.self),
            let size = buffer.getInteger(at: start + 3, as: UInt32.self)
        else {
            return nil
        }
        guard UInt64(size) + UInt64(AMQPFrame.overhead) <= UInt64(self.maximumFrameSize) else {
            throw AMQPProtocolError(
                .frameTooLarge,
                "frame of \(UInt64(size) + 8) bytes exceeds frame_max \(self.maximumFrameSize)"
            )
        }
        let payloadSize = Int(size)
        guard let end = buffer.getInteger(at: start + 7 + payloadSize, as: UInt8.self) else {
            return nil
        }
        guard end == AMQPFrame.frameEnd else {
            throw AMQPProtocolError(
                .invalidFrameEnd,
                "frame end octet is 0x\(String(end, radix: 16)), expected 0xce"
            )
        }
        var payload = buffer.getSlice(at: start + 7, length: payloadSize)!
        let frame: AMQPFrame
        switch type {
        case AMQPFrame.FrameType.method.rawValue:
            var problem: AMQPProtocolError?
            let method = try AMQPMethod.decode(from: &payload, problem: &problem)
            try Self.checkConsumed(payload, what: method.name)
            frame = AMQPFrame(channelID: channelID, payload: .method(method), problem: problem)
        case AMQPFrame.FrameType.header.rawValue:
            // Everything after the body size is the publisher's: the header reads its properties as far as it can.
            var problem: AMQPProtocolError?
            let header = try ContentHeader.decode(from: &payload, problem: &problem)
            frame = AMQPFrame(channelID: channelID, payload: .header(header), problem: problem)
        case AMQPFrame.FrameType.body.rawValue:
            frame = AMQPFrame(channelID: channelID, payload: .body(payload))
        case AMQPFrame.FrameType.heartbeat.rawValue:
            frame = AMQPFrame(channelID: channelID, payload: .heartbeat)
        default:
            throw AMQPProtocolError(.unknownFrameType, "unknown frame type \(type)")
        }
        buffer.moveReaderIndex(to: start + 8 + payloadSize)
        return frame
    }

    private static func checkConsumed(_ payload: ByteBuffer, what: String) throws(AMQPProtocolError) {
        guard payload.readableBytes == 0 else {
            throw AMQPProtocolError(.trailingBytes, "\(payload.readableBytes) bytes left over after \(what)")
        }
    }
}
