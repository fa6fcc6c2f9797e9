//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPProtocol
public import NIOCore

/// What became of a published message, as far as the broker tells.
public enum PublishOutcome: Sendable {
    /// The broker confirmed the message (`basic.ack`): every queue it was routed to has it.
    case acked
    /// The broker could not take the message (`basic.nack`).
    case nacked
    /// The message was mandatory and no queue was bound for it: the broker sent it back (`basic.return`) and then
    /// confirmed it.
    case returned(AMQPReturnedMessage)
    /// The channel is not in confirm mode, so the broker says nothing about the message.
    case unconfirmed
}

/// A message the broker sent back with `basic.return`.
public struct AMQPReturnedMessage: Sendable {
    /// Why it came back, usually 312 NO_ROUTE.
    public var replyCode: ReplyCode
    /// The broker's explanation, such as `NO_ROUTE`.
    public var replyText: String
    /// The exchange it was published to.
    public var exchange: String
    /// The routing key it was published with.
    public var routingKey: String
    /// Its properties.
    public var properties: BasicProperties
    /// Its body.
    public var body: ByteBuffer
}
