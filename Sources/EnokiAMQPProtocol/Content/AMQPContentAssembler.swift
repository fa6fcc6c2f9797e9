//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import NIOCore

/// A whole message: the method that carried it, its properties and its body.
public struct AMQPContent: Sendable, Hashable {
    /// `basic.deliver`, `basic.return`, `basic.get-ok` (or `basic.publish` for a broker role).
    public var method: AMQPMethod
    /// The message properties.
    public var properties: BasicProperties
    /// The message body, reassembled from its body frames.
    public var body: ByteBuffer

    /// Creates a message.
    public init(method: AMQPMethod, properties: BasicProperties, body: ByteBuffer) {
        self.method = method
        self.properties = properties
        self.body = body
    }
}

/// Reassembles a message from a content-carrying method, a content header and body frames, for one channel.
///
/// Pure state: feed it the channel's frames in order and it answers whether a message is complete. It refuses
/// frames out of order (a body with no header, a method in the middle of a body, a body larger than announced)
/// with ``AMQPProtocolError/Code-swift.struct/unexpectedFrame``.
public struct AMQPContentAssembler: Sendable {
    private enum State: Sendable {
        case idle
        case awaitingHeader(AMQPMethod)
        case awaitingBody(AMQPMethod, BasicProperties, ByteBuffer, remaining: UInt64)
    }

    private var state: State = .idle

    /// Bodies may be at most this large; a header announcing more is refused. RabbitMQ's own limit is 512 MiB.
    public var maximumBodySize: UInt64

    /// Creates an assembler.
    public init(maximumBodySize: UInt64 = 512 * 1024 * 1024) {
        self.maximumBodySize = maximumBodySize
    }

    /// Whether the assembler is in the middle of a message.
    public var isAssembling: Bool {
        if case .idle = self.state { return false }
        return true
    }

    /// A content-carrying method arrived. Returns nothing: the header must follow.
    public mutating func methodReceived(_ method: AMQPMethod) throws(AMQPProtocolError) {
        guard case .idle = self.state else {
            throw AMQPProtocolError(.unexpectedFrame, "\(method.name) arrived while a message was being assembled")
        }
        self.state = .awaitingHeader(method)
    }

    /// A content header arrived; returns the message when its body is empty.
    public mutating func headerReceived(_ header: ContentHeader) throws(AMQPProtocolError) -> AMQPContent? {
        guard case .awaitingHeader(let method) = self.state else {
            throw AMQPProtocolError(.unexpectedFrame, "content header without a content-carrying method before it")
        }
        guard header.bodySize <= self.maximumBodySize else {
            throw AMQPProtocolError(
                .frameTooLarge,
                "message body of \(header.bodySize) bytes exceeds the limit of \(self.maximumBodySize)"
            )
        }
        if header.bodySize == 0 {
            self.state = .idle
            return AMQPContent(method: method, properties: header.properties, body: ByteBuffer())
        }
        self.state = .awaitingBody(method, header.properties, ByteBuffer(), remaining: header.bodySize)
        return nil
    }

    /// A body frame arrived; returns the message when its last body frame is in.
    public mutating func bodyReceived(_ chunk: ByteBuffer) throws(AMQPProtocolError) -> AMQPContent? {
        guard case .awaitingBody(let method, let properties, var body, let remaining) = self.state else {
            throw AMQPProtocolError(.unexpectedFrame, "body frame without a content header before it")
        }
        let count = UInt64(chunk.readableBytes)
        guard count <= remaining else {
            throw AMQPProtocolError(.unexpectedFrame, "body frame carries \(count) bytes, only \(remaining) expected")
        }
        if count == remaining, body.readableBytes == 0 {
            // The whole body in one frame: keep the slice, no copy.
            self.state = .idle
            return AMQPContent(method: method, properties: properties, body: chunk)
        }
        self.state = .idle  // drop our reference so that `body` is uniquely owned while we append
        if body.capacity == 0 {
            body.reserveCapacity(Int(min(remaining, 64 * 1024 * 1024)))
        }
        var chunk = chunk
        body.writeBuffer(&chunk)
        if count == remaining {
            return AMQPContent(method: method, properties: properties, body: body)
        }
        self.state = .awaitingBody(method, properties, body, remaining: remaining - count)
        return nil
    }
}
