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
    /// What is wrong with the message, when something is: text that is not UTF-8 in its method or properties,
    /// properties that do not decode (``AMQPFrame/problem``), or a body over the assembler's limit
    /// (``AMQPProtocolError/Code-swift.struct/bodyTooLarge``, and then the body is empty). Such a message is to
    /// be refused; the channel and the connection go on.
    public var problem: AMQPProtocolError?

    /// Creates a message.
    public init(method: AMQPMethod, properties: BasicProperties, body: ByteBuffer, problem: AMQPProtocolError? = nil) {
        self.method = method
        self.properties = properties
        self.body = body
        self.problem = problem
    }
}

/// Reassembles a message from a content-carrying method, a content header and body frames, for one channel.
///
/// Pure state: feed it the channel's frames in order and it answers whether a message is complete. It refuses
/// frames out of order (a body with no header, a method in the middle of a body, a body larger than announced)
/// with ``AMQPProtocolError/Code-swift.struct/unexpectedFrame``: the broker broke the protocol, and the connection
/// must close.
///
/// What is wrong with one message is not such an error: the problems of its frames (``AMQPFrame/problem``) become
/// the message's ``AMQPContent/problem``, and a body announced larger than ``maximumBodySize`` is never buffered:
/// its body frames are counted and dropped as they come, and the message is handed over with an empty body and a
/// ``AMQPProtocolError/Code-swift.struct/bodyTooLarge`` problem once the last of them is in. So the memory a
/// channel holds for messages is bounded by the limit, whatever publishers send.
public struct AMQPContentAssembler: Sendable {
    private enum State: Sendable {
        case idle
        case awaitingHeader(AMQPMethod, AMQPProtocolError?)
        case awaitingBody(AMQPMethod, BasicProperties, ByteBuffer, remaining: UInt64, AMQPProtocolError?)
        /// A body over the limit: its frames are counted, not kept.
        case discardingBody(AMQPMethod, BasicProperties, remaining: UInt64, AMQPProtocolError)
    }

    private var state: State = .idle

    /// Bodies may be at most this large; a larger one is dropped as it arrives and its message handed over with a
    /// ``AMQPProtocolError/Code-swift.struct/bodyTooLarge`` problem. RabbitMQ's own limit is 512 MiB.
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

    /// A content-carrying method arrived, with its frame's problem. Returns nothing: the header must follow.
    public mutating func methodReceived(
        _ method: AMQPMethod,
        problem: AMQPProtocolError? = nil
    ) throws(AMQPProtocolError) {
        guard case .idle = self.state else {
            throw AMQPProtocolError(.unexpectedFrame, "\(method.name) arrived while a message was being assembled")
        }
        self.state = .awaitingHeader(method, problem)
    }

    /// A content header arrived, with its frame's problem; returns the message when its body is empty.
    public mutating func headerReceived(
        _ header: ContentHeader,
        problem headerProblem: AMQPProtocolError? = nil
    ) throws(AMQPProtocolError) -> AMQPContent? {
        guard case .awaitingHeader(let method, let methodProblem) = self.state else {
            throw AMQPProtocolError(.unexpectedFrame, "content header without a content-carrying method before it")
        }
        let problem = methodProblem ?? headerProblem
        guard header.bodySize <= self.maximumBodySize else {
            let tooLarge = AMQPProtocolError(
                .bodyTooLarge,
                "message body of \(header.bodySize) bytes exceeds the limit of \(self.maximumBodySize)"
            )
            self.state = .discardingBody(method, header.properties, remaining: header.bodySize, problem ?? tooLarge)
            return nil
        }
        if header.bodySize == 0 {
            self.state = .idle
            return AMQPContent(method: method, properties: header.properties, body: ByteBuffer(), problem: problem)
        }
        self.state = .awaitingBody(method, header.properties, ByteBuffer(), remaining: header.bodySize, problem)
        return nil
    }

    /// A body frame arrived; returns the message when its last body frame is in.
    public mutating func bodyReceived(_ chunk: ByteBuffer) throws(AMQPProtocolError) -> AMQPContent? {
        let count = UInt64(chunk.readableBytes)
        switch self.state {
        case .discardingBody(let method, let properties, let remaining, let problem):
            guard count <= remaining else {
                throw AMQPProtocolError(
                    .unexpectedFrame,
                    "body frame carries \(count) bytes, only \(remaining) expected"
                )
            }
            if count == remaining {
                self.state = .idle
                return AMQPContent(method: method, properties: properties, body: ByteBuffer(), problem: problem)
            }
            self.state = .discardingBody(method, properties, remaining: remaining - count, problem)
            return nil
        case .awaitingBody(let method, let properties, var body, let remaining, let problem):
            guard count <= remaining else {
                throw AMQPProtocolError(
                    .unexpectedFrame,
                    "body frame carries \(count) bytes, only \(remaining) expected"
                )
            }
            if count == remaining, body.readableBytes == 0 {
                // The whole body in one frame: keep the slice, no copy.
                self.state = .idle
                return AMQPContent(method: method, properties: properties, body: chunk, problem: problem)
            }
            self.state = .idle  // drop our reference so that `body` is uniquely owned while we append
            if body.capacity == 0 {
                body.reserveCapacity(Int(min(remaining, 64 * 1024 * 1024)))
            }
            var chunk = chunk
            body.writeBuffer(&chunk)
            if count == remaining {
                return AMQPContent(method: method, properties: properties, body: body, problem: problem)
            }
            self.state = .awaitingBody(method, properties, body, remaining: remaining - count, problem)
            return nil
        case .idle, .awaitingHeader:
            throw AMQPProtocolError(.unexpectedFrame, "body frame without a content header before it")
        }
    }
}
