//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPProtocol
import NIOCore

/// The result of `basic.get`.
public struct AMQPGetResult: Sendable {
    /// The message.
    public var delivery: AMQPDelivery
    /// How many messages the queue still holds.
    public var messageCount: UInt32
}

extension AMQPChannel {
    /// Starts a consumer on a queue.
    ///
    /// The consumer is an `AsyncSequence` of deliveries. Unless `noAck` is set, acknowledge each delivery with
    /// ``AMQPDelivery/ack(multiple:)`` (or nack or reject it); the broker sends at most the prefetch window
    /// (``qos(prefetchCount:prefetchSize:global:)``) of unacknowledged deliveries, which bounds the consumer's
    /// buffer. With `noAck`, the client stops reading from the socket while a consumer's buffer is over
    /// ``AMQPConnection/Configuration/consumerBufferLimit``, so a slow consumer slows the broker down instead of
    /// filling memory.
    ///
    /// The sequence ends without error when the consumer is cancelled (``AMQPConsumer/cancel()``) or the
    /// channel is closed by this client, and with an ``AMQPError`` when the broker cancels the consumer (its
    /// queue was deleted) or the channel or connection fails. When you stop iterating, the consumer is
    /// cancelled and deliveries that arrive afterwards go back to the queue.
    ///
    /// - Parameters:
    ///   - queue: The queue.
    ///   - consumerTag: The consumer's tag; empty picks a unique one.
    ///   - noAck: The broker considers each message acknowledged as it sends it.
    ///   - exclusive: No other consumer may use the queue.
    ///   - arguments: Extra arguments such as `x-priority`.
    public func consume(
        queue: String,
        consumerTag: ConsumerTag = "",
        noAck: Bool = false,
        exclusive: Bool = false,
        arguments: FieldTable = [:]
    ) async throws(AMQPError) -> AMQPConsumer {
        try self.checkOpen()
        try Self.checkShortString(queue, "queue name")
        try Self.checkShortString(consumerTag.rawValue, "consumer tag")
        let tag = consumerTag.rawValue.isEmpty ? self.makeConsumerTag() : consumerTag.rawValue
        let limit = max(self.connection.configuration.consumerBufferLimit, 2)
        let producer = AMQPConsumer.Producer.makeSequence(
            backPressureStrategy: .init(lowWatermark: limit / 2, highWatermark: limit),
            finishOnDeinit: false,
            delegate: AMQPConsumer.Delegate(queue: self.connection.queue, key: self.key, tag: tag)
        )
        let progress = ConsumerProgress()
        let registration = ConsumerRegistration(
            tag: tag,
            noAck: noAck,
            sink: .sequence(producer.source, progress),
            channel: self
        )
        let promise = self.connection.queue.eventLoop.makePromise(of: RequestReply.self)
        self.connection.queue.enqueue(
            .consume(
                self.key,
                .init(queue: queue, consumerTag: tag, noAck: noAck, exclusive: exclusive, arguments: arguments),
                registration,
                promise
            )
        )
        _ = try await Self.await(promise)
        return AMQPConsumer(
            sequence: producer.sequence,
            tag: ConsumerTag(rawValue: tag),
            channel: self,
            progress: progress
        )
    }

    /// Starts a consumer whose deliveries are handed to a callback on the connection's event loop.
    ///
    /// A low-level alternative to the sequence form for code that only routes deliveries onwards, such as an RPC
    /// client matching replies to waiting callers by correlation id: it saves a thread hop per message. The
    /// callback runs on the thread that reads the socket, one delivery at a time and in order, so it must
    /// return quickly and never block or wait; hand real work to a task.
    ///
    /// - Parameters:
    ///   - queue: The queue.
    ///   - consumerTag: The consumer's tag; empty picks a unique one.
    ///   - noAck: The broker considers each message acknowledged as it sends it.
    ///   - exclusive: No other consumer may use the queue.
    ///   - arguments: Extra arguments such as `x-priority`.
    ///   - onEnd: Called once when the consumer ends: with `nil` after a cancel or a clean channel close, with the
    ///     error when the broker cancelled it or the channel or connection failed.
    ///   - onDelivery: Called for each delivery.
    /// - Returns: The consumer's tag.
    @discardableResult
    public func consume(
        queue: String,
        consumerTag: ConsumerTag = "",
        noAck: Bool = false,
        exclusive: Bool = false,
        arguments: FieldTable = [:],
        onEnd: @escaping @Sendable (AMQPError?) -> Void = { _ in },
        onDelivery: @escaping @Sendable (AMQPDelivery) -> Void
    ) async throws(AMQPError) -> ConsumerTag {
        try self.checkOpen()
        try Self.checkShortString(queue, "queue name")
        try Self.checkShortString(consumerTag.rawValue, "consumer tag")
        let tag = consumerTag.rawValue.isEmpty ? self.makeConsumerTag() : consumerTag.rawValue
        let registration = ConsumerRegistration(
            tag: tag,
            noAck: noAck,
            sink: .callback(onDelivery, onEnd: onEnd),
            channel: self
        )
        let promise = self.connection.queue.eventLoop.makePromise(of: RequestReply.self)
        self.connection.queue.enqueue(
            .consume(
                self.key,
                .init(queue: queue, consumerTag: tag, noAck: noAck, exclusive: exclusive, arguments: arguments),
                registration,
                promise
            )
        )
        _ = try await Self.await(promise)
        return ConsumerTag(rawValue: tag)
    }

    /// Cancels a consumer (`basic.cancel`); its sequence ends once the broker confirms.
    public func cancel(consumerTag: ConsumerTag) async throws(AMQPError) {
        _ = try await self.request(.basicCancel(.init(consumerTag: consumerTag.rawValue)))
    }

    /// Fetches one message from a queue (`basic.get`), or `nil` when the queue is empty.
    public func get(queue: String, noAck: Bool = false) async throws(AMQPError) -> AMQPGetResult? {
        try self.checkOpen()
        try Self.checkShortString(queue, "queue name")
        let promise = self.connection.queue.eventLoop.makePromise(of: RequestReply.self)
        self.connection.queue.enqueue(.request(self.key, .basicGet(.init(queue: queue, noAck: noAck)), promise))
        switch try await Self.await(promise) {
        case .method:
            return nil
        case .content(let content):
            guard case .basicGetOk(let ok) = content.method else {
                throw AMQPError(.protocolViolation, "unexpected answer to basic.get")
            }
            return AMQPGetResult(
                delivery: AMQPDelivery(
                    exchange: ok.exchange,
                    routingKey: ok.routingKey,
                    deliveryTag: DeliveryTag(rawValue: ok.deliveryTag),
                    redelivered: ok.redelivered,
                    consumerTag: nil,
                    properties: content.properties,
                    body: content.body,
                    problem: content.problem,
                    channel: self
                ),
                messageCount: ok.messageCount
            )
        case .opened:
            throw AMQPError(.protocolViolation, "unexpected answer to basic.get")
        }
    }

    /// Acknowledges a delivery (and, with `multiple`, every earlier one on this channel).
    ///
    /// - Throws: ``AMQPError`` when the channel is closed: its deliveries are back in their queues.
    public func ack(_ deliveryTag: DeliveryTag, multiple: Bool = false) throws(AMQPError) {
        try self.checkOpen()
        self.connection.queue.enqueue(
            .acknowledge(self.key, .basicAck(.init(deliveryTag: deliveryTag.rawValue, multiple: multiple)))
        )
    }

    /// Refuses a delivery (and, with `multiple`, every earlier unacknowledged one), requeueing it or, with
    /// `requeue: false`, dropping or dead-lettering it.
    public func nack(_ deliveryTag: DeliveryTag, multiple: Bool = false, requeue: Bool = true) throws(AMQPError) {
        try self.checkOpen()
        self.connection.queue.enqueue(
            .acknowledge(
                self.key,
                .basicNack(.init(deliveryTag: deliveryTag.rawValue, multiple: multiple, requeue: requeue))
            )
        )
    }

    /// Refuses one delivery, requeueing it or, with `requeue: false`, dropping or dead-lettering it.
    public func reject(_ deliveryTag: DeliveryTag, requeue: Bool = true) throws(AMQPError) {
        try self.checkOpen()
        self.connection.queue.enqueue(
            .acknowledge(self.key, .basicReject(.init(deliveryTag: deliveryTag.rawValue, requeue: requeue)))
        )
    }
}
