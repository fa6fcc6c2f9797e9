//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPProtocol
public import NIOCore

/// The broker's eventual answer to one publish.
///
/// Publishing returns as soon as the message is on its way; the confirmation is awaited separately, so that many
/// publishes can be in flight at once (waiting for each confirm before the next publish is several times slower).
public struct PublishConfirmation: Sendable {
    let box: ConfirmationBox?

    /// Waits for the broker's confirm. On a channel without publisher confirms, returns
    /// ``PublishOutcome/unconfirmed`` at once.
    ///
    /// - Throws: ``AMQPError`` when the channel or connection closed before the broker confirmed the message.
    public func outcome() async throws(AMQPError) -> PublishOutcome {
        guard let box else { return .unconfirmed }
        return try await box.get()
    }

    /// Calls `callback` with the outcome once it is known, without a task waiting for it.
    ///
    /// The callback runs at once when the outcome is already known, otherwise on the connection's event loop when
    /// it arrives; like every event-loop callback it must return quickly and never block. On a channel without
    /// confirms it runs at once with ``PublishOutcome/unconfirmed``.
    public func whenConfirmed(_ callback: @escaping @Sendable (Result<PublishOutcome, AMQPError>) -> Void) {
        guard let box else {
            callback(.success(.unconfirmed))
            return
        }
        box.whenComplete(callback)
    }

    /// Whether the broker has answered (or the channel failed), so that ``outcome()`` returns without waiting.
    public var isResolved: Bool { self.box.map { $0.result != nil } ?? true }
}

extension AMQPChannel {
    /// Publishes a message.
    ///
    /// Returns once the message is handed to the connection; await the returned confirmation's
    /// ``PublishConfirmation/outcome()`` for the broker's answer when the channel is in confirm mode
    /// (``enablePublisherConfirms()``). A `mandatory` message that no queue takes comes back as
    /// ``PublishOutcome/returned(_:)``. When the socket cannot keep up, publishing suspends until it can, or until
    /// the calling task is cancelled (then it throws, publishing nothing).
    ///
    /// - Parameters:
    ///   - body: The message body.
    ///   - exchange: The exchange; `""` is the default exchange, which routes to the queue named by `routingKey`.
    ///   - routingKey: The routing key.
    ///   - mandatory: Ask the broker to return the message when no queue takes it.
    ///   - properties: The message properties.
    /// - Returns: The broker's eventual answer.
    /// - Throws: ``AMQPError`` when the channel is closed or a name is longer than 255 bytes.
    @discardableResult
    public func publish(
        _ body: ByteBuffer,
        exchange: String = "",
        routingKey: String,
        mandatory: Bool = false,
        properties: BasicProperties = BasicProperties()
    ) async throws(AMQPError) -> PublishConfirmation {
        try self.checkOpen()
        try Self.checkShortString(exchange, "exchange name")
        try Self.checkShortString(routingKey, "routing key")
        let nioChannel = self.connection.nioChannel
        if !nioChannel.isWritable {
            await self.connection.status.waitUntilWritable { nioChannel.isWritable }
            try self.checkOpen()
            if Task.isCancelled, !nioChannel.isWritable {
                throw AMQPError(.cancelled, "the publish was cancelled while the connection could not be written to")
            }
        }
        let request = PublishRequest(
            exchange: exchange,
            routingKey: routingKey,
            mandatory: mandatory,
            properties: properties,
            body: body
        )
        let box = self.publisherConfirmsEnabled ? ConfirmationBox() : nil
        if self.connection.queue.enqueue(.publish(self.key, request, box)) {
            await self.connection.queue.waitForBacklog()
        }
        return PublishConfirmation(box: box)
    }

    /// Publishes a message without ever suspending, for code that cannot wait: a callback on the event loop
    /// (``consume(queue:consumerTag:noAck:exclusive:arguments:onEnd:onDelivery:)``,
    /// ``PublishConfirmation/whenConfirmed(_:)``).
    ///
    /// It does not slow down when the socket is backed up, as ``publish(_:exchange:routingKey:mandatory:properties:)-(ByteBuffer,_,_,_,_)``
    /// does; whoever calls it must bound what it publishes some other way, for example by the prefetch window of
    /// the consumer it answers.
    ///
    /// - Throws: ``AMQPError`` when the channel is closed or a name is longer than 255 bytes.
    @discardableResult
    public func publishWithoutWaiting(
        _ body: ByteBuffer,
        exchange: String = "",
        routingKey: String,
        mandatory: Bool = false,
        properties: BasicProperties = BasicProperties()
    ) throws(AMQPError) -> PublishConfirmation {
        try self.checkOpen()
        try Self.checkShortString(exchange, "exchange name")
        try Self.checkShortString(routingKey, "routing key")
        let request = PublishRequest(
            exchange: exchange,
            routingKey: routingKey,
            mandatory: mandatory,
            properties: properties,
            body: body
        )
        let box = self.publisherConfirmsEnabled ? ConfirmationBox() : nil
        self.connection.queue.enqueue(.publish(self.key, request, box))
        return PublishConfirmation(box: box)
    }

    /// Publishes a message with a body given as bytes or text; see
    /// ``publish(_:exchange:routingKey:mandatory:properties:)-(ByteBuffer,_,_,_,_)``.
    @discardableResult
    public func publish(
        _ body: some Collection<UInt8>,
        exchange: String = "",
        routingKey: String,
        mandatory: Bool = false,
        properties: BasicProperties = BasicProperties()
    ) async throws(AMQPError) -> PublishConfirmation {
        var buffer = ByteBuffer()
        buffer.writeBytes(body)
        return try await self.publish(
            buffer,
            exchange: exchange,
            routingKey: routingKey,
            mandatory: mandatory,
            properties: properties
        )
    }
}
