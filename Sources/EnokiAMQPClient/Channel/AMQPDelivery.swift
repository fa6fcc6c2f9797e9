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
    /// What is wrong with the message, when something is; `nil` for a well-formed message.
    ///
    /// The broker passes on what publishers send without checking it, so any process that can publish to a queue
    /// can put a message in it that does not decode: a routing key or a property that is not UTF-8 (read here with
    /// U+FFFD in place of the bad bytes), a header table that does not decode (left out of ``properties``), or a
    /// body over ``AMQPConnection/Configuration/maximumMessageSize`` (dropped as it arrived: ``body`` is empty).
    /// Such a message is the consumer's to refuse (reject it without requeueing, or answer it with an error); the
    /// channel and the connection carry on.
    public var problem: AMQPProtocolError?
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
        problem: AMQPProtocolError? = nil,
        channel: AMQPChannel
    ) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.deliveryTag = deliveryTag
        self.redelivered = redelivered
        self.consumerTag = consumerTag
        self.properties = properties
        self.body = body
        self.problem = problem
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
