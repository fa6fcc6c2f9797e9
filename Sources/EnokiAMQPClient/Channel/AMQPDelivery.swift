//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPProtocol
public import NIOCore

/// A message delivered to a consumer (or fetched with `basic.get`).
public struct AMQPDelivery: Sendable {
    /// The exchange the message was published to.
    public var exchange: String
    /// The routing key it was published with.
    public var routingKey: String
    /// The tag to acknowledge it with, on ``channel``.
    public var deliveryTag: DeliveryTag
    /// Whether the broker delivered it before (to a consumer that did not acknowledge it).
    public var redelivered: Bool
    /// The consumer it was delivered to; `nil` for `basic.get`.
    public var consumerTag: ConsumerTag?
    /// Its properties.
    public var properties: BasicProperties
    /// Its body.
    public var body: ByteBuffer
    /// The channel it came on; acknowledgements go there.
    public let channel: AMQPChannel

    /// Creates a delivery (mostly for tests).
    public init(
        exchange: String,
        routingKey: String,
        deliveryTag: DeliveryTag,
        redelivered: Bool,
        consumerTag: ConsumerTag?,
        properties: BasicProperties,
        body: ByteBuffer,
        channel: AMQPChannel
    ) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.deliveryTag = deliveryTag
        self.redelivered = redelivered
        self.consumerTag = consumerTag
        self.properties = properties
        self.body = body
        self.channel = channel
    }

    /// Acknowledges the message: the broker forgets it.
    ///
    /// - Throws: ``AMQPError`` when the channel is closed; the message is then back in its queue.
    public func ack(multiple: Bool = false) throws(AMQPError) {
        try self.channel.ack(self.deliveryTag, multiple: multiple)
    }

    /// Refuses the message, requeueing it (the default) or dropping or dead-lettering it.
    public func nack(multiple: Bool = false, requeue: Bool = true) throws(AMQPError) {
        try self.channel.nack(self.deliveryTag, multiple: multiple, requeue: requeue)
    }

    /// Refuses the message, requeueing it (the default) or dropping or dead-lettering it.
    public func reject(requeue: Bool = true) throws(AMQPError) {
        try self.channel.reject(self.deliveryTag, requeue: requeue)
    }
}
